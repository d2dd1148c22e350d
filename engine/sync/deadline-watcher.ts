/**
 * The deadline watch of a daemon: every `everyMs` (and once at start), on the daemon's clock,
 * records an `order.deadline_approaching` alert for each order whose acceptance or shipping
 * deadline comes within its lead time (config deadlines.alert_before) while the step is still
 * ahead of it. The store writes each alert once, with its webhook event, under a persisted
 * marker (store.recordDeadlineAlerts): a restart, or several daemons on one PostgreSQL store,
 * never raise it twice. An alert found late (the daemon was down past the deadline) still goes
 * out, marked `overdue`.
 *
 * Automatic refusal is the merchant's choice, per account (options.auto_refuse), never a
 * default: a refusal cannot be undone. With it, each order still waiting for acceptance within
 * `before_deadline` of its acceptance deadline is refused through the normal action path
 * (submitAction: validated against the channel, queued once under the idempotency key
 * `auto-refuse:<order id>`, sent exactly once by the action worker). An order the merchant
 * answered meanwhile (an accept or refusal pending, sent or done, before the next poll shows its
 * new status) is left alone.
 */
import type { Logger } from '../log.ts';
import type { DeadlineAlert, DeadlineLeads, StoredAction, Store } from '../store/store.ts';
import type { AccountRuntime } from './account.ts';
import { PeriodicTask } from './periodic-task.ts';
import { submitAction } from './submit-action.ts';

export interface DeadlineWatchOptions {
  store: Store;
  log: Logger;
  leads: DeadlineLeads;
  everyMs: number;
  now?: () => Date;
  /** Called with every alert recorded (metrics). */
  onAlert?: (alert: DeadlineAlert) => void;
  /** The daemon's accounts: those with `autoRefuseBeforeMs` get their late orders refused. */
  accounts?: Iterable<AccountRuntime>;
  /** Called with every refusal queued. */
  onAutoRefusal?: (action: StoredAction) => void;
}

/** The idempotency key of an automatic refusal: one per order, whatever the restarts and daemons. */
export function autoRefusalKey(orderId: string): string {
  return `auto-refuse:${orderId}`;
}

const BATCH = 200;

export class DeadlineWatcher {
  readonly #o: DeadlineWatchOptions;
  readonly #task: PeriodicTask;

  constructor(options: DeadlineWatchOptions) {
    this.#o = options;
    this.#task = new PeriodicTask({ run: () => this.check(), everyMs: options.everyMs, log: options.log, failure: 'deadline watch failed; trying again next period' });
  }

  start(): void {
    this.#task.start();
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
      if (alerts.length < BATCH || this.#task.stopped) break;
    }
    if (all.length > 0) {
      this.#o.log.info({ alerts: all.length, overdue: all.filter((a) => a.overdue).length }, 'order deadlines approaching');
    }
    for (const account of this.#o.accounts ?? []) {
      if (account.autoRefuseBeforeMs !== undefined && !this.#task.stopped) await this.#refuseLate(account, account.autoRefuseBeforeMs, now);
    }
    return all;
  }

  /** Queues a refusal of each order of `account` still waiting for acceptance within `beforeMs` of its acceptance deadline. */
  async #refuseLate(account: AccountRuntime, beforeMs: number, now: Date): Promise<StoredAction[]> {
    const { store, log } = this.#o;
    const limit = new Date(now.getTime() + beforeMs).toISOString();
    const queued: StoredAction[] = [];
    let after: string | undefined;
    do {
      const page = await store.listOrders({ account: account.id, status: 'waiting_acceptance', due_before: limit, limit: BATCH, ...(after !== undefined && { after }) });
      for (const stored of page.items) {
        const deadline = stored.order.acceptance_deadline;
        // due_before also counts a shipping deadline while waiting for acceptance: only the acceptance one refuses.
        if (deadline === undefined || deadline >= limit) continue;
        // The merchant answered already (an accept or refusal pending or done, its new status not
        // yet polled): the order is theirs, not the daemon's.
        const answered = await store.listActions({ account: account.id, marketplace_order_id: stored.order.marketplace_order_id, state: ['queued', 'sending', 'succeeded', 'needs_attention'] });
        if (answered.items.some((a) => a.action === 'accept' || a.action === 'refuse')) continue;
        const outcome = await submitAction(store, account, { marketplaceOrderId: stored.order.marketplace_order_id, name: 'refuse', idempotencyKey: autoRefusalKey(stored.id) });
        const olog = log.child({ account: account.id, order: stored.order.marketplace_order_id, acceptance_deadline: deadline });
        if (outcome.kind === 'queued') {
          olog.info({ action: outcome.action.id }, 'order left unaccepted refused automatically (options.auto_refuse)');
          queued.push(outcome.action);
          this.#o.onAutoRefusal?.(outcome.action);
        } else if (outcome.kind === 'denied' || outcome.kind === 'conflict') {
          olog.debug({ outcome: outcome.kind, errors: outcome.validation.errors.map((e) => e.code) }, 'automatic refusal not queued');
        }
      }
      after = page.next;
    } while (after !== undefined && !this.#task.stopped);
    return queued;
  }

  async stop(): Promise<void> {
    await this.#task.stop();
  }
}
