/**
 * The deadline watch of a daemon: every `everyMs` (and once at start), on the daemon's clock,
 * records an `order.deadline_approaching` alert for each order whose acceptance or shipping
 * deadline comes within its lead time (config deadlines.alert_before) while the step is still
 * ahead of it. The store writes each alert once, with its webhook event, under a persisted
 * marker (store.recordDeadlineAlerts): a restart, or several daemons on one PostgreSQL store,
 * never raise it twice. An alert found late (the daemon was down past the deadline) still goes
 * out, marked `overdue`.
 */
import type { Logger } from '../log.ts';
import type { DeadlineAlert, DeadlineLeads, Store } from '../store/store.ts';

export interface DeadlineWatchOptions {
  store: Store;
  log: Logger;
  leads: DeadlineLeads;
  everyMs: number;
  now?: () => Date;
  /** Called with every alert recorded (metrics). */
  onAlert?: (alert: DeadlineAlert) => void;
}

const BATCH = 200;

export class DeadlineWatcher {
  readonly #o: DeadlineWatchOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<DeadlineAlert[]> | undefined;
  #stopped = false;

  constructor(options: DeadlineWatchOptions) {
    this.#o = options;
  }

  start(): void {
    this.#schedule(0);
  }

  /** Records every alert due now; returns them. */
  async check(): Promise<DeadlineAlert[]> {
    const now = this.#o.now?.() ?? new Date();
    const all: DeadlineAlert[] = [];
    for (;;) {
      const alerts = await this.#o.store.recordDeadlineAlerts(now, this.#o.leads, BATCH);
      for (const alert of alerts) this.#o.onAlert?.(alert);
      all.push(...alerts);
      // Each kind is capped at BATCH per call: fewer than that of both means nothing is left.
      if (alerts.length < BATCH || this.#stopped) break;
    }
    if (all.length > 0) {
      this.#o.log.info({ alerts: all.length, overdue: all.filter((a) => a.overdue).length }, 'order deadlines approaching');
    }
    return all;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running?.catch(() => undefined);
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.check();
      this.#running
        .catch((err: unknown) => this.#o.log.error({ err }, 'deadline watch failed; trying again next period'))
        .finally(() => this.#schedule(this.#o.everyMs));
    }, delayMs);
  }
}
