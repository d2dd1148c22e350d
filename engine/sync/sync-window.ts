/**
 * One sync run: list the orders of one window of one account, commit them page by page, and
 * advance the cursor only once every page of the window is committed. A crash mid-window leaves
 * the cursor where it was, so the next run lists the window again (deduplicated by the store).
 */
import type { Connector, TimeWindow } from '../connector/connector.ts';
import type { Logger } from '../log.ts';
import type { NormalizedOrder } from '../order/model.ts';
import type { OrderToCommit, Store, SyncRun } from '../store/store.ts';
import type { AccountRuntime } from './account.ts';
import { fetchMarketplaceDocuments, recordMarketplaceDocument, type DocumentFetchDeps, type DownloadStore } from './marketplace-documents.ts';
import { RunQuarantine } from './quarantine.ts';
import { WriteQueue } from './write-queue.ts';
import { catchUpWindow, incrementalWindow, type PlannedWindow, type WindowSettings } from './windows.ts';

export interface SyncDeps {
  store: Store;
  connector: Connector;
  account: AccountRuntime;
  log: Logger;
  now: () => Date;
  windows: Omit<WindowSettings, 'lookbackMs'>;
  /**
   * Listings of one window that could not prove they saw every record are repeated up to this
   * many times (default 3); past it the run ends without moving the cursor, so the next window
   * covers this one again.
   */
  maxRelists?: number;
  /**
   * Orders committed per store transaction (default 1,000: ten Mirakl pages). Pages are buffered
   * up to this size, so memory stays bounded; fewer, larger transactions cost far less than one
   * per page. Nothing is lost by a crash before a flush: the cursor has not moved either.
   */
  commitBatch?: number;
  onPageCommitted?: (info: { orders: number; page: number }) => void;
  /**
   * The document store: where the channel downloads marketplace documents (channel `documents`),
   * those the committed orders list are downloaded into it after each batch (marketplace-documents.ts).
   */
  files?: DownloadStore;
  /** A marketplace document newly stored (the API records `order.document_available`). */
  onDocumentStored?: DocumentFetchDeps['onStored'];
}

export interface SyncOutcome {
  run: SyncRun;
  window: PlannedWindow;
  inserted: number;
  updated: number;
  unknownStatuses: number;
  /** Records left out on purpose: outside the channel's scope. */
  skipped: number;
  /** Records of this run left in quarantine (unmappable or refused by the store; see `orderwire orders --quarantined`). */
  quarantined: number;
  /** Records that left the quarantine in this run (retried, and they map now). */
  released: number;
  /** The listing never proved itself complete: the cursor stayed where it was. */
  cursorHeld: boolean;
  /** Marketplace documents downloaded into the document store in this run. */
  documents: number;
}

export type SyncKind = 'incremental' | 'catch_up' | 'manual';

export async function planWindow(deps: SyncDeps, kind: SyncKind, since?: Date): Promise<PlannedWindow> {
  const { store, account, now } = deps;
  const settings = { ...deps.windows, lookbackMs: account.channel.retrieval.catchUp.lookbackMs };
  if (kind === 'catch_up') return catchUpWindow(now(), settings);
  if (kind === 'manual' && since) {
    const w = incrementalWindow(since.toISOString(), now(), { ...settings, overlapMs: 0, safetyMarginMs: 0 });
    return { ...w, kind: 'incremental' };
  }
  const cursor = await store.getCursor(account.id, account.channel.id, 'incremental');
  return incrementalWindow(cursor?.position, now(), settings);
}

export async function syncWindow(deps: SyncDeps, kind: SyncKind, options: { since?: Date; signal?: AbortSignal } = {}): Promise<SyncOutcome> {
  const { store, connector, account, log } = deps;
  const planned = await planWindow(deps, kind, options.since);
  const window: TimeWindow = { from: planned.from, to: planned.to, kind: kind === 'manual' ? 'manual' : planned.kind };
  // Every caller holds the account's poll lease: a run still `running` belongs to a process that died.
  for (const abandoned of await store.abandonRuns(account.id, 'abandoned: the process running it stopped (killed, crashed, or its lease was taken over); the next run of the account closed it')) {
    log.warn({ account: account.id, run: abandoned.id, code: 'SYNC_RUN_ABANDONED', started_at: abandoned.started_at }, 'closed a run left running by a process that stopped');
  }
  const run = await store.startRun({
    account: account.id,
    channel: account.channel.id,
    kind: kind === 'manual' ? 'manual' : planned.kind,
    window_from: planned.from.toISOString(),
    window_to: planned.to.toISOString(),
    started_at: deps.now().toISOString(),
  });
  const totals = { pages: 0, orders: 0, requests: 0, inserted: 0, updated: 0, unknown: 0, skipped: 0, documents: 0 };
  const runLog = log.child({ account: account.id, channel: account.channel.id, run: run.id, window: window.kind });
  runLog.info({ from: window.from.toISOString(), to: window.to.toISOString() }, 'sync started');
  const quarantine = new RunQuarantine(store, account, run.id, runLog);
  const batchSize = deps.commitBatch ?? 1_000;
  const recordDocument = recordMarketplaceDocument(store);
  // A channel whose documents are downloaded after each commit keeps the batch's normalized orders
  // (fetchMarketplaceDocuments reads them); the others buffer each order as the store prepared it
  // when its page was read: strings, not the parsed record, alive until the batch commits.
  const fetchesDocuments = Boolean(deps.files && account.channel.documents);
  let buffer: OrderToCommit[] = [];
  // The run's store writes (commits and quarantined records) go one at a time, in order, through
  // `writes`; the listing maps the next pages meanwhile (on PostgreSQL a commit is a round trip,
  // so mapping no longer waits for it).
  const writes = new WriteQueue();
  // The batch's texts go into one of two arenas (when the store has them): the batch being filled
  // uses one while the batch before is committed from the other, released only once that
  // commit is done (store/shared/text-arena.ts).
  const arenas = fetchesDocuments ? [] : [store.batchTexts(), store.batchTexts()];
  let filling = 0;
  const commitBatch = async (orders: OrderToCommit[], page: number): Promise<void> => {
    const res = await quarantine.commit(orders);
    totals.inserted += res.inserted;
    totals.updated += res.updated;
    if (deps.files && fetchesDocuments) {
      const docs = await fetchMarketplaceDocuments(
        {
          store, connector, files: deps.files, account, log: runLog,
          // order.document_available (event and webhook), then the caller's hook.
          onStored: async (order, doc, kept) => {
            await recordDocument(order, doc, kept);
            await deps.onDocumentStored?.(order, doc, kept);
          },
        },
        orders as NormalizedOrder[],
        options.signal,
      );
      totals.documents += docs.downloaded;
    }
    deps.onPageCommitted?.({ orders: orders.length, page });
  };
  /** Starts the commit of the buffered orders once the previous write is done (its failure is thrown here). */
  const flush = async (page: number): Promise<void> => {
    if (buffer.length === 0) return;
    const orders = buffer;
    buffer = [];
    await writes.start(() => commitBatch(orders, page));
    // start() waited for every write before this one: the batch before is committed (or refused
    // and quarantined), so the other arena is free for the next batch.
    filling = 1 - filling;
    arenas[filling]?.release();
  };
  try {
    const maxRelists = deps.maxRelists ?? 3;
    let proven = false;
    for (let attempt = 0; ; attempt++) {
      let lastPage = 0;
      const result = await connector.listOrders(window, async (page) => {
        totals.pages++;
        totals.orders += page.orders.length;
        totals.skipped += page.skipped.length;
        lastPage = page.page;
        if (page.unmapped.length > 0) await writes.start(() => quarantine.hold(page.unmapped));
        for (const order of page.orders) {
          buffer.push(fetchesDocuments ? order : store.prepareOrder(order, arenas[filling]));
          if (order.status_unknown) {
            totals.unknown++;
            runLog.warn({ code: 'ORDER_STATUS_UNKNOWN', order: order.marketplace_order_id, marketplace_status: order.marketplace_status }, 'order kept with unknown status: the channel does not map this marketplace status');
          }
        }
        if (buffer.length >= batchSize) await flush(page.page);
      }, options.signal);
      await flush(lastPage);
      await writes.drain();
      totals.requests += result.requests;
      const proof = { attempt: attempt + 1, distinct: result.distinct, total: result.total, reread_pages: result.backSteps ?? 0 };
      if (!result.unstable) {
        proven = true;
        if (result.backSteps) runLog.info(proof, 'pages moved while listing; the pages around each move were read again');
        break;
      }
      if (attempt >= maxRelists) {
        runLog.warn({ code: 'SYNC_PAGES_UNSTABLE', ...proof }, 'the listing never proved it saw every order of the window: the cursor stays, the next window lists it again');
        break;
      }
      runLog.info(proof, 'the listing could not prove it saw every order of the window (pages moved, or fewer orders than the total count): listing the window again');
    }
    // Records quarantined by earlier windows, through the mapping as it is now.
    const retried = await quarantine.retry(connector);
    if (retried.retried > 0) runLog.info(retried, 'quarantined records retried');
    // Every page of the window is committed: only now may the cursor move. A manual window
    // (`orderwire sync --since`) is one-off and moves no cursor: orders between the incremental
    // cursor and --since are still listed by the next poll.
    // A window never proven complete moves no cursor either: the next run covers it again.
    if (proven && window.kind === 'catch_up') await store.setCursor(account.id, account.channel.id, 'catch_up', window.to.toISOString());
    else if (proven && window.kind !== 'manual') await store.setCursor(account.id, account.channel.id, 'incremental', window.to.toISOString());
    const quarantined = await quarantine.count();
    const counts = { pages: totals.pages, orders: totals.orders, requests: totals.requests, errors: 0, quarantined };
    await store.finishRun(run.id, { state: 'succeeded', ...counts });
    runLog.info({ ...counts, inserted: totals.inserted, updated: totals.updated, released: quarantine.released, ...(totals.documents > 0 && { documents: totals.documents }) }, 'sync finished');
    return {
      run: { ...run, state: 'succeeded', ...counts },
      window: planned,
      inserted: totals.inserted,
      updated: totals.updated,
      unknownStatuses: totals.unknown,
      skipped: totals.skipped,
      quarantined,
      released: quarantine.released,
      cursorHeld: !proven,
      documents: totals.documents,
    };
  } catch (err) {
    // Keep what was listed before the failure (or a graceful stop), unless a write failed: nothing
    // is written after a failed write. The cursor stays put anyway.
    await writes.drain().catch(() => undefined);
    if (!writes.failed) await flush(0).then(() => writes.drain()).catch(() => undefined);
    const message = err instanceof Error ? err.message : String(err);
    await store.finishRun(run.id, { state: 'failed', pages: totals.pages, orders: totals.orders, requests: totals.requests, errors: 1, quarantined: await quarantine.count().catch(() => 0), error_message: message });
    runLog.error({ err: message, pages: totals.pages }, 'sync failed; cursor left where it was');
    throw err;
  }
}
