/**
 * Compile-time proof that compile.ts's hand-written Raw* types accept every document the channel
 * schema accepts: the generated types (from schemas/channel.schema.json) must be assignable to
 * them. When the schema gains a key, `npm run generated` updates the generated types and
 * `tsc --noEmit` fails here until compile.ts knows about it. No runtime code.
 */
import type { RawAction, RawChannel, RawField, RawListValue } from './compile.ts';
import type { Action, ActionField, OrderwireChannel, Value } from './channel-file.generated.ts';

type Assignable<From, To> = [From] extends [To] ? true : false;
/** Keys the schema allows that the Raw type forgot (a wider-than-Raw schema). */
type MissingKeys<Schema, Raw> = Exclude<keyof Schema, keyof Raw>;

export type RawTypesMatchSchema = [
  Assignable<OrderwireChannel, RawChannel>,
  Assignable<Action, RawAction>,
  Assignable<ActionField, RawField>,
  Assignable<Value, RawListValue>,
  Assignable<MissingKeys<OrderwireChannel, RawChannel>, never>,
  Assignable<MissingKeys<Action, RawAction>, never>,
  Assignable<MissingKeys<ActionField, RawField>, never>,
];

export const rawTypesMatchSchema: RawTypesMatchSchema = [true, true, true, true, true, true, true];
