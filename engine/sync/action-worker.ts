/**
 * The action worker: claims queued actions under a lease, sends each through its account's
 * connector, and records the outcome. Exactly-once rules:
 * - an action is claimed by one worker at a time (store lease);
 * - after an ambiguous failure (timeout after sending) or a crash while sending, the order is
 *   read back first; the action is sent again only if the order shows it did not take effect;
 * - transient failures (429, 5xx, network before sending) are retried with backoff, then
 *   escalated to needs_attention; marketplace refusals fail at once with its answer.
 * After success the order is re-read so its new status shows without waiting for the next poll.
 *
 * The lease is renewed while an action is in hand (a slow send, a long wait for a request budget),
 * so no other daemon claims it meanwhile; a worker that cannot renew (it stalled past the TTL and
 * another daemon took the action) does not send, and stops touching it.
 */
import type { Connector } from '../connector/connector.ts';
import type { Logger } from '../log.ts';
import type { NormalizedOrder } from '../order/model.ts';
import type { Store, StoredAction } from '../store/store.ts';
import type { AccountRuntime } from './account.ts';
import { actionEffect } from './action-effect.ts';

export interface WorkerAccount {
  account: AccountRuntime;
  connector: Connector;
}

export interface ActionWorkerOptions {
  store: Store;
  accounts: ReadonlyMap<string, WorkerAccount>;
  log: Logger;
  owner: string;
  leaseMs: number;
  maxAttempts: number;
  now?: () => Date;
  /** Delay before retry n (1-based) of a transient failure. */
  backoffMs?: (attempt: number) => number;
  /** Called after every terminal or retry decision (metrics, webhooks). */
  onOutcome?: (action: StoredAction, state: StoredAction['state']) => void;
}

const defaultBackoff = (attempt: number): number => Math.min(5 * 60_000, 2_000 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);

export class ActionWorker {
  readonly #o: ActionWorkerOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;
  #stopped = false;

  constructor(options: ActionWorkerOptions) {
    this.#o = options;
  }

  #now(): Date {
    return this.#o.now?.() ?? new Date();
  }

  /** Claims and processes due actions once; resolves with how many were processed. */
  async runOnce(limit = 10): Promise<number> {
    const claimed = await this.#o.store.claimActions(this.#o.owner, this.#o.leaseMs, limit, this.#now());
    await Promise.all(claimed.map((a) => this.#holdingLease(a)));
    return claimed.length;
  }

  /** Processes one claimed action, renewing its lease every third of the TTL until done. */
  async #holdingLease(action: StoredAction): Promise<void> {
    const { store, owner, leaseMs } = this.#o;
    const lost = new AbortController();
    const renew = setInterval(() => {
      void store.renewActionLease(action.id, owner, leaseMs, this.#now()).then(
        (held) => {
          if (!held && !lost.signal.aborted) lost.abort(new Error(`lease of action ${action.id} lost to another worker`));
        },
        // A failed renewal is retried at the next tick; the lease still runs until its TTL.
        () => undefined,
      );
    }, leaseMs / 3);
    renew.unref?.();
    try {
      await this.#process(action, lost.signal);
    } finally {
      clearInterval(renew);
    }
  }

  /** Polls for due actions every `intervalMs` until stopped, sending up to `batch` at once. */
  start(intervalMs = 1_000, batch = 10): void {
    this.#stopped = false;
    const tick = (): void => {
      if (this.#stopped) return;
      this.#running = this.runOnce(batch).catch((err: unknown) => {
        this.#o.log.error({ err: err instanceof Error ? err.message : String(err) }, 'action worker tick failed');
        return 0;
      });
      void this.#running.then((n) => {
        if (!this.#stopped) this.#timer = setTimeout(tick, n > 0 ? 0 : intervalMs);
      });
    };
    tick();
  }

  /** Stops claiming; waits for the actions in hand to finish (their leases cover a crash). */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running;
  }

  async #process(action: StoredAction, leaseLost: AbortSignal): Promise<void> {
    const { store, log } = this.#o;
    const entry = this.#o.accounts.get(action.account);
    const alog = log.child({ action: action.id, account: action.account, order: action.marketplace_order_id, name: action.action });
    if (!entry) {
      await this.#finish(action, 'needs_attention', { error: { code: 'SYNC_ACCOUNT_UNKNOWN', message: `account ${action.account} is not configured in this daemon` } });
      return;
    }
    const stored = await store.getOrder(action.account, action.channel, action.marketplace_order_id);
    if (!stored) {
      await this.#finish(action, 'failed', { error: { code: 'ORDER_NOT_FOUND', message: 'the order is no longer in the store' } });
      return;
    }
    // A previous attempt may have reached the marketplace: look before sending again.
    const unsure = action.state === 'sending' || (action.result as { ambiguous?: boolean } | undefined)?.ambiguous === true;
    if (unsure) {
      const verdict = await this.#verify(entry, action, alog);
      if (verdict !== 'not_yet') return;
    }
    const attempts = action.attempts + 1;
    if (leaseLost.aborted || !(await store.updateAction(action.id, this.#o.owner, { state: 'sending', attempts }))) {
      alog.warn('lease lost before sending; another worker owns the action');
      return;
    }
    alog.info({ attempt: attempts }, 'sending action');
    const outcome = await entry.connector.sendAction(action.request, stored.order, leaseLost).catch((err: unknown) => ({
      kind: 'ambiguous' as const,
      message: err instanceof Error ? err.message : String(err),
    }));
    if (leaseLost.aborted) {
      // Another worker owns the action now and reads the order back before any send.
      alog.warn({ code: 'ACTION_LEASE_LOST' }, 'action lease lost while sending; the new owner settles it by read-back');
      return;
    }
    const current = { ...action, attempts };
    switch (outcome.kind) {
      case 'succeeded':
        await this.#finish(current, 'succeeded', { result: outcome.response ?? null });
        alog.info('action succeeded');
        await this.#refresh(entry, action.marketplace_order_id, alog);
        return;
      case 'rejected':
        await this.#finish(current, 'failed', {
          result: outcome.response ?? null,
          error: { code: 'ACTION_REJECTED_BY_MARKETPLACE', message: `${outcome.status}: ${outcome.message}` },
        });
        alog.warn({ status: outcome.status }, 'marketplace refused the action');
        return;
      case 'ambiguous':
        alog.warn({ reason: outcome.message }, 'outcome unknown: reading the order back before any retry');
        await store.updateAction(action.id, this.#o.owner, { result: { ambiguous: true, message: outcome.message } });
        await this.#verify(entry, current, alog);
        return;
      case 'transient':
        await this.#retryLater(current, outcome.message, outcome.retryAfterMs);
        alog.warn({ reason: outcome.message }, 'transient failure: will retry');
        return;
    }
  }

  /** Reads the order back and settles an unsure action; returns the verdict. */
  async #verify(entry: WorkerAccount, action: StoredAction, alog: Logger): Promise<'took_effect' | 'not_yet' | 'unclear' | 'unreachable'> {
    let order: NormalizedOrder | undefined;
    try {
      order = await entry.connector.getOrder(action.marketplace_order_id);
    } catch (err) {
      await this.#retryLater(action, `could not read the order back: ${err instanceof Error ? err.message : String(err)}`, undefined, true);
      return 'unreachable';
    }
    if (!order) {
      await this.#finish(action, 'needs_attention', { error: { code: 'ACTION_OUTCOME_UNKNOWN', message: 'the order could not be read back from the marketplace' } });
      return 'unclear';
    }
    await this.#o.store.commitOrders([order]);
    const verdict = actionEffect(action.action, action.request.status, order.status);
    if (verdict === 'took_effect') {
      await this.#finish(action, 'succeeded', { result: { verified_by_read_back: true, status: order.status } });
      alog.info({ status: order.status }, 'read-back shows the action took effect');
    } else if (verdict === 'unclear') {
      await this.#finish(action, 'needs_attention', {
        error: { code: 'ACTION_OUTCOME_UNKNOWN', message: `after an unclear send the order is ${order.status}; check it at the marketplace` },
      });
      alog.warn({ status: order.status }, 'read-back is inconclusive: needs attention');
    } else {
      alog.info('read-back shows the action did not take effect: safe to send');
      await this.#o.store.updateAction(action.id, this.#o.owner, { result: null });
    }
    return verdict;
  }

  async #retryLater(action: StoredAction, message: string, retryAfterMs: number | undefined, keepAmbiguous = false): Promise<void> {
    if (action.attempts >= this.#o.maxAttempts) {
      await this.#finish(action, 'needs_attention', { error: { code: 'ACTION_RETRIES_EXHAUSTED', message: `gave up after ${action.attempts} attempts: ${message}` } });
      return;
    }
    const delay = retryAfterMs ?? (this.#o.backoffMs ?? defaultBackoff)(Math.max(1, action.attempts));
    await this.#o.store.updateAction(action.id, this.#o.owner, {
      state: 'queued',
      next_attempt_at: new Date(this.#now().getTime() + delay).toISOString(),
      error: { code: 'ACTION_TRANSIENT_FAILURE', message },
      ...(keepAmbiguous && { result: { ambiguous: true, message } }),
      release: true,
    });
    this.#o.onOutcome?.(action, 'queued');
  }

  async #finish(action: StoredAction, state: 'succeeded' | 'failed' | 'needs_attention', patch: { result?: unknown; error?: { code: string; message: string } }): Promise<void> {
    await this.#o.store.updateAction(action.id, this.#o.owner, { state, ...patch, release: true });
    this.#o.onOutcome?.({ ...action, state }, state);
  }

  async #refresh(entry: WorkerAccount, marketplaceOrderId: string, alog: Logger): Promise<void> {
    try {
      const order = await entry.connector.getOrder(marketplaceOrderId);
      if (order) await this.#o.store.commitOrders([order]);
    } catch (err) {
      // Not fatal: the next poll brings the new status.
      alog.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not re-read the order after the action');
    }
  }
}
