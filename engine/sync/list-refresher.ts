/**
 * The daemon's loop over live reference lists: every `everyMs` (and once at start) each enabled
 * account with live lists refreshes those that are due (engine/sync/reference-lists.ts), under a
 * store lease per account so daemons sharing a store do not fetch the same lists together. It
 * never blocks polls or actions: a failure is logged, recorded and counted, and the last list
 * stays in use.
 */
import type { Logger } from '../log.ts';
import type { Store } from '../store/store.ts';
import type { WorkerAccount } from './action-worker.ts';
import { PeriodicTask } from './periodic-task.ts';
import { liveLists, refreshAccountLists, type ListRefreshOutcome } from './reference-lists.ts';

export interface ListRefresherOptions {
  store: Store;
  accounts: ReadonlyMap<string, WorkerAccount>;
  log: Logger;
  owner: string;
  leaseMs: number;
  /** How often due lists are looked for (default 5 minutes; a list's own period decides when it is fetched). */
  everyMs?: number;
  now?: () => Date;
  onFailure?: (account: string, list: string, code: string) => void;
}

const DEFAULT_EVERY_MS = 5 * 60_000;

export function listLeaseName(accountId: string): string {
  return `lists:${accountId}`;
}

export class ListRefresher {
  readonly #o: ListRefresherOptions;
  readonly #abort = new AbortController();
  readonly #task: PeriodicTask;

  constructor(options: ListRefresherOptions) {
    this.#o = options;
    // refreshDue logs its own failures per account; a failure here is the pass itself.
    this.#task = new PeriodicTask({ run: () => this.refreshDue(), everyMs: options.everyMs ?? DEFAULT_EVERY_MS, log: options.log, failure: 'reference list refresh pass failed; trying again next pass' });
  }

  start(): void {
    this.#task.start();
  }

  async stop(): Promise<void> {
    // Stopped first (synchronously), then the fetch in flight is aborted and awaited.
    const stopping = this.#task.stop();
    this.#abort.abort();
    await stopping;
  }

  /** One pass over every enabled account with live lists; outcomes by account. */
  async refreshDue(): Promise<Map<string, ListRefreshOutcome[]>> {
    const { store, log, owner, leaseMs } = this.#o;
    const now = (): Date => this.#o.now?.() ?? new Date();
    const out = new Map<string, ListRefreshOutcome[]>();
    for (const [id, { account, connector }] of this.#o.accounts) {
      if (this.#task.stopped) break;
      if (!account.enabled || liveLists(account.channel).length === 0) continue;
      const lease = listLeaseName(id);
      if (!(await store.acquireLease(lease, owner, leaseMs, now()))) continue;
      try {
        out.set(id, await refreshAccountLists(
          { store, connector, account, log, now, ...(this.#o.onFailure && { onFailure: this.#o.onFailure }) },
          { signal: this.#abort.signal },
        ));
      } catch (err) {
        // A store failure: the next pass tries again; nothing else waits for the lists.
        if (!this.#task.stopped) log.error({ account: id, err: err instanceof Error ? err.message : String(err) }, 'reference list refresh failed; trying again next pass');
      } finally {
        await store.releaseLease(lease, owner).catch(() => undefined);
      }
    }
    return out;
  }
}
