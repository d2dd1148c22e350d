/**
 * The store lease that makes one account's polls exclusive across daemons and one-off
 * `orderwire sync` runs: acquired before listing, renewed every third of its TTL, released at
 * the end. If a renewal finds the lease taken (this process stalled past its TTL and another
 * took over), `signal` aborts so two processes never list one account's window together.
 */
import type { Logger } from '../log.ts';
import type { Store } from '../store/store.ts';

export interface PollLease {
  /** Aborts when the lease is lost to another process. */
  readonly signal: AbortSignal;
  release(): Promise<void>;
}

export function pollLeaseName(accountId: string): string {
  return `poll:${accountId}`;
}

/** Acquires the account's poll lease, or returns undefined when another process holds it. */
export async function acquirePollLease(store: Store, accountId: string, owner: string, leaseMs: number, now: () => Date, log: Logger): Promise<PollLease | undefined> {
  const name = pollLeaseName(accountId);
  if (!(await store.acquireLease(name, owner, leaseMs, now()))) return undefined;
  const lost = new AbortController();
  const renew = setInterval(() => {
    void store.renewLease(name, owner, leaseMs, now()).then(
      (held) => {
        if (held || lost.signal.aborted) return;
        log.warn({ account: accountId, code: 'SYNC_LEASE_LOST' }, 'poll lease lost (this process stalled past its TTL and another took it): aborting this poll');
        lost.abort(new Error(`poll lease ${name} lost to another process`));
      },
      // A failed renewal is retried at the next tick; the lease still runs until its TTL.
      () => undefined,
    );
  }, leaseMs / 3);
  renew.unref?.();
  return {
    signal: lost.signal,
    async release() {
      clearInterval(renew);
      await store.releaseLease(name, owner).catch(() => undefined);
    },
  };
}
