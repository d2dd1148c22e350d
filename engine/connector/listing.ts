/**
 * Listing a window: page after page through the platform's paginator, each page mapped and handed
 * to the caller in order. The next page is requested as soon as this one is read, before its
 * records are mapped, so the marketplace prepares it while this one is mapped and committed (at
 * most one page ahead): pages are streamed, never accumulated.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { OrderwireError } from '../errors.ts';
import type { ListResult, OrderPage, TimeWindow } from './connector.ts';
import type { Channel } from '../channel/model.ts';
import { attachReads } from './attach.ts';
import { fetchDetails } from './detail.ts';
import { IdSet } from './id-set.ts';
import { exchangeError } from './exchange-error.ts';
import type { Exchange, HttpClient } from './http/client.ts';
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

/** Re-reads of gaps per listing, beyond one per page that brought new records; past this, the caller lists the window again. */
const MAX_BACK_STEPS = 100;

/**
 * Streams the window's pages to `onPage` and says whether the listing is proven complete. With a
 * paginator that pages by position (`back`), every page after the first must share a record with
 * the page accepted before it, or it is read again from further back: the pages then form one
 * unbroken chain from the start of the list to its end, so an order moved or dropped between two
 * requests cannot leave a gap. With a total count, the listing must also have seen at least as
 * many distinct records as the last page announces. A listing that proves neither is `unstable`:
 * the caller lists the window again and keeps its cursor until one does.
 */
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
  // Ids handed over by this listing: each record goes to the caller once per listing. One per
  // order of the window (a million on a large first sync), so kept off V8's heap (id-set.ts).
  const seen = new IdSet();
  let withoutId = 0;
  // Ids of the last page the chain accepted, and the re-reads spent on the current gap.
  let chained: Set<string> | undefined;
  let attempt = 0;
  let backSteps = 0;
  // Pages that brought records not seen before: the re-read budget grows with real progress only.
  let fresh = 0;
  let lastTotal: number | undefined;
  const result: ListResult = { pages: 0, records: 0, requests: 0 };
  // A budget counted per listing is spent by its first request only.
  const fetchPage = (q: PageQuery, first = false) =>
    client.send(
      { endpoint: request.endpoint, method: request.method, url, query: { ...base, ...q }, idempotent: true, ...(request.headers && { headers: request.headers }), budget: !perListing || first },
      signal,
    );
  let pending = fetchPage(query, true);
  while (query) {
    let exchange: Exchange | undefined = await pending;
    result.requests += exchange.attempts;
    // Retries are spent (the client retried transient failures and unreadable bodies): the run
    // fails here, its cursor where it was, naming the page it could not read.
    if (exchange.final !== 'success') throw exchangeError(exchange, `page ${result.pages + 1} of the window`);
    let listed: unknown[] | undefined = records(exchange.body);
    if (!listed) {
      throw new OrderwireError('MARKETPLACE_BAD_RESPONSE', `${request.method} ${request.endpoint}, page ${result.pages + 1} of the window: the response has no record list where the platform file says (records)`, { endpoint: request.endpoint, page: result.pages + 1 });
    }
    let list: unknown[] | undefined = listed;
    let normalizeRecord = normalize;
    // The page after this one, asked before this one is mapped: what it is depends on this page's
    // records only through a gap (below), which is rare; then it is dropped and the re-read asked.
    // Not with detail requests: their records replace the list the next page is computed from.
    // Attached reads only add to each record, so their requests simply run beside this one.
    let ahead: { query: PageQuery; exchange: ReturnType<typeof fetchPage> } | undefined;
    if (!platform.list.detail) {
      const guess = paginator.next(query, exchange.body, listed.length, listed);
      if (guess) {
        ahead = { query: guess, exchange: settled(fetchPage(guess)) };
        // One turn of the event loop: the request goes through the client (auth, limiter, got)
        // onto the socket now, not once this page is mapped and prepared, so the marketplace
        // starts on the next page while this one is worked on.
        await nextTurn();
      }
    }
    if (platform.list.detail) {
      const details = await fetchDetails(deps, listed, platform.list.detail.concurrency, signal);
      result.requests += details.requests;
      list = details.records;
      normalizeRecord = deps.normalizeDetail ?? normalize;
    }
    if (platform.attach.length > 0) result.requests += await attachReads({ platform, client, baseUrl: deps.baseUrl, channel: deps.channel }, list, signal);
    result.pages += 1;
    result.records += list.length;
    let page: OrderPage | undefined = { orders: [], page: result.pages, skipped: [], unmapped: [] };
    const ids = new Set<string>();
    const before = seen.size + withoutId;
    for (const record of list) {
      const out = normalizeRecord(record);
      const id = 'order' in out ? out.order.marketplace_order_id : 'skip' in out ? out.skip.marketplace_order_id : out.unmapped.marketplace_order_id;
      if (id !== undefined) {
        ids.add(id);
        if (!seen.add(id)) continue;
      } else {
        withoutId += 1;
      }
      if ('order' in out) page.orders.push(out.order);
      else if ('skip' in out) page.skipped.push(out.skip);
      else page.unmapped.push(out.unmapped);
    }
    if (seen.size + withoutId > before) fresh += 1;
    lastTotal = paginator.total?.(exchange.body) ?? lastTotal;
    // Which page comes next is known from this one: ask for it now, so the marketplace prepares
    // it while the caller commits this one (at most one page in flight, memory stays bounded).
    let next: PageQuery | undefined;
    const gap = paginator.back !== undefined && chained !== undefined && !overlaps(ids, chained);
    const budget = MAX_BACK_STEPS + fresh;
    const again: PageQuery | undefined = gap && backSteps < budget ? paginator.back?.(query, ++attempt) : undefined;
    if (again) {
      // No record in common with the page before: the list moved under us. Read again from further back.
      backSteps += 1;
      next = again;
    } else {
      // At the start of the list a page needs no overlap; past the re-read budget, the chain is broken.
      if (gap && backSteps >= budget) result.unstable = true;
      attempt = 0;
      chained = ids;
      next = paginator.next(query, exchange.body, list.length, list);
    }
    if (ahead && next && sameQuery(ahead.query, next)) {
      pending = ahead.exchange;
    } else {
      if (ahead) {
        // Asked for nothing: its requests still count, its records are not used.
        const dropped = await ahead.exchange.catch(() => undefined);
        if (dropped) result.requests += dropped.attempts;
      }
      if (next) {
        pending = settled(fetchPage(next));
        await nextTurn(); // on the wire before this page is handed over (as above)
      }
    }
    try {
      await onPage(page);
    } catch (err) {
      if (next) await pending.catch(() => undefined);
      throw err;
    }
    // The page is handed over: let go of it before waiting for the next one. A suspended async
    // function keeps every local it has set, so these records would stay reachable while the
    // next page is read and parsed, long enough to survive a second scavenge and be promoted to
    // V8's old generation (bench/README.md, "Issue 18, wave 10").
    // eslint-disable-next-line no-useless-assignment -- read by no one: the point is to drop the references
    exchange = listed = list = page = undefined;
    query = next;
  }
  result.distinct = seen.size + withoutId;
  if (lastTotal !== undefined) {
    result.total = lastTotal;
    if (result.distinct < lastTotal) result.unstable = true;
  }
  if (backSteps > 0) result.backSteps = backSteps;
  return result;
}

/** A request made ahead: its failure surfaces when it is awaited, never as an unhandled rejection. */
function settled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

function sameQuery(a: PageQuery, b: PageQuery): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

function overlaps(page: ReadonlySet<string>, before: ReadonlySet<string>): boolean {
  for (const id of page) if (before.has(id)) return true;
  return false;
}
