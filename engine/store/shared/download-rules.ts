/**
 * Pending document downloads (migration 017), the rules both drivers share: the backoff after a
 * failed attempt, the policy's bounds, and a row as the interface's object.
 */
import { OrderwireError } from '../../errors.ts';
import type { DownloadRetryPolicy, PendingDownload } from '../store.ts';
import type { Row } from './rows.ts';
import { toIso } from './time.ts';

export function checkRetryPolicy(policy: DownloadRetryPolicy): DownloadRetryPolicy {
  const { maxAttempts, baseDelayMs, maxDelayMs } = policy;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || !(baseDelayMs > 0) || !(maxDelayMs >= baseDelayMs)) {
    throw new OrderwireError('STORE_ARGUMENT_INVALID', `a download retry policy needs maxAttempts ≥ 1 and 0 < baseDelayMs ≤ maxDelayMs, got ${JSON.stringify(policy)}`, { field: 'policy' });
  }
  return policy;
}

/** After `attempts` failed attempts: when to try again (base, doubling, capped), or give up. */
export function afterFailure(attempts: number, at: Date, policy: DownloadRetryPolicy): { next_attempt_at: string; gave_up_at?: string } {
  const delay = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(attempts - 1, 30));
  const next = new Date(at.getTime() + delay).toISOString();
  return attempts >= policy.maxAttempts ? { next_attempt_at: next, gave_up_at: at.toISOString() } : { next_attempt_at: next };
}

export function pendingDownload(row: Row): PendingDownload {
  return {
    id: row.id as string,
    order_id: row.order_id as string,
    account: row.account as string,
    channel: row.channel as string,
    marketplace_order_id: row.marketplace_order_id as string,
    document_id: row.document_id as string,
    attempts: Number(row.attempts),
    next_attempt_at: toIso(row.next_attempt_at),
    last_error: row.last_error as string,
    ...(row.gave_up_at !== null && row.gave_up_at !== undefined && { gave_up_at: toIso(row.gave_up_at) }),
  };
}
