/**
 * The action worker: claims queued actions under a lease, sends each through its account's
 * connector, and records the outcome. Exactly-once rules:
 * - an action is claimed by one worker at a time (store lease), and every write is guarded by
 *   it: a worker that lost the lease stops at once, records nothing and fires no hook;
 * - a request that changes state is sent once per attempt (the HTTP client never repeats it);
 *   when it ends ambiguous (5xx, reset or timeout after it was written) or the daemon died while
 *   sending, the order is read back first, and the action is sent again only when the read-back
 *   proves it did not take effect; a read-back that cannot decide leaves it needs_attention;
 * - failures proven to happen before the marketplace could act (refused connection, DNS, 429
 *   with Retry-After) are retried with backoff, then escalated to needs_attention; marketplace
 *   refusals fail at once with its answer;
 * - an action of several requests (Mirakl's ship: OR23 then OR24) records each completed request
 *   and resumes after the last one.
 * After success the order is re-read so its new status shows without waiting for the next poll.
 *
 * The lease is renewed while an action is in hand (a slow send, a long wait for a request budget),
 * so no other daemon claims it meanwhile; a worker that cannot renew (it stalled past the TTL and
 * another daemon took the action) does not send, and stops touching it.
 */
import type { ActionOutcome, Connector } from '../connector/connector.ts';
import type { Logger } from '../log.ts';
import type { NormalizedOrder } from '../order/model.ts';
import type { ActionPatch, ActionProgress, Store, StoredAction } from '../store/store.ts';
import type { AccountRuntime } from './account.ts';
import { documentUrl } from './marketplace-documents.ts';

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
  /** Called after every terminal or retry decision that was recorded (metrics). */
  onOutcome?: (action: StoredAction, state: StoredAction['state']) => void;
}

const defaultBackoff = (attempt: number): number => Math.min(5 * 60_000, 2_000 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);

/** Thrown inside an attempt when the lease is gone: the attempt stops where it is. */
class LeaseLost extends Error {
  constructor(id: string) {
    super(`lease of action ${id} lost to another worker`);
  }
}

/** How a read-back settled an unsure action; only `not_yet` lets the caller send. */
type Settled = { verdict: 'not_yet'; order: NormalizedOrder } | { verdict: 'took_effect' | 'unclear' | 'unreachable' };

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
    const { store, owner, leaseMs, log } = this.#o;
    const lease = new AbortController();
    const renew = setInterval(() => {
      void store.renewActionLease(action.id, owner, leaseMs, this.#now()).then(
        (held) => {
          if (!held && !lease.signal.aborted) lease.abort(new LeaseLost(action.id));
        },
        // A failed renewal is retried at the next tick; the lease still runs until its TTL.
        () => undefined,
      );
    }, leaseMs / 3);
    renew.unref?.();
    try {
      await new Attempt(this.#o, action, lease, () => this.#now()).run();
    } catch (err) {
      if (!(err instanceof LeaseLost) && !lease.signal.aborted) throw err;
      // Another worker owns the action now and reads the order back before any send.
      log.warn({ code: 'ACTION_LEASE_LOST', action: action.id, account: action.account, order: action.marketplace_order_id }, 'action lease lost: this worker stops; the new owner settles it by read-back');
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
}

/** One claimed action, from the claim to a recorded decision. */
class Attempt {
  readonly #o: ActionWorkerOptions;
  readonly #lease: AbortController;
  readonly #now: () => Date;
  readonly #log: Logger;
  #action: StoredAction;
  #progress: ActionProgress;

  constructor(o: ActionWorkerOptions, action: StoredAction, lease: AbortController, now: () => Date) {
    this.#o = o;
    this.#action = action;
    this.#lease = lease;
    this.#now = now;
    this.#progress = { ...action.progress };
    this.#log = o.log.child({ action: action.id, account: action.account, order: action.marketplace_order_id, name: action.action });
  }

  /** Writes a patch under the lease; throws LeaseLost when another worker holds it now. */
  async #update(patch: ActionPatch): Promise<void> {
    this.#lease.signal.throwIfAborted();
    if (!(await this.#o.store.updateAction(this.#action.id, this.#o.owner, patch))) {
      this.#lease.abort(new LeaseLost(this.#action.id));
      throw new LeaseLost(this.#action.id);
    }
    if (patch.progress !== undefined) this.#progress = { ...patch.progress };
    if (patch.attempts !== undefined) this.#action = { ...this.#action, attempts: patch.attempts };
  }

  async run(): Promise<void> {
    const action = this.#action;
    const entry = this.#o.accounts.get(action.account);
    if (!entry) {
      await this.#finish('needs_attention', { error: { code: 'SYNC_ACCOUNT_UNKNOWN', message: `account ${action.account} is not configured in this daemon` } });
      return;
    }
    const stored = await this.#o.store.getOrder(action.account, action.channel, action.marketplace_order_id);
    if (!stored) {
      await this.#finish('failed', { error: { code: 'ORDER_NOT_FOUND', message: 'the order is no longer in the store' } });
      return;
    }
    let order = stored.order;
    // A previous attempt may have reached the marketplace: look before sending again.
    if (action.state === 'sending' || this.#progress.unsure) {
      const settled = await this.#settle(entry);
      if (settled.verdict !== 'not_yet') return;
      order = settled.order;
    }
    await this.#send(entry, order);
  }

  async #send(entry: WorkerAccount, order: NormalizedOrder): Promise<void> {
    const { unsure: _settled, ...rest } = this.#progress;
    // The order's facts before the first send: what a later read-back is compared with.
    const progress = rest.baseline === undefined ? { ...rest, baseline: entry.connector.effectBaseline(this.#action.request, order) ?? null } : rest;
    const attempts = this.#action.attempts + 1;
    await this.#update({ state: 'sending', attempts, progress });
    this.#log.info({ attempt: attempts, from_step: progress.steps_done ?? 0 }, 'sending action');
    const outcome = await entry.connector
      .sendAction(this.#action.request, order, {
        signal: this.#lease.signal,
        fromStep: progress.steps_done ?? 0,
        onStepDone: (stepsDone) => this.#update({ progress: { ...this.#progress, steps_done: stepsDone } }),
      })
      .catch((err: unknown): ActionOutcome => {
        this.#lease.signal.throwIfAborted();
        // Whatever failed inside the connector, the request may have left: settle it by read-back.
        return { kind: 'ambiguous', message: err instanceof Error ? err.message : String(err), step: this.#progress.steps_done ?? 0 };
      });
    this.#lease.signal.throwIfAborted();
    switch (outcome.kind) {
      case 'succeeded':
        await this.#finish('succeeded', { result: outcome.response ?? null, progress: null });
        this.#log.info('action succeeded');
        await this.#refresh(entry);
        return;
      case 'rejected':
        await this.#finish('failed', {
          result: outcome.response ?? null,
          error: { code: 'ACTION_REJECTED_BY_MARKETPLACE', message: `${outcome.status}: ${outcome.message}` },
        });
        this.#log.warn({ status: outcome.status }, 'marketplace refused the action');
        return;
      case 'ambiguous': {
        this.#log.warn({ reason: outcome.message, step: outcome.step }, 'outcome unknown: reading the order back before any retry');
        await this.#update({ progress: { ...this.#progress, unsure: { step: outcome.step, message: outcome.message } } });
        const settled = await this.#settle(entry);
        if (settled.verdict === 'not_yet') await this.#retryLater(outcome.message, undefined);
        return;
      }
      case 'transient':
        await this.#retryLater(outcome.message, outcome.retryAfterMs);
        this.#log.warn({ reason: outcome.message }, 'transient failure: will retry');
        return;
    }
  }

  /**
   * Reads the order back and settles an unsure action: took effect (succeeded), cannot tell
   * (needs_attention), unreachable (later, still unsure) or not yet (the caller may send).
   */
  async #settle(entry: WorkerAccount): Promise<Settled> {
    const action = this.#action;
    let order: NormalizedOrder | undefined;
    try {
      order = await entry.connector.getOrder(action.marketplace_order_id, this.#lease.signal);
    } catch (err) {
      this.#lease.signal.throwIfAborted();
      // A failed read-back counts as an attempt, so an unreachable marketplace ends in needs_attention.
      this.#action = { ...this.#action, attempts: this.#action.attempts + 1 };
      await this.#retryLater(`could not read the order back: ${err instanceof Error ? err.message : String(err)}`, undefined);
      return { verdict: 'unreachable' };
    }
    if (!order) {
      await this.#finish('needs_attention', { error: { code: 'ACTION_OUTCOME_UNKNOWN', message: 'the order could not be read back from the marketplace' } });
      return { verdict: 'unclear' };
    }
    await this.#o.store.commitOrders([order]);
    const reading = entry.connector.checkEffect(action.request, order, this.#progress.baseline);
    const { unsure: _unsure, ...settled } = this.#progress;
    if (reading.verdict === 'took_effect') {
      await this.#finish('succeeded', { result: { verified_by_read_back: true, read_back: reading.evidence }, progress: null });
      this.#log.info({ evidence: reading.evidence }, 'read-back shows the action took effect');
      return { verdict: 'took_effect' };
    }
    if (reading.verdict === 'unclear') {
      // Never sent again on a guess: a human checks the order (the evidence says what was found).
      await this.#finish('needs_attention', {
        result: { read_back: reading.evidence },
        error: { code: 'ACTION_OUTCOME_UNKNOWN', message: `the order read back neither proves the action took effect nor that it did not: ${reading.reason}; check it at the marketplace` },
        progress: settled,
      });
      this.#log.warn({ reason: reading.reason, evidence: reading.evidence }, 'read-back is inconclusive: needs attention');
      return { verdict: 'unclear' };
    }
    this.#log.info({ evidence: reading.evidence, steps_done: reading.stepsDone }, 'read-back shows the action did not take effect: safe to send');
    const stepsDone = Math.max(settled.steps_done ?? 0, reading.stepsDone ?? 0);
    this.#progress = { ...settled, ...(stepsDone > 0 && { steps_done: stepsDone }) };
    return { verdict: 'not_yet', order };
  }

  /** Back to the queue after a wait, or needs_attention once attempts are spent. Keeps an unsure flag. */
  async #retryLater(message: string, retryAfterMs: number | undefined): Promise<void> {
    const action = this.#action;
    if (action.attempts >= this.#o.maxAttempts) {
      const code = this.#progress.unsure ? 'ACTION_OUTCOME_UNKNOWN' : 'ACTION_RETRIES_EXHAUSTED';
      await this.#finish('needs_attention', { error: { code, message: `gave up after ${action.attempts} attempts: ${message}` } });
      return;
    }
    const delay = retryAfterMs ?? (this.#o.backoffMs ?? defaultBackoff)(Math.max(1, action.attempts));
    await this.#update({
      state: 'queued',
      attempts: action.attempts,
      next_attempt_at: new Date(this.#now().getTime() + delay).toISOString(),
      error: { code: 'ACTION_TRANSIENT_FAILURE', message },
      progress: this.#progress,
      release: true,
    });
    this.#o.onOutcome?.({ ...action, state: 'queued' }, 'queued');
  }

  async #finish(state: 'succeeded' | 'failed' | 'needs_attention', patch: ActionPatch): Promise<void> {
    // Before the action is marked done: a crash in between settles it again by read-back and
    // records the event again (at least once, like every webhook), never not at all.
    if (state === 'succeeded') await this.#documentsSent();
    await this.#update({ state, ...patch, release: true });
    this.#o.onOutcome?.({ ...this.#action, state }, state);
  }

  /** order.document_available for each file a succeeded action sent (the invoice of upload_invoice). */
  async #documentsSent(): Promise<void> {
    const action = this.#action;
    const files = Object.values(action.request.data).filter(isSentFile);
    if (files.length === 0) return;
    const stored = await this.#o.store.getOrder(action.account, action.channel, action.marketplace_order_id);
    if (!stored) return;
    for (const file of files) {
      await this.#o.store.recordDocumentEvent({
        order_id: stored.id,
        account: action.account,
        channel: action.channel,
        marketplace_order_id: action.marketplace_order_id,
        document: { id: file.id, source: 'upload', type: action.action, file_name: file.file_name, content_type: file.content_type, size: file.size, url: documentUrl(file.id), action_id: action.id },
      });
    }
  }

  async #refresh(entry: WorkerAccount): Promise<void> {
    try {
      const order = await entry.connector.getOrder(this.#action.marketplace_order_id);
      if (order) await this.#o.store.commitOrders([order]);
    } catch (err) {
      // Not fatal: the next poll brings the new status.
      this.#log.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not re-read the order after the action');
    }
  }
}

/** A stored document in an action's data (a `file` field's value). */
function isSentFile(v: unknown): v is { id: string; file_name: string; content_type: string; size: number; sha256: string } {
  const f = v as { id?: unknown; sha256?: unknown; file_name?: unknown; content_type?: unknown; size?: unknown } | null;
  return f !== null && typeof f === 'object' && typeof f.id === 'string' && typeof f.sha256 === 'string' && typeof f.file_name === 'string' && typeof f.content_type === 'string' && typeof f.size === 'number';
}
