/**
 * `offset_total`: offset and page size in the query, a total count in the response (Mirakl OR11:
 * offset, max, total_count).
 *
 * Offsets are positions in a list that may move while we page (orders updated out of the window,
 * a sort with ties, a marketplace serving overlapping pages). So each page after the first is
 * asked from one record before the end of the page read last: it must start with a record the
 * listing already has. The listing checks that overlap (see `listing.ts`); a page without it may
 * follow a gap, and `back` re-reads from further back, a quarter page first, then doubling. The
 * end is a short page that reaches the total (a short page below it is a server cap on the page
 * size: keep going), or an empty page.
 */
import { compilePath } from '../map/path.ts';
import type { PageQuery, Paginator } from './types.ts';

export interface OffsetTotalSpec {
  type: 'offset_total';
  offset_param: string;
  limit_param: string;
  page_size: number;
  /** Path of the total count in the response body. */
  total: string;
}

export function offsetTotal(spec: OffsetTotalSpec): Paginator {
  const totalAt = compilePath(spec.total);
  const size = spec.page_size;
  const offsetOf = (q: PageQuery): number => Number(q[spec.offset_param] ?? 0);
  const totalOf = (body: unknown): number | undefined => {
    const n = Number(totalAt(body));
    return Number.isFinite(n) && n >= 0 ? n : undefined;
  };
  return {
    first: () => ({ [spec.offset_param]: '0', [spec.limit_param]: String(size) }),
    next(current, body, records) {
      if (records === 0) return undefined;
      const offset = offsetOf(current);
      const count = totalOf(body);
      if (records < size && (count === undefined || offset + records >= count)) return undefined;
      // One record of overlap: the next page must start with this page's last record.
      return { ...current, [spec.offset_param]: String(offset + Math.max(1, records - 1)) };
    },
    total: totalOf,
    back(current, attempt) {
      const offset = offsetOf(current);
      if (offset === 0) return undefined;
      const step = Math.ceil(size / 4) * 2 ** Math.min(20, Math.max(0, attempt - 1));
      return { ...current, [spec.offset_param]: String(Math.max(0, offset - step)) };
    },
  };
}
