/**
 * Shared request budgets (the same rules for both stores): "at most `limit` requests per
 * `windowMs`" as an exact sliding window. A budget row keeps the instants of the last `limit`
 * requests granted; a new one is granted when fewer than `limit` of them are inside the window
 * ending now, else the caller learns when the oldest of them leaves it. Unlike a token bucket, a
 * sliding window never lets a burst at the end of one period meet a burst at the start of the
 * next, which is what marketplaces count (Mirakl OR11: at most one call in any minute).
 */
import { OrderwireError } from '../../errors.ts';
import type { BudgetDecision } from '../store.ts';
import { requirePositiveMs, requireText } from './validate.ts';

/** Grants are kept per request: a budget this large would make every take rewrite a huge row. */
export const MAX_BUDGET_LIMIT = 10_000;

export function checkBudget(key: string, limit: number, windowMs: number): void {
  requireText(key, 'key');
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_BUDGET_LIMIT) {
    throw new OrderwireError('STORE_ARGUMENT_INVALID', `limit must be an integer from 1 to ${MAX_BUDGET_LIMIT}, got ${JSON.stringify(limit)}`, { field: 'limit' });
  }
  requirePositiveMs(windowMs, 'windowMs');
}

/**
 * The decision for one request at `nowMs`, given the stored grants (ms since the epoch, any
 * order). `taken` is what to store when granted: the last `limit` grants, oldest first.
 */
export function decideBudget(stored: readonly number[], limit: number, windowMs: number, nowMs: number): { decision: BudgetDecision; taken?: number[] } {
  // Grants stamped ahead of this clock (another daemon's clock runs fast) still count.
  const recent = stored.filter((t) => t > nowMs - windowMs).sort((a, b) => a - b);
  if (recent.length < limit) return { decision: { ok: true }, taken: [...recent, nowMs].slice(-limit) };
  const oldestThatCounts = recent[recent.length - limit]!;
  return { decision: { ok: false, retryAfterMs: Math.max(1, Math.ceil(oldestThatCounts + windowMs - nowMs)) } };
}
