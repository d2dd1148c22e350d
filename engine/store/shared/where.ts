/**
 * WHERE clauses of the listings, written once for both drivers: only placeholders ($n or ?) and
 * booleans (true or 1) differ, and each driver declares its own (`SqlSyntax`, in its db.ts).
 */
import { OrderwireError } from '../../errors.ts';
import type { ActionState, OrderFilter, QuarantineFilter } from '../store.ts';
import { canonicalInstant } from './time.ts';
import { decodeKeyCursor, decodePageCursor } from './paging.ts';

/** How a driver's SQL writes a parameter and a boolean. */
export interface SqlSyntax {
  /** The placeholder of the n-th parameter (1-based). */
  placeholder(n: number): string;
  /** A boolean as the driver binds it. */
  bool(value: boolean): unknown;
  /** SQL reading a top-level text property of the JSON column `document` (NULL when absent). */
  documentText(key: string): string;
}

/** Collects parameter values and hands out the driver's placeholder for each. */
export class Params {
  readonly values: unknown[] = [];
  readonly syntax: SqlSyntax;

  constructor(syntax: SqlSyntax) {
    this.syntax = syntax;
  }

  add(value: unknown): string {
    this.values.push(value);
    return this.syntax.placeholder(this.values.length);
  }

  bool(value: boolean): string {
    return this.add(this.syntax.bool(value));
  }

  /** `column = x` or `column IN (...)`; an empty list matches nothing. */
  oneOf(column: string, value: string | readonly string[]): string {
    if (typeof value === 'string') return `${column} = ${this.add(value)}`;
    if (value.length === 0) return '1 = 0';
    return `${column} IN (${value.map((v) => this.add(v)).join(', ')})`;
  }
}

export function whereSql(conditions: string[]): string {
  return conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
}

export function orderConditions(filter: Omit<OrderFilter, 'limit'>, p: Params): string[] {
  const c: string[] = [];
  if (filter.account !== undefined) c.push(p.oneOf('account', filter.account));
  if (filter.channel !== undefined) c.push(`channel = ${p.add(filter.channel)}`);
  if (filter.status !== undefined) c.push(`status = ${p.add(filter.status)}`);
  if (filter.marketplace_status !== undefined) c.push(`marketplace_status = ${p.add(filter.marketplace_status)}`);
  if (filter.marketplace_order_id !== undefined) c.push(`marketplace_order_id = ${p.add(filter.marketplace_order_id)}`);
  if (filter.updated_since !== undefined) c.push(`updated_at >= ${p.add(canonicalInstant(filter.updated_since, 'updated_since'))}`);
  if (filter.delivered_by_marketplace !== undefined) c.push(`delivered_by_marketplace = ${p.bool(filter.delivered_by_marketplace)}`);
  if (filter.after !== undefined) c.push(`change_seq > ${p.add(decodePageCursor('orders', filter.after))}`);
  if (filter.due_before !== undefined) c.push(dueBefore(canonicalInstant(filter.due_before, 'due_before'), p));
  // Back-office API filters (migration 002_api: order_acks).
  if (filter.hide_delivered_by_marketplace_of?.length) {
    c.push(`NOT (delivered_by_marketplace = ${p.bool(true)} AND ${p.oneOf('account', filter.hide_delivered_by_marketplace_of)})`);
  }
  const acked = 'SELECT 1 FROM order_acks k WHERE k.order_id = orders.id AND k.acknowledged_version IS NOT NULL';
  if (filter.acknowledged !== undefined) c.push(`${filter.acknowledged ? '' : 'NOT '}EXISTS (${acked})`);
  if (filter.changed_since_ack !== undefined) c.push(`${filter.changed_since_ack ? '' : 'NOT '}EXISTS (${acked} AND orders.version > k.acknowledged_version)`);
  return c;
}

/**
 * Orders whose next step has a deadline before `instant`: acceptance (the acceptance deadline, or
 * the shipping deadline when the marketplace gives only that) while waiting for acceptance, shipping
 * while accepted or waiting for shipment. Deadlines are stored canonical (UTC, milliseconds, Z),
 * so text order is time order.
 */
function dueBefore(instant: string, p: Params): string {
  const acceptance = p.syntax.documentText('acceptance_deadline');
  const shipping = p.syntax.documentText('shipping_deadline');
  // One parameter per use: SQLite's `?` placeholders are positional.
  return `((status IN ('new', 'waiting_acceptance') AND COALESCE(${acceptance}, ${shipping}) < ${p.add(instant)})` +
    ` OR (status IN ('accepted', 'waiting_shipment') AND ${shipping} < ${p.add(instant)}))`;
}

export function eventConditions(filter: { after?: number; order_id?: string; account?: string | string[] }, p: Params): string[] {
  const c: string[] = [];
  if (filter.after !== undefined) {
    if (!Number.isSafeInteger(filter.after) || filter.after < 0) {
      throw new OrderwireError('STORE_ARGUMENT_INVALID', `after must be an event seq (a non-negative integer), got ${JSON.stringify(filter.after)}`, { field: 'after' });
    }
    c.push(`seq > ${p.add(filter.after)}`);
  }
  if (filter.order_id !== undefined) c.push(`order_id = ${p.add(filter.order_id)}`);
  if (filter.account !== undefined) c.push(p.oneOf('account', filter.account));
  return c;
}

export function actionConditions(filter: { state?: ActionState | ActionState[]; account?: string | string[]; marketplace_order_id?: string; after?: string }, p: Params): string[] {
  const c: string[] = [];
  if (filter.state !== undefined) c.push(p.oneOf('state', filter.state));
  if (filter.account !== undefined) c.push(p.oneOf('account', filter.account));
  if (filter.marketplace_order_id !== undefined) c.push(`marketplace_order_id = ${p.add(filter.marketplace_order_id)}`);
  if (filter.after !== undefined) c.push(`seq > ${p.add(decodePageCursor('actions', filter.after))}`);
  return c;
}

export function quarantineConditions(filter: Omit<QuarantineFilter, 'limit'>, p: Params): string[] {
  const c: string[] = [];
  if (filter.account !== undefined) c.push(p.oneOf('account', filter.account));
  if (filter.channel !== undefined) c.push(`channel = ${p.add(filter.channel)}`);
  if (filter.marketplace_order_id !== undefined) c.push(`marketplace_order_id = ${p.add(filter.marketplace_order_id)}`);
  if (filter.run !== undefined) c.push(`last_run = ${p.add(filter.run)}`);
  if (filter.after !== undefined) c.push(`id > ${p.add(decodeKeyCursor('quarantine', filter.after))}`);
  return c;
}
