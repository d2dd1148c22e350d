/**
 * The personal data retention schedule of a daemon: every `everyMs` (and once at start), redacts
 * the buyers' personal data of orders whose final status is older than `retentionMs`
 * (config privacy.retention, default 180 days), in batches so no transaction grows unbounded.
 * Several daemons on one PostgreSQL store may sweep at once: the store hands each order to one.
 */
import type { Logger } from '../log.ts';
import type { Store } from '../store/store.ts';
import { PeriodicTask } from './periodic-task.ts';

export interface RetentionOptions {
  store: Store;
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
    if (total > 0) this.#o.log.info({ orders: total, final_before: cutoff }, 'personal data redacted after retention');
    return total;
  }

  async stop(): Promise<void> {
    await this.#task.stop();
  }
}
