/**
 * A mapped order checked against the normalized order's schema before it is stored. The mapping
 * checks types; the schema adds forms (an ISO 4217 currency, counts that are whole and not
 * negative, URLs). A value of an *optional* field in a form the schema does not allow (a tracking
 * URL that is not a URL) is left out, as a missing one would be: the order is still worth
 * importing and its raw record keeps the value. A problem anywhere else (currency, ids, quantities,
 * amounts, statuses, dates) makes the order one the back office could not trust: the caller
 * quarantines it with the problems.
 */
import { fromPointer } from '../documents/pointer.ts';
import { schemaAt, type JsonSchema } from '../documents/schemas.ts';
import type { NormalizedOrder } from './model.ts';
import { orderProblems, type SchemaProblem } from './schema.ts';

export type Conformed = { order: NormalizedOrder; dropped: string[] } | { problems: SchemaProblem[] };

function resolve(node: JsonSchema | undefined): JsonSchema | undefined {
  const ref = node?.$ref;
  return typeof ref === 'string' && ref.startsWith('#/') ? resolve(schemaAt('order', ref.slice(1))) : node;
}

/** Whether the value at `pointer` is an optional property of its object (never a list item, never the order). */
function optionalAt(pointer: string): boolean {
  const segments = fromPointer(pointer);
  if (segments.length === 0) return false;
  let node = resolve(schemaAt('order', ''));
  for (const segment of segments.slice(0, -1)) {
    node = resolve(/^\d+$/.test(segment) && node?.items && typeof node.items === 'object' ? (node.items as JsonSchema) : node?.properties?.[segment]);
  }
  const key = segments.at(-1)!;
  return node?.properties?.[key] !== undefined && !((node.required as string[] | undefined) ?? []).includes(key);
}

function without(order: NormalizedOrder, pointers: readonly string[]): NormalizedOrder {
  const { raw, ...rest } = order;
  const copy = structuredClone(rest) as Record<string, unknown>;
  for (const pointer of pointers) {
    const segments = fromPointer(pointer);
    let parent: unknown = copy;
    for (const segment of segments.slice(0, -1)) parent = (parent as Record<string, unknown>)[segment];
    delete (parent as Record<string, unknown>)[segments.at(-1)!];
  }
  return { ...(copy as Omit<NormalizedOrder, 'raw'>), raw };
}

export function conformOrder(order: NormalizedOrder): Conformed {
  const problems = orderProblems(order);
  if (problems.length === 0) return { order, dropped: [] };
  if (!problems.every((p) => p.part === 'value' && optionalAt(p.pointer))) return { problems };
  const dropped = [...new Set(problems.map((p) => p.pointer))];
  const fixed = without(order, dropped);
  const left = orderProblems(fixed);
  return left.length === 0 ? { order: fixed, dropped } : { problems: left };
}
