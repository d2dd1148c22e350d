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
   * `list` is the page's records, for strategies that seek on a record's field; `duplicates`
   * how many of them the previous page already had (the list moved forward under us, or the
   * marketplace served overlapping pages).
   */
  next(current: PageQuery, body: unknown, records: number, list?: readonly unknown[], duplicates?: number): PageQuery | undefined;
  /**
   * Called from the second page on with the previous page's body: when the list shifted between
   * the two (orders left the window while paging), the query that re-reads what may have been
   * skipped. The caller deduplicates what it reads twice.
   */
  recover?(current: PageQuery, previousBody: unknown, body: unknown): PageQuery | undefined;
}
