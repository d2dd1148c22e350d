/**
 * Listing a window: page after page through the platform's paginator, each page mapped and handed
 * to the caller in order. The next page is requested while the caller handles this one (at most
 * one page ahead), so pages are streamed, never accumulated.
 */
import { OrderwireError } from '../errors.ts';
import type { ListResult, OrderPage, TimeWindow } from './connector.ts';
import type { Channel } from '../channel/model.ts';
import { attachReads } from './attach.ts';
import { fetchDetails } from './detail.ts';
import { exchangeError } from './exchange-error.ts';
import type { HttpClient } from './http/client.ts';
import type { Normalize } from './normalize.ts';
import type { PageQuery, Paginator } from './paginate/index.ts';
import type { Platform } from './platform/model.ts';
import { joinUrl, renderQuery } from './request-url.ts';

export interface ListDeps {
  platform: Platform;
  client: HttpClient;
  paginator: Paginator;
  normalize: Normalize;
  /** Normalizes a record of a detail request (the get-one mapping), when the listing has them. */
  normalizeDetail?: Normalize;
  baseUrl: string;
  /** The account's channel: decides which attached reads apply. */
  channel: Channel;
}

/** Re-reads after shifting pages within one listing; past this, the caller lists the window again. */
const MAX_RECOVERIES = 100;

export async function listWindow(deps: ListDeps, window: TimeWindow, onPage: (page: OrderPage) => Promise<void>, signal?: AbortSignal): Promise<ListResult> {
  const { platform, client, paginator, normalize } = deps;
  const { request, formatDate, records } = platform.list;
  const ctx = { window: { from: formatDate(window.from), to: formatDate(window.to), kind: window.kind } };
  const bounds = platform.list.window;
  // Without an upper bound parameter, orders changed after the window's end come too: harmless,
  // the store keeps the newest version of each order.
  const base = { ...renderQuery(request, ctx), [bounds.from]: ctx.window.from, ...(bounds.to !== undefined && { [bounds.to]: ctx.window.to }) };
  const url = joinUrl(deps.baseUrl, String(request.path(ctx)));
  const perListing = platform.budgets[request.endpoint]?.counts === 'listing';
  let query: PageQuery | undefined = paginator.first();
  let previousBody: unknown;
  let recoveries = 0;
  // Ids of the previous page: pages that overlap it are deduplicated here, before the store.
  let previousIds = new Set<string>();
  const result: ListResult = { pages: 0, records: 0, requests: 0 };
  const fetchPage = (q: PageQuery) =>
    client.send(
      { endpoint: request.endpoint, method: request.method, url, query: { ...base, ...q }, idempotent: true, ...(request.headers && { headers: request.headers }), budget: !perListing || result.pages === 0 },
      signal,
    );
  let pending = fetchPage(query);
  while (query) {
    const exchange = await pending;
    result.requests += exchange.attempts;
    // Retries are spent (the client retried transient failures and unreadable bodies): the run
    // fails here, its cursor where it was, naming the page it could not read.
    if (exchange.final !== 'success') throw exchangeError(exchange, `page ${result.pages + 1} of the window`);
    const listed = records(exchange.body);
    if (!listed) {
      throw new OrderwireError('MARKETPLACE_BAD_RESPONSE', `${request.method} ${request.endpoint}, page ${result.pages + 1} of the window: the response has no record list where the platform file says (records)`, { endpoint: request.endpoint, page: result.pages + 1 });
    }
    let list = listed;
    let normalizeRecord = normalize;
    if (platform.list.detail) {
      const details = await fetchDetails(deps, listed, platform.list.detail.concurrency, signal);
      result.requests += details.requests;
      list = details.records;
      normalizeRecord = deps.normalizeDetail ?? normalize;
    }
    if (platform.attach.length > 0) result.requests += await attachReads({ platform, client, baseUrl: deps.baseUrl, channel: deps.channel }, list, signal);
    result.pages += 1;
    result.records += list.length;
    const page: OrderPage = { orders: [], page: result.pages, skipped: [], unmapped: [] };
    const ids = new Set<string>();
    let duplicates = 0;
    for (const record of list) {
      const out = normalizeRecord(record);
      const id = 'order' in out ? out.order.marketplace_order_id : 'skip' in out ? out.skip.marketplace_order_id : out.unmapped.marketplace_order_id;
      if (id !== undefined) {
        ids.add(id);
        if (previousIds.has(id)) {
          duplicates += 1;
          continue;
        }
      }
      if ('order' in out) page.orders.push(out.order);
      else if ('skip' in out) page.skipped.push(out.skip);
      else page.unmapped.push(out.unmapped);
    }
    // Which page comes next is known from this one: ask for it now, so the marketplace prepares
    // it while the caller commits this one (at most one page in flight, memory stays bounded).
    // Pages shifted under us (orders left the window meanwhile): re-read what may have been skipped.
    const again: PageQuery | undefined = result.pages > 1 ? paginator.recover?.(query, previousBody, exchange.body) : undefined;
    previousBody = exchange.body;
    let next: PageQuery | undefined;
    if (again && recoveries < MAX_RECOVERIES) {
      recoveries += 1;
      next = again;
    } else {
      if (again) result.unstable = true;
      previousIds = ids;
      next = paginator.next(query, exchange.body, list.length, list, duplicates);
    }
    if (next) {
      pending = fetchPage(next);
      // A failure of the prefetch surfaces when it is awaited; never as an unhandled rejection.
      pending.catch(() => undefined);
    }
    try {
      await onPage(page);
    } catch (err) {
      if (next) await pending.catch(() => undefined);
      throw err;
    }
    query = next;
  }
  return result;
}
