/**
 * Where the vocabulary appears in the JSON Schemas (schemas/*.schema.json), as JSON pointers:
 * `npm run generated` writes the declared lists there, and `--check` (in `npm test`) finds a
 * schema that drifted. Pure functions of the lists, so a test can apply them to another
 * vocabulary. A pointer that no longer resolves is an error, never a silent skip.
 */
import { ACTION_NAMES, ACTION_KINDS, type ActionKind } from './action-kinds.ts';
import { NORMALIZED_STATUSES, ORDER_STATUSES } from './statuses.ts';

export interface Vocabulary {
  readonly actions: Readonly<Record<string, ActionKind>>;
  readonly statuses: readonly string[];
}

export const VOCABULARY: Vocabulary = { actions: ACTION_KINDS, statuses: NORMALIZED_STATUSES };

type Json = Record<string, unknown>;

/** One place a schema holds the vocabulary: the value written at `pointer`. */
interface Slot {
  readonly pointer: string;
  readonly value: (v: Vocabulary) => unknown;
}

const actionNames = (v: Vocabulary) => Object.keys(v.actions);
const orderStatuses = (v: Vocabulary) => [...v.statuses, 'unknown'];

/** Per action kind, one property holding the same schema (platform `actions` and `effects`). */
function perKind(describe: (name: string) => Json): (v: Vocabulary) => Json {
  return (v) => Object.fromEntries(actionNames(v).map((name) => [name, describe(name)]));
}

export const VOCABULARY_SLOTS: Readonly<Record<string, readonly Slot[]>> = {
  channel: [
    { pointer: '/$defs/normalizedStatus/enum', value: (v) => [...v.statuses] },
    { pointer: '/$defs/actionName/enum', value: actionNames },
  ],
  'channel-description': [
    { pointer: '/$defs/normalizedStatus/enum', value: (v) => [...v.statuses] },
    { pointer: '/$defs/actionName/enum', value: actionNames },
  ],
  'channel-test': [
    { pointer: '/$defs/status/enum', value: (v) => [...v.statuses] },
    { pointer: '/$defs/verdictStatus/enum', value: orderStatuses },
  ],
  order: [{ pointer: '/$defs/orderStatus/enum', value: orderStatuses }],
  platform: [
    {
      pointer: '/properties/actions/properties',
      value: perKind((name) => ({ title: 'Action requests', description: `The HTTP requests that deliver ${name}, in order.`, $ref: '#/$defs/actionRequests' })),
    },
    {
      pointer: '/properties/effects/properties',
      value: perKind((name) => ({ title: 'Effect check', description: `How a read-back proves the ${name} took effect.`, $ref: '#/$defs/effect' })),
    },
  ],
};

function unescape(token: string): string {
  return token.replaceAll('~1', '/').replaceAll('~0', '~');
}

/** The schema with the vocabulary written into its slots (a copy; the input is left as it is). */
export function withVocabulary(name: string, schema: Json, vocabulary: Vocabulary = VOCABULARY): Json {
  const copy = structuredClone(schema);
  for (const slot of VOCABULARY_SLOTS[name] ?? []) {
    const tokens = slot.pointer.split('/').slice(1).map(unescape);
    let parent: Json = copy;
    for (const token of tokens.slice(0, -1)) {
      const next = parent[token];
      if (typeof next !== 'object' || next === null) throw new Error(`schemas/${name}.schema.json has no ${slot.pointer} (engine/vocabulary/schemas.ts)`);
      parent = next as Json;
    }
    const last = tokens.at(-1)!;
    if (!(last in parent)) throw new Error(`schemas/${name}.schema.json has no ${slot.pointer} (engine/vocabulary/schemas.ts)`);
    parent[last] = slot.value(vocabulary);
  }
  return copy;
}

/** The lists as the engine sees them, for tests comparing derived copies with the declaration. */
export const DECLARED = { actions: ACTION_NAMES, statuses: NORMALIZED_STATUSES, orderStatuses: ORDER_STATUSES } as const;
