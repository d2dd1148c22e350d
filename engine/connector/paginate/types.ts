/**
 * Pagination strategies: which query parameters ask for the first page, and from one page's
 * response, which ask for the next one (or that there is none). Pure: the state lives in the
 * query parameters themselves, so one paginator serves concurrent listings.
 */
export type PageQuery = Readonly<Record<string, string>>;

export interface Paginator {
  /** Query parameters of the first page (page size included). */
  first(): PageQuery;
  /**
   * Query parameters of the page after `current`, or undefined when `current` was the last.
   * `list` is the page's records, for strategies that seek on a record's field.
   */
  next(current: PageQuery, body: unknown, records: number, list?: readonly unknown[]): PageQuery | undefined;
  /** The number of records the marketplace says the listing holds, when its responses say. */
  total?(body: unknown): number | undefined;
  /**
   * Position paging that overlaps: each page after the first must hold a record of the page before
   * (the listing checks). When it does not, records may have been skipped: the query that re-reads
   * from further back (`attempt` counts from 1 for one gap), or undefined at the start of the list.
   */
  back?(current: PageQuery, attempt: number): PageQuery | undefined;
}
