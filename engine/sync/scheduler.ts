/**
 * Schedules each account's polls: the incremental window every poll period and the daily
 * catch-up when due. A poll runs under a store lease named after the account, so daemons sharing
 * one database never poll the same account at once; a poll whose cursor is fresher than the
 * period (another daemon just ran it) is skipped.
 *
 * Takeover: a daemon that dies stops renewing its lease; the others, which found the account
 * busy, look again every lease TTL (not every poll period), take the lease once it expired and
 * poll from the last committed cursor (the run closes the dead daemon's run as `abandoned`). A daemon that cannot
 * renew its lease (another took it after a stall) aborts its poll at once, so two daemons never
 * list one account's window together.
 */
import type { Logger } from '../log.ts';
import type { Store } from '../store/store.ts';
import type { WorkerAccount } from './action-worker.ts';
import { acquirePollLease } from './poll-lease.ts';
import { catchUpDue } from './windows.ts';
import { syncWindow, type SyncDeps, type SyncOutcome } from './sync-window.ts';

export interface SchedulerOptions {
  store: Store;
  accounts: ReadonlyMap<string, WorkerAccount>;
  log: Logger;
  owner: string;
  leaseMs: number;
  windows: SyncDeps['windows'];
  now?: () => Date;
  onRun?: (account: string, outcome: SyncOutcome | Error) => void;
  /** Told when each account's next poll is due and how each poll ends (engine/sync/activity.ts). */
  activity?: PollActivity;
  /** The document store marketplace documents are downloaded into (SyncDeps.files). */
  files?: SyncDeps['files'];
  onDocumentStored?: SyncDeps['onDocumentStored'];
}

export interface PollActivity {
  pollScheduled(account: string, delayMs: number): void;
  pollStarted(account: string): void;
  pollFinished(account: string, outcome: 'succeeded' | 'skipped' | Error): void;
}

export class Scheduler {
  readonly #o: SchedulerOptions;
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #inFlight = new Set<Promise<unknown>>();
  readonly #abort = new AbortController();
  /** Accounts whose last poll attempt found the lease held by another daemon. */
  readonly #busy = new Set<string>();
  #stopped = false;

  constructor(options: SchedulerOptions) {
    this.#o = options;
  }

  #now(): Date {
    return this.#o.now?.() ?? new Date();
  }

  start(): void {
    for (const [id, entry] of this.#o.accounts) if (entry.account.enabled) this.#schedule(id, 0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
    this.#abort.abort();
    await Promise.allSettled([...this.#inFlight]);
  }

  #schedule(accountId: string, delayMs: number): void {
    if (this.#stopped) return;
    this.#o.activity?.pollScheduled(accountId, delayMs);
    const timer = setTimeout(() => {
      const p = this.pollAccount(accountId).finally(() => {
        this.#inFlight.delete(p);
        const entry = this.#o.accounts.get(accountId);
        // Busy elsewhere: look again once that lease could have expired, so a dead daemon's
        // account is taken over within a TTL instead of a poll period.
        if (entry) this.#schedule(accountId, this.#busy.has(accountId) ? Math.min(entry.account.pollEveryMs, this.#o.leaseMs) : entry.account.pollEveryMs);
      });
      this.#inFlight.add(p);
    }, delayMs);
    timer.unref?.();
    this.#timers.set(accountId, timer);
  }

  /**
   * Runs whatever is due for one account (catch-up first when due, else the incremental poll).
   * Returns undefined when nothing ran (not due, or another daemon holds the lease).
   */
  async pollAccount(accountId: string, force = false): Promise<SyncOutcome | undefined> {
    const { store, log, owner, leaseMs } = this.#o;
    const entry = this.#o.accounts.get(accountId);
    if (!entry) return undefined;
    const { account, connector } = entry;
    const lease = await acquirePollLease(store, account.id, owner, leaseMs, () => this.#now(), log);
    if (!lease) {
      this.#busy.add(accountId);
      this.#o.activity?.pollFinished(accountId, 'skipped');
      return undefined;
    }
    this.#busy.delete(accountId);
    try {
      const now = this.#now();
      const catchUp = await store.getCursor(account.id, account.channel.id, 'catch_up');
      const incremental = await store.getCursor(account.id, account.channel.id, 'incremental');
      const deps: SyncDeps = {
        store, connector, account, log, now: () => this.#now(), windows: this.#o.windows,
        ...(this.#o.files && { files: this.#o.files }),
        ...(this.#o.onDocumentStored && { onDocumentStored: this.#o.onDocumentStored }),
      };
      let kind: 'incremental' | 'catch_up' | undefined;
      // The first run (no incremental cursor) backfills the lookback, which is a catch-up too.
      if (incremental && catchUpDue(catchUp?.position, now, account.channel.retrieval.catchUp.everyMs)) kind = 'catch_up';
      // The cursor is the previous window's end (its poll's clock), so a period after it is due.
      else if (force || !incremental || now.getTime() - Date.parse(incremental.position) >= account.pollEveryMs - 1_000) kind = 'incremental';
      if (!kind) {
        this.#o.activity?.pollFinished(accountId, 'skipped');
        return undefined;
      }
      this.#o.activity?.pollStarted(accountId);
      const outcome = await syncWindow(deps, kind, { signal: AbortSignal.any([this.#abort.signal, lease.signal]) });
      if (!incremental) await store.setCursor(account.id, account.channel.id, 'catch_up', outcome.window.to.toISOString());
      this.#o.activity?.pollFinished(accountId, 'succeeded');
      this.#o.onRun?.(account.id, outcome);
      return outcome;
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      if (!this.#stopped) log.error({ account: account.id, err: error.message }, 'poll failed; will retry at the next period');
      this.#o.activity?.pollFinished(accountId, error);
      this.#o.onRun?.(account.id, error);
      return undefined;
    } finally {
      await lease.release();
    }
  }
}
