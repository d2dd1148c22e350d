/**
 * Pagination strategies by `pagination.type`: the one table platform files select from.
 */
import { cursor, type CursorSpec } from './cursor.ts';
import { offsetTotal, type OffsetTotalSpec } from './offset-total.ts';
import { pageIndexShortPage, type PageIndexShortPageSpec } from './page-index-short-page.ts';
import type { Paginator } from './types.ts';

export type PaginationSpec = OffsetTotalSpec | PageIndexShortPageSpec | CursorSpec;

const paginators: { [K in PaginationSpec['type']]: (spec: Extract<PaginationSpec, { type: K }>) => Paginator } = {
  offset_total: offsetTotal,
  page_index_short_page: pageIndexShortPage,
  cursor,
};

export const PAGINATION_TYPES = Object.freeze(Object.keys(paginators)) as readonly PaginationSpec['type'][];

export function createPaginator(spec: PaginationSpec): Paginator {
  return (paginators[spec.type] as (spec: PaginationSpec) => Paginator)(spec);
}

export type { PageQuery, Paginator } from './types.ts';
