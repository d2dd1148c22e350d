/**
 * Submitting a seller action: validate it against the channel's rules on the stored order, then
 * queue the normalized request. Nothing is sent here; the action worker sends queued actions.
 * The idempotency key makes a repeated submission return the stored action instead of a second one.
 */
import { createHash } from 'node:crypto';
import type { ActionName } from '../channel/model.ts';
import { validateAction, type ValidationResult } from '../rules/index.ts';
import type { Store, StoredAction } from '../store/store.ts';
import type { AccountRuntime } from './account.ts';

export interface ActionInput {
  marketplaceOrderId: string;
  name: string;
  data?: Record<string, unknown>;
  lines?: string[];
  /** Caller-chosen key (HTTP Idempotency-Key); default: a hash of the request's content. */
  idempotencyKey?: string;
}

export type SubmitOutcome =
  | { kind: 'queued'; action: StoredAction }
  /** The same request, or an action of the same kind still pending on this order. */
  | { kind: 'existing'; action: StoredAction }
  | { kind: 'denied'; validation: ValidationResult }
  | { kind: 'order_not_found' };

export function defaultIdempotencyKey(account: string, input: ActionInput): string {
  const content = JSON.stringify([account, input.marketplaceOrderId, input.name, input.data ?? {}, [...(input.lines ?? [])].sort()]);
  return `auto:${createHash('sha256').update(content).digest('base64url')}`;
}

export async function submitAction(store: Store, account: AccountRuntime, input: ActionInput): Promise<SubmitOutcome> {
  const stored = await store.getOrder(account.id, account.channel.id, input.marketplaceOrderId);
  if (!stored) return { kind: 'order_not_found' };
  const validation = await validateAction(account.channel, stored.order, {
    name: input.name as ActionName,
    ...(input.data !== undefined && { data: input.data }),
    ...(input.lines !== undefined && { lines: input.lines }),
  });
  if (!validation.allowed || !validation.request) return { kind: 'denied', validation };
  const { action, existing } = await store.enqueueAction({
    idempotency_key: input.idempotencyKey ?? defaultIdempotencyKey(account.id, input),
    request: validation.request,
  });
  return existing ? { kind: 'existing', action } : { kind: 'queued', action };
}
