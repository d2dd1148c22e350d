/**
 * The store-backed request budget of one account, for its connector's limiter: every daemon (and
 * CLI process) on one PostgreSQL store keeps to the marketplace's per-endpoint ceilings together.
 * Keyed by account and endpoint: the ceilings are per seller account at the marketplace.
 */
import type { SharedBudget } from '../connector/http/limiter.ts';
import type { Store } from '../store/store.ts';

export function storeBudget(store: Store, accountId: string): SharedBudget {
  return (endpoint, spec) => store.takeBudget(`${accountId}:${endpoint}`, spec.limit, spec.perMs);
}

/**
 * Whether connectors share budgets through the store. PostgreSQL is where several daemons run; an
 * SQLite store has one daemon, whose own limiter already holds the ceilings (a one-off CLI sync
 * beside it keeps its own, as before).
 */
export function sharesBudgets(store: Store): boolean {
  return store.kind === 'postgres';
}
