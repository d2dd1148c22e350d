/**
 * Which list positions a page returns, with the paging faults applied (both simulators):
 * - duplicate-pages: each page after the first starts a fifth of a page early, so it repeats the
 *   end of the previous page (clients must dedupe by order id);
 * - shifting-pages: page k is read from the list with its first k-1 orders moved to the end, as
 *   if one already-read order was updated before each page request (the total is unchanged). An
 *   offset-paging client then misses one order at each page boundary and sees the moved ones
 *   again at the end.
 */
import type { FaultSpec } from './faults.ts';

/** Positions of the page at `offset` (any offset: Mirakl's OR11); its page number is offset / size. */
export function offsetPositions(offset: number, pageSize: number, length: number, spec: FaultSpec): number[] {
  let start = offset;
  if (spec.duplicatePages && offset > 0) start -= Math.max(1, Math.floor(pageSize / 5));
  const shift = spec.shiftingPages && length > 0 ? Math.floor(offset / Math.max(1, pageSize)) % length : 0;
  const out: number[] = [];
  for (let pos = Math.max(0, start); pos < start + pageSize && pos < length; pos++) out.push((pos + shift) % length);
  return out;
}

/** Positions of page `pageIndex` (from 1: Octopia's pageIndex). */
export function pagePositions(pageIndex: number, pageSize: number, length: number, spec: FaultSpec): number[] {
  return offsetPositions((pageIndex - 1) * pageSize, pageSize, length, spec);
}
