/**
 * Plain-language names for places in a channel document, so messages say "in field `reason` of
 * action `refund` at status `accepted`" rather than "/actions/refund/by_status/accepted/...".
 */
import { dottedPath, fromPointer, toPointer } from '../documents/pointer.ts';
import type { Namer } from '../documents/schema-findings.ts';

function nth(index: string): string {
  return `#${Number(index) + 1}`;
}

/** Name of the node at `pointer` as the subject of a sentence: "field `reason` of action `refund`". */
export function nodeName(pointer: string): string {
  const s = fromPointer(pointer);
  const [a, b, c, d, e, f, g] = s;
  if (s.length === 0) return 'the channel';
  if (a === 'actions') {
    if (s.length === 1) return '`actions`';
    if (s.length === 2) return `action \`${b}\``;
    if (c === 'fields' && s.length === 4) return `field \`${d}\` of action \`${b}\``;
    if (c === 'by_status' && s.length === 4) return `\`by_status.${d}\` of action \`${b}\``;
    if (c === 'by_status' && e === 'fields' && s.length === 6) return `field \`${f}\` of action \`${b}\` at status \`${d}\``;
    if (c === 'by_status' && e === 'fields' && s.length === 8 && g === 'values') return `value ${nth(s[7]!)} of field \`${f}\` of action \`${b}\` at status \`${d}\``;
    if (c === 'fields' && e === 'values' && s.length === 6) return `value ${nth(f!)} of field \`${d}\` of action \`${b}\``;
  }
  if (a === 'lists') {
    if (s.length === 2) return `list \`${b}\``;
    if (c === 'values' && s.length === 4) return `value ${nth(d!)} of list \`${b}\``;
  }
  if (a === 'rules' && s.length === 2) return `rule ${nth(b!)}`;
  if (a === 'sources' && s.length === 2) return `source ${nth(b!)}`;
  if (a === 'fulfillment' && b === 'modes' && s.length === 3) return `fulfilment mode ${nth(c!)}`;
  if ((a === 'statuses' || a === 'line_statuses') && s.length === 2) return `status \`${b}\` in \`${a}\``;
  const last = s.at(-1)!;
  const parent = s.slice(0, -1);
  if (/^\d+$/.test(last)) return `item ${nth(last)} of ${nodeName(toPointer(parent))}`;
  if (parent.length === 0) return `\`${last}\``;
  const parentName = nodeName(toPointer(parent));
  return parentName.startsWith('`') ? `\`${dottedPath(pointer)}\`` : `\`${last}\` of ${parentName}`;
}

/** "in action `refund`" / "at the top level": where a key sits, for unknown or missing keys. */
export function inside(pointer: string): string {
  return pointer === '' ? 'at the top level of the channel' : `in ${nodeName(pointer)}`;
}

/** How schema findings name places of a channel. */
export const channelNamer: Namer = Object.freeze({ nodeName, inside });
