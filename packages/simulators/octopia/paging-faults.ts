/**
 * Which list positions a page returns, with the paging faults applied:
 * - duplicate-pages: each page after the first starts a fifth of a page early, so it repeats the
 *   end of the previous page (clients must dedupe by orderId);
 * - shifting-pages: page k is read from the list with its first k-1 orders moved to the end, as
 *   if one already-read order was updated before each page request. An offset-paging client then
 *   misses one order at each page boundary and sees the moved ones again at the end.
 */
import type { FaultSpec } from '../shared/faults.ts';

export function pagePositions(pageIndex: number, pageSize: number, length: number, spec: FaultSpec): number[] {
  let start = (pageIndex - 1) * pageSize;
  if (spec.duplicatePages && pageIndex > 1) start -= Math.max(1, Math.floor(pageSize / 5));
  const shift = spec.shiftingPages && length > 0 ? (pageIndex - 1) % length : 0;
  const out: number[] = [];
  for (let pos = Math.max(0, start); pos < start + pageSize && pos < length; pos++) out.push((pos + shift) % length);
  return out;
}
