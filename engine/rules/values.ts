/**
 * Value lists (carriers, reasons, enums) indexed for lookup: by code exactly, then by code or
 * label ignoring letter case. Built once per list and shared by every field that uses it.
 */
import type { ListValue, ValueList } from '../channel/model.ts';

export interface ValueIndex {
  readonly list: ValueList;
  find(input: string): ListValue | undefined;
}

const indexes = new WeakMap<ValueList, ValueIndex>();

export function valueIndex(list: ValueList): ValueIndex {
  let index = indexes.get(list);
  if (index) return index;
  const byCode = new Map<string, ListValue>();
  const byFolded = new Map<string, ListValue>();
  for (const value of list.values) byCode.set(value.code, value);
  // Codes win over labels when a folded code and a folded label collide.
  for (const value of list.values) if (!byFolded.has(value.label.toLowerCase())) byFolded.set(value.label.toLowerCase(), value);
  for (const value of list.values) byFolded.set(value.code.toLowerCase(), value);
  index = {
    list,
    find(input: string): ListValue | undefined {
      return byCode.get(input) ?? byFolded.get(input.trim().toLowerCase());
    },
  };
  indexes.set(list, index);
  return index;
}

/** `15 (Out of stock), 16 (Product returned by the customer)`: a list as people read it. */
export function describeValues(list: ValueList, limit = 12): string {
  const shown = list.values.slice(0, limit).map((v) => (v.code === v.label ? v.code : `${v.code} (${v.label})`));
  const more = list.values.length > limit ? `, ... (${list.values.length - limit} more)` : '';
  return shown.join(', ') + more;
}
