/**
 * Failed marketplace document downloads, tried again by the daemon on its own: every `everyMs`
 * (and once at start) it claims the pending downloads that are due (Store.claimDocumentDownloads:
 * each to one daemon, its next attempt moved a lease ahead meanwhile) for the accounts it has a
 * connector for, reads their orders from the store and downloads what is still missing through
 * the same step a sync runs (fetchMarketplaceDocuments): a success clears the entry, a failure
 * moves it along the backoff, the last attempt gives up (logged as an error with
 * DOCUMENT_DOWNLOAD_FAILED, `onGaveUp`). Without it, a failed download was tried again only when
 * a sync listed its order again, which never happens once the order leaves the lookback.
 * An entry whose order is gone, or whose order no longer lists the document, is cleared.
 */
import type { Connector } from '../connector/connector.ts';
import type { Logger } from '../log.ts';
import type { DownloadRetryPolicy, PendingDownload, Store } from '../store/store.ts';
import type { AccountRuntime } from './account.ts';
import { DEFAULT_DOWNLOAD_RETRY, documentsToFetch, fetchMarketplaceDocuments, recordMarketplaceDocument, type DocumentFetchDeps, type DownloadStore } from './marketplace-documents.ts';
import { PeriodicTask } from './periodic-task.ts';

export interface DocumentRetryOptions {
  store: Store;
  accounts: ReadonlyMap<string, { account: AccountRuntime; connector: Pick<Connector, 'downloadDocument'> }>;
  files: DownloadStore;
  log: Logger;
  /** How often due downloads are looked for (default one minute). */
  everyMs?: number;
  /** How long a claimed download is this daemon's before another may take it (default five minutes). */
  leaseMs?: number;
  retry?: DownloadRetryPolicy;
  now?: () => Date;
  /** Each retried download's outcome (metrics): downloaded, failed again, or given up. */
  onOutcome?: (account: string, outcome: 'downloaded' | 'failed' | 'gave_up') => void;
}

export interface RetryOutcome {
  downloaded: number;
  failed: number;
  /** Entries dropped: their order is gone or lists the document no more, or another daemon stored it. */
  cleared: number;
}

const BATCH = 50;

export class DocumentDownloadRetrier {
  readonly #o: DocumentRetryOptions;
  readonly #task: PeriodicTask;

  constructor(options: DocumentRetryOptions) {
    this.#o = options;
    this.#task = new PeriodicTask({ run: () => this.runOnce(), everyMs: options.everyMs ?? 60_000, log: options.log, failure: 'document download retry failed; trying again next period' });
  }

  start(): void {
    this.#task.start();
  }

  async stop(): Promise<void> {
    await this.#task.stop();
  }

  /** Tries every download due now (in batches); returns what became of them. */
  async runOnce(): Promise<RetryOutcome> {
    const out: RetryOutcome = { downloaded: 0, failed: 0, cleared: 0 };
    const accounts = [...this.#o.accounts.values()].filter((a) => a.account.channel.documents).map((a) => a.account.id);
    for (;;) {
      const due = await this.#o.store.claimDocumentDownloads(accounts, this.#now(), this.#o.leaseMs ?? 300_000, BATCH);
      for (const [orderId, entries] of Map.groupBy(due, (d) => d.order_id)) await this.#retryOrder(orderId, entries, out);
      if (due.length < BATCH || this.#task.stopped) return out;
    }
  }

  #now(): Date {
    return this.#o.now?.() ?? new Date();
  }

  async #retryOrder(orderId: string, entries: PendingDownload[], out: RetryOutcome): Promise<void> {
    const { store, files, log } = this.#o;
    const clear = async (entry: PendingDownload) => {
      await store.clearDocumentDownload(entry.id);
      out.cleared++;
    };
    const stored = await store.getOrderById(orderId);
    const entry = this.#o.accounts.get(entries[0]!.account);
    if (!stored || !entry) {
      for (const e of entries) await clear(e);
      return;
    }
    const listed = new Set(documentsToFetch(entry.account, stored.order).map((d) => d.id));
    const wanted = entries.filter((e) => listed.has(e.document_id));
    for (const e of entries) if (!listed.has(e.document_id)) await clear(e);
    if (wanted.length === 0) return;
    const gaveUp = new Set<string>();
    const deps: DocumentFetchDeps = {
      store,
      connector: entry.connector,
      files,
      account: entry.account,
      log: log.child({ account: entry.account.id, retry: true }),
      onStored: recordMarketplaceDocument(store),
      retry: this.#o.retry ?? DEFAULT_DOWNLOAD_RETRY,
      now: () => this.#now(),
      onGaveUp: (pending) => gaveUp.add(pending.id),
    };
    const before = new Set<string>();
    for (const e of wanted) if (await files.get(e.id)) before.add(e.id);
    await fetchMarketplaceDocuments(deps, [stored.order]);
    for (const e of wanted) {
      if (before.has(e.id)) {
        // Stored meanwhile by a sync or another daemon: nothing to retry.
        await clear(e);
        continue;
      }
      if (await files.get(e.id)) {
        // Downloaded now (the fetch cleared its entry).
        out.downloaded++;
        this.#o.onOutcome?.(e.account, 'downloaded');
      } else {
        out.failed++;
        this.#o.onOutcome?.(e.account, gaveUp.has(e.id) ? 'gave_up' : 'failed');
      }
    }
  }
}
