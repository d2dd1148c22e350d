/**
 * Submitting a seller action: recognise a repeated submission first, then validate it against the
 * channel's rules on the stored order as it will be after the actions pending on it, then queue
 * the normalized request. Nothing is sent here; the action worker sends queued actions, one at a
 * time per order, in queue order.
 *
 * - Values of live lists (carriers, reasons) are checked against the account's stored live list
 *   (engine/sync/reference-lists.ts), the channel file's values until one was fetched.
 * - The idempotency key is looked up before anything else: the same key with the same request
 *   returns the stored action whatever its state (a replay after success is not re-validated
 *   against the order's new status); the same key with another request is refused
 *   (STORE_IDEMPOTENCY_KEY_REUSED).
 * - The same request still pending on the order (under another key) is that action.
 * - An action allowed in the order's status today but not once the pending ones took effect
 *   conflicts with them (a refuse behind a queued accept): `conflict`, naming the newest pending
 *   action.
 * - Queueing is atomic with the check of the pending actions: when another submission changed
 *   them meanwhile, the action is validated again.
 */
import { createHash } from 'node:crypto';
import type { ActionName } from '../channel/model.ts';
import { OrderwireError } from '../errors.ts';
import type { NormalizedOrder, OrderStatus } from '../order/model.ts';
import { validateAction, type LinePartInput, type ParcelInput, type ValidationResult } from '../rules/index.ts';
import type { Store, StoredAction } from '../store/store.ts';
import type { AccountRuntime } from './account.ts';
import { projectedStatus } from './projected-status.ts';
import { accountChannel } from './reference-lists.ts';

export interface ActionInput {
  marketplaceOrderId: string;
  name: string;
  data?: Record<string, unknown>;
  /** Line ids, or `{id, quantity?, amount?}` for part of a line (channel `partial_lines`). */
  lines?: (string | LinePartInput)[];
  /** Ship where the channel takes parcels: each with its lines and its field values (carrier, tracking...). */
  parcels?: ParcelInput[];
  /** Caller-chosen key (HTTP Idempotency-Key); default: a hash of the request's content. */
  idempotencyKey?: string;
}

export type SubmitOutcome =
  | { kind: 'queued'; action: StoredAction }
  /** The same request: under the same idempotency key (any state), or still pending on the order. */
  | { kind: 'existing'; action: StoredAction }
  | { kind: 'denied'; validation: ValidationResult }
  /** Not allowed once `pending` (the newest action pending on the order) and those before it took effect. */
  | { kind: 'conflict'; pending: StoredAction; projected: OrderStatus; validation: ValidationResult }
  | { kind: 'order_not_found' };

/** Rounds of "validate, then queue if the pending actions did not change": each loses only to another submission. */
const ROUNDS = 5;

/** The request as submitted: account, order, action, fields and lines (order-insensitive). */
export function submissionFingerprint(account: string, input: ActionInput): string {
  const parts: unknown[] = [account, input.marketplaceOrderId, input.name, input.data ?? {}, (input.lines ?? []).map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).sort()];
  // Parcels in order (the second parcel of a day is another shipment); left out when absent, so
  // the fingerprints of requests without parcels stay what they were.
  if (input.parcels !== undefined) parts.push(input.parcels);
  const content = JSON.stringify(parts);
  return createHash('sha256').update(content).digest('base64url');
}

/** The order as it will be in `status` (validation reads the marketplace status through the channel's map). */
function asIn(account: AccountRuntime, order: NormalizedOrder, status: OrderStatus): NormalizedOrder {
  const marketplaceStatus = status === 'unknown' ? undefined : account.channel.statuses[status]?.[0];
  return { ...order, status, ...(marketplaceStatus !== undefined && { marketplace_status: marketplaceStatus }) };
}

function notAllowedInStatus(validation: ValidationResult): boolean {
  return validation.errors.some((e) => e.code === 'ACTION_NOT_ALLOWED_IN_STATUS' || e.code === 'ACTION_MARKETPLACE_STATUS_NOT_ALLOWED');
}

export function defaultIdempotencyKey(account: string, input: ActionInput): string {
  return `auto:${submissionFingerprint(account, input)}`;
}

export async function submitAction(store: Store, account: AccountRuntime, input: ActionInput): Promise<SubmitOutcome> {
  const fingerprint = submissionFingerprint(account.id, input);
  const key = input.idempotencyKey ?? `auto:${fingerprint}`;
  for (let round = 0; round < ROUNDS; round++) {
    const byKey = await store.getActionByKey(key);
    // Actions stored before fingerprints existed are compared by their validated request, below.
    if (byKey?.fingerprint !== undefined) {
      if (byKey.fingerprint !== fingerprint) {
        throw new OrderwireError(
          'STORE_IDEMPOTENCY_KEY_REUSED',
          `idempotency key ${JSON.stringify(key)} is already used by action ${byKey.id} (${byKey.action} on order ${byKey.marketplace_order_id}) with a different request`,
          { idempotency_key: key, action_id: byKey.id },
        );
      }
      return { kind: 'existing', action: byKey };
    }
    const stored = await store.getOrder(account.id, account.channel.id, input.marketplaceOrderId);
    if (!stored) return { kind: 'order_not_found' };
    const pending = await store.pendingActions(account.id, account.channel.id, input.marketplaceOrderId);
    const same = pending.find((a) => a.fingerprint === fingerprint);
    if (same) return { kind: 'existing', action: same };
    const projected = projectedStatus(account.channel, stored.order.status, pending.map((a) => a.request), stored.order.lines.length);
    const action = {
      name: input.name as ActionName,
      ...(input.data !== undefined && { data: input.data }),
      ...(input.lines !== undefined && { lines: input.lines }),
      ...(input.parcels !== undefined && { parcels: input.parcels }),
    };
    // The account's live lists (carriers, reasons its marketplace serves) in place of the file's.
    const channel = await accountChannel(store, account);
    const validation = await validateAction(channel, projected === stored.order.status ? stored.order : asIn(account, stored.order, projected), action);
    if (!validation.allowed || !validation.request) {
      const newest = pending.at(-1);
      if (!newest || projected === stored.order.status || !notAllowedInStatus(validation)) return { kind: 'denied', validation };
      // The pending actions are the cause only when the order's status today would allow it.
      const today = await validateAction(channel, stored.order, action);
      if (notAllowedInStatus(today)) return { kind: 'denied', validation: today };
      return { kind: 'conflict', pending: newest, projected, validation };
    }
    try {
      const { action, existing } = await store.enqueueAction({ idempotency_key: key, request: validation.request, fingerprint, after_pending: pending.map((a) => a.id) });
      return existing ? { kind: 'existing', action } : { kind: 'queued', action };
    } catch (err) {
      if (!(err instanceof OrderwireError) || err.code !== 'STORE_ACTION_PENDING_CHANGED') throw err;
      // Another submission changed the order's queue meanwhile: validate against it again.
    }
  }
  throw new OrderwireError('INTERNAL', `could not queue ${input.name} on order ${input.marketplaceOrderId}: its pending actions kept changing`);
}
