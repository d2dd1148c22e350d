/**
 * The personal data retention schedule of a daemon: every `everyMs` (and once at start), redacts
 * the buyers' personal data of orders whose final status is older than `retentionMs`
 * (config privacy.retention, default 180 days), in batches so no transaction grows unbounded.
 * Several daemons on one PostgreSQL store may sweep at once: the store hands each order to one.
 * The documents kept for redacted orders (invoices, delivery slips: they carry the buyer's name
 * and address) are deleted after a sweep that redacted any: a scan of the documents' metadata,
 * each document's order read once.
 */
import type { Logger } from '../log.ts';
import type { Store } from '../store/store.ts';
import { PeriodicTask } from './periodic-task.ts';

/** What the sweep needs of the document store (engine/store/document-store.ts; sync declares the types it uses). */
export interface RetainedDocuments {
  list(): Promise<Array<{ id: string; order_id?: string }>>;
  remove(id: string): Promise<void>;
}

export interface RetentionOptions {
  store: Store;
  /** The document store: documents of redacted orders are deleted. */
  files?: RetainedDocuments;
  log: Logger;
  retentionMs: number;
  everyMs: number;
  now?: () => Date;
}

const BATCH = 200;

export class RetentionSweeper {
  readonly #o: RetentionOptions;
  readonly #task: PeriodicTask;

  constructor(options: RetentionOptions) {
    this.#o = options;
    this.#task = new PeriodicTask({ run: () => this.sweep(), everyMs: options.everyMs, log: options.log, failure: 'personal data retention failed; trying again next period' });
  }

  start(): void {
    this.#task.start();
  }

  /** Redacts every order due now; returns how many. */
  async sweep(): Promise<number> {
    const cutoff = new Date((this.#o.now?.() ?? new Date()).getTime() - this.#o.retentionMs).toISOString();
    let total = 0;
    for (;;) {
      const n = await this.#o.store.redactExpiredPersonalData(cutoff, BATCH);
      total += n;
      if (n < BATCH || this.#task.stopped) break;
    }
    if (total > 0) {
      const documents = await this.#removeRedactedDocuments();
      this.#o.log.info({ orders: total, final_before: cutoff, ...(documents > 0 && { documents }) }, 'personal data redacted after retention');
    }
    return total;
  }

  /** Deletes the documents whose order's personal data are redacted; returns how many. */
  async #removeRedactedDocuments(): Promise<number> {
    const files = this.#o.files;
    if (!files) return 0;
    const redacted = new Map<string, boolean>();
    let removed = 0;
    for (const doc of await files.list()) {
      if (doc.order_id === undefined) continue;
      let gone = redacted.get(doc.order_id);
      if (gone === undefined) {
        const order = await this.#o.store.getOrderById(doc.order_id);
        gone = order?.personal_data_redacted_at !== undefined;
        redacted.set(doc.order_id, gone);
      }
      if (!gone) continue;
      await files.remove(doc.id);
      removed++;
    }
    return removed;
  }

  async stop(): Promise<void> {
    await this.#task.stop();
  }
}
