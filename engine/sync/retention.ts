/**
 * The personal data retention schedule of a daemon: every `everyMs` (and once at start), redacts
 * the buyers' personal data of orders whose final status is older than `retentionMs`
 * (config privacy.retention, default 180 days), in batches so no transaction grows unbounded.
 * Several daemons on one PostgreSQL store may sweep at once: the store hands each order to one.
 */
import type { Logger } from '../log.ts';
import type { Store } from '../store/store.ts';

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
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;
  #stopped = false;

  constructor(options: RetentionOptions) {
    this.#o = options;
  }

  start(): void {
    this.#schedule(0);
  }

  /** Redacts every order due now; returns how many. */
  async sweep(): Promise<number> {
    const cutoff = new Date((this.#o.now?.() ?? new Date()).getTime() - this.#o.retentionMs).toISOString();
    let total = 0;
    for (;;) {
      const n = await this.#o.store.redactExpiredPersonalData(cutoff, BATCH);
      total += n;
      if (n < BATCH || this.#stopped) break;
    }
    if (total > 0) this.#o.log.info({ orders: total, final_before: cutoff }, 'personal data redacted after retention');
    return total;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running?.catch(() => undefined);
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.sweep();
      this.#running
        .catch((err: unknown) => this.#o.log.error({ err }, 'personal data retention failed; trying again next period'))
        .finally(() => this.#schedule(this.#o.everyMs));
    }, delayMs);
  }
}
