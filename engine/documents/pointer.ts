/**
 * JSON pointers (RFC 6901) name a node of a channel document: `/actions/refund/by_status/accepted`.
 * Findings carry one, and the YAML layer maps it back to a line and column.
 */

export function toPointer(segments: readonly (string | number)[]): string {
  return segments.map((s) => '/' + String(s).replaceAll('~', '~0').replaceAll('/', '~1')).join('');
}

export function fromPointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`not a JSON pointer: ${pointer}`);
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** `retrieval.catch_up.lookback`, `lists.carriers.values[2]`: how a person reads a path. */
export function dottedPath(pointer: string): string {
  let out = '';
  for (const seg of fromPointer(pointer)) out += /^\d+$/.test(seg) ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  return out;
}
