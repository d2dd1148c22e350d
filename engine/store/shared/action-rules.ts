/** Action rules shared by both stores: states, patch checks and the operator transitions' errors. */
import { OrderwireError } from '../../errors.ts';
import type { ActionPatch, ActionState, StoredAction } from '../store.ts';
import { canonicalJson } from './canonical-json.ts';
import { canonicalInstant } from './time.ts';
import { requireCount, requirePositiveMs, requireText } from './validate.ts';

export const ACTION_STATES: readonly ActionState[] = ['queued', 'sending', 'succeeded', 'failed', 'needs_attention', 'canceled'];
export const PENDING_STATES: readonly ActionState[] = ['queued', 'sending'];
export const RETRYABLE_STATES: readonly ActionState[] = ['failed', 'needs_attention'];
export const CANCELABLE_STATES: readonly ActionState[] = ['queued', 'failed', 'needs_attention'];

export type { ActionPatch };

/** Column -> value for an updateAction patch (JSON values as text; null clears a column). */
export function actionPatchColumns(patch: ActionPatch): Array<[string, unknown]> {
  const columns: Array<[string, unknown]> = [];
  if (patch.state !== undefined) {
    if (!ACTION_STATES.includes(patch.state)) {
      throw new OrderwireError('STORE_ARGUMENT_INVALID', `state must be one of ${ACTION_STATES.join(', ')}, got ${JSON.stringify(patch.state)}`, { field: 'state' });
    }
    columns.push(['state', patch.state]);
  }
  if (patch.attempts !== undefined) columns.push(['attempts', requireCount(patch.attempts, 'attempts')]);
  if (patch.next_attempt_at !== undefined) columns.push(['next_attempt_at', canonicalInstant(patch.next_attempt_at, 'next_attempt_at')]);
  if (patch.result !== undefined) columns.push(['result', patch.result === null ? null : JSON.stringify(patch.result)]);
  if (patch.error !== undefined) columns.push(['error', patch.error === null ? null : JSON.stringify(patch.error)]);
  // A succeeded action carries no stale error from an earlier attempt.
  else if (patch.state === 'succeeded') columns.push(['error', null]);
  if (patch.progress !== undefined) columns.push(['progress', patch.progress === null ? null : JSON.stringify(patch.progress)]);
  if (patch.release) columns.push(['lease_owner', null], ['lease_until', null]);
  return columns;
}

export function checkClaim(owner: string, leaseMs: number, limit: number): void {
  requireText(owner, 'owner');
  requirePositiveMs(leaseMs, 'leaseMs');
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new OrderwireError('STORE_ARGUMENT_INVALID', `limit must be a positive integer, got ${JSON.stringify(limit)}`, { field: 'limit' });
  }
}

export function sameRequest(stored: unknown, incoming: unknown): boolean {
  return canonicalJson(stored) === canonicalJson(incoming);
}

export function idempotencyKeyReused(key: string, stored: StoredAction): OrderwireError {
  return new OrderwireError(
    'STORE_IDEMPOTENCY_KEY_REUSED',
    `idempotency key ${JSON.stringify(key)} is already used by action ${stored.id} (${stored.action} on order ${stored.marketplace_order_id}) with a different request`,
    { idempotency_key: key, action_id: stored.id },
  );
}

export function transitionConflict(transition: 'retry' | 'cancel', action: StoredAction, pendingOther?: StoredAction): OrderwireError {
  const allowed = transition === 'retry' ? RETRYABLE_STATES : CANCELABLE_STATES;
  const message = pendingOther
    ? `cannot retry action ${action.id}: action ${pendingOther.id} (${pendingOther.action}, ${pendingOther.state}) is pending on order ${action.marketplace_order_id}; retry once it is done`
    : `cannot ${transition} action ${action.id} in state ${action.state} (only ${allowed.join(', ')})`;
  return new OrderwireError('STORE_ACTION_STATE_CONFLICT', message, { action_id: action.id, state: action.state });
}

/** The pending-actions precondition of enqueueAction: the same set of ids, in any order. */
export function pendingChanged(expected: readonly string[] | undefined, pending: readonly StoredAction[]): OrderwireError | undefined {
  if (expected === undefined) return undefined;
  const now = new Set(pending.map((a) => a.id));
  if (now.size === expected.length && expected.every((id) => now.has(id))) return undefined;
  return new OrderwireError('STORE_ACTION_PENDING_CHANGED', `the pending actions of the order changed while the action was validated (expected ${expected.length}, now ${now.size}); validate it again`, {});
}

/** The same submission: by fingerprint when both have one, else by the validated request. */
export function sameSubmission(stored: StoredAction, incoming: { request: unknown; fingerprint?: string }): boolean {
  if (stored.fingerprint !== undefined && incoming.fingerprint !== undefined) return stored.fingerprint === incoming.fingerprint;
  return sameRequest(stored.request, incoming.request);
}

/** Only the oldest pending action of an order may be claimed: one in flight per order, in queue order. */
export const OLDEST_OF_ITS_ORDER = `NOT EXISTS (SELECT 1 FROM actions o WHERE o.account = actions.account AND o.channel = actions.channel
  AND o.marketplace_order_id = actions.marketplace_order_id AND o.state IN ('queued', 'sending') AND o.seq < actions.seq)`;

export function sqlList(states: readonly string[]): string {
  return states.map((s) => `'${s}'`).join(', ');
}
