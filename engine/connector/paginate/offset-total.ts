/**
 * `offset_total`: offset and page size in the query, a total count in the response (Mirakl OR11:
 * offset, max, total_count). Stops once offset + records reaches the total, or on an empty page.
 *
 * Shifting pages: with the window's upper bound fixed, an order updated while we page leaves the
 * filtered list, so the total drops and every later order moves back. If the order sat before
 * our offset, the page just read skipped one order; `recover` re-reads from `offset - drop`.
 * (If it sat after, the re-read only yields duplicates, which the store deduplicates.)
 * Overlapping pages (records of the previous page served again) advance the offset by the new
 * records only.
 */
import { compilePath } from '../map/path.ts';
import type { Paginator } from './types.ts';

export interface OffsetTotalSpec {
  type: 'offset_total';
  offset_param: string;
  limit_param: string;
  page_size: number;
  /** Path of the total count in the response body. */
  total: string;
}

export function offsetTotal(spec: OffsetTotalSpec): Paginator {
  const total = compilePath(spec.total);
  const size = String(spec.page_size);
  return {
    first: () => ({ [spec.offset_param]: '0', [spec.limit_param]: size }),
    next(current, body, records, _list, duplicates = 0) {
      if (records === 0) return undefined;
      // Records the previous page already had mean the page started earlier than asked: advance
      // by the new ones only, or the end of the list would be skipped.
      const offset = Number(current[spec.offset_param] ?? 0) + Math.max(1, records - duplicates);
      const count = Number(total(body));
      // Without a usable total, a short page is the end.
      const done = Number.isFinite(count) ? offset >= count : records < spec.page_size;
      return done ? undefined : { ...current, [spec.offset_param]: String(offset) };
    },
    recover(current, previousBody, body) {
      const drop = Number(total(previousBody)) - Number(total(body));
      const offset = Number(current[spec.offset_param] ?? 0);
      if (!(drop > 0) || offset === 0) return undefined;
      return { ...current, [spec.offset_param]: String(Math.max(0, offset - drop)) };
    },
  };
}
