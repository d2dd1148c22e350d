/** Argument checks shared by both stores: bad input fails with a stable code and the field name. */
import { ACTION_NAMES } from '../../channel/model.ts';
import { OrderwireError } from '../../errors.ts';
import type { NewAction, WindowKind } from '../store.ts';

const WINDOW_KINDS: ReadonlySet<string> = new Set(['incremental', 'catch_up']);
const ACTIONS: ReadonlySet<string> = new Set(ACTION_NAMES);

function bad(field: string, problem: string): OrderwireError {
  return new OrderwireError('STORE_ARGUMENT_INVALID', `${field} ${problem}`, { field });
}

export function requireText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) throw bad(field, 'must be a non-empty string');
  return value;
}

export function requireWindowKind(kind: unknown): WindowKind {
  if (typeof kind !== 'string' || !WINDOW_KINDS.has(kind)) throw bad('kind', `must be incremental or catch_up, got ${JSON.stringify(kind)}`);
  return kind as WindowKind;
}

export function requirePositiveMs(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw bad(field, `must be a positive number of milliseconds, got ${JSON.stringify(value)}`);
  return value;
}

export function requireCount(value: unknown, field: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0) throw bad(field, `must be a non-negative integer, got ${JSON.stringify(value)}`);
  return value as number;
}

/** The columns of a new action, taken from its request. */
export function actionColumns(action: NewAction): { key: string; account: string; channel: string; marketplace_order_id: string; action: string } {
  const key = requireText(action?.idempotency_key, 'idempotency_key');
  const request = action.request;
  if (typeof request !== 'object' || request === null) throw bad('request', 'must be an action request object');
  const name = requireText(request.action, 'request.action');
  if (!ACTIONS.has(name)) throw bad('request.action', `must be one of ${ACTION_NAMES.join(', ')}, got ${JSON.stringify(name)}`);
  return {
    key,
    account: requireText(request.account, 'request.account'),
    channel: requireText(request.channel, 'request.channel'),
    marketplace_order_id: requireText(request.marketplace_order_id, 'request.marketplace_order_id'),
    action: name,
  };
}
