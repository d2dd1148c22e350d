/**
 * `page_index_short_page`: a page number and a page size in the query, no total in the response
 * (Octopia: pageIndex from 1, pageSize up to 100). A page shorter than the page size is the last.
 *
 * With `seek`, each full page restarts at the first page from its last record's sort value
 * (keyset paging over the listing's sort, e.g. createdAtMin = last createdAt): orders that move
 * while we page cannot make us skip one, since no page depends on an earlier page's positions.
 * A full page whose records all share the seek value falls back to the next page number.
 */
import { compilePath } from '../map/path.ts';
import type { Paginator } from './types.ts';

export interface PageIndexShortPageSpec {
  type: 'page_index_short_page';
  index_param: string;
  /** Absent when the marketplace's page size is fixed (bol.com: 50); `page_size` is then that size. */
  size_param?: string;
  page_size: number;
  /** Number of the first page (default 1). */
  first_index?: number;
  /** Keyset paging: the query parameter to set, and the record field holding the sort value. */
  seek?: { param: string; field: string };
}

export function pageIndexShortPage(spec: PageIndexShortPageSpec): Paginator {
  const size = String(spec.page_size);
  const firstIndex = String(spec.first_index ?? 1);
  const seekField = spec.seek ? compilePath(spec.seek.field) : undefined;
  return {
    first: () => ({ [spec.index_param]: firstIndex, ...(spec.size_param !== undefined && { [spec.size_param]: size }) }),
    next(current, _body, records, list) {
      if (records < spec.page_size) return undefined;
      const nextPage = { ...current, [spec.index_param]: String(Number(current[spec.index_param]) + 1) };
      if (!spec.seek || !seekField || !list?.length) return nextPage;
      const last = seekField(list[list.length - 1]);
      if (typeof last !== 'string' && typeof last !== 'number') return nextPage;
      const value = String(last);
      // Stuck on one value for a whole page: step through it by page number.
      if (value === current[spec.seek.param] && String(seekField(list[0])) === value) return nextPage;
      return { ...current, [spec.index_param]: firstIndex, [spec.seek.param]: value };
    },
  };
}
