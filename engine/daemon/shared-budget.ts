/**
 * Request budgets shared through the store: when the store declares `capabilities.sharedBudgets`,
 * an account's connector takes each budgeted request from the store as well as from its own
 * limiter, so every daemon (and CLI process) on the store keeps to the marketplace's per-endpoint
 * ceilings together. Keyed by account and endpoint: the ceilings are per seller account.
 */
import { AccountLimiter, type LimiterOptions, type SharedBudget } from '../connector/http/limiter.ts';
import type { BucketSpec } from '../connector/http/token-bucket.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/store.ts';

export function storeBudget(store: Store, accountId: string): SharedBudget {
  return (endpoint, spec) => store.takeBudget(`${accountId}:${endpoint}`, spec.limit, spec.perMs);
}

/**
 * The limiter for one account's connector when the store shares budgets; undefined otherwise
 * (the connector then builds its own, which holds the ceilings for this process alone).
 */
export function sharedBudgetLimiter(
  store: Store,
  accountId: string,
  options: { concurrency: number; budgets: Readonly<Record<string, BucketSpec>>; log: Logger; onBudgetWait?: LimiterOptions['onBudgetWait'] },
): AccountLimiter | undefined {
  if (!store.capabilities.sharedBudgets) return undefined;
  return new AccountLimiter({
    concurrency: options.concurrency,
    budgets: options.budgets,
    sharedBudget: storeBudget(store, accountId),
    onBudgetWait: (e) => {
      options.onBudgetWait?.(e);
      options.log.debug({ endpoint: e.endpoint, waitMs: e.waitMs, shared: e.shared === true }, 'waiting for the endpoint budget');
    },
  });
}
