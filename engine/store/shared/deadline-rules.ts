/**
 * What both drivers share for deadline alerts (`recordDeadlineAlerts`, migration 011): which
 * orders are due an `order.deadline_approaching` webhook, and the event's data. An order is due
 * one alert per deadline kind while the step the deadline limits is still ahead of it:
 * - acceptance: the order's `acceptance_deadline`, while it is new or waiting for acceptance;
 * - shipping: its `shipping_deadline`, while it is not yet shipped (new to waiting_shipment).
 * The marker row (deadline_alerts, primary key order and kind) is written in the same transaction
 * as the event: a restart or a second daemon never raises the same alert twice.
 */
import { OrderwireError } from '../../errors.ts';
import type { NormalizedStatus } from '../../channel/model.ts';
import type { DeadlineAlert, DeadlineKind, DeadlineLeads } from '../store.ts';
import { toIso } from './time.ts';
import type { Params } from './where.ts';

export const DEADLINE_KINDS: readonly DeadlineKind[] = ['acceptance', 'shipping'];

/** The statuses at which each deadline is still ahead of the order. */
export const DEADLINE_STATUSES: Readonly<Record<DeadlineKind, readonly NormalizedStatus[]>> = {
  acceptance: ['new', 'waiting_acceptance'],
  shipping: ['new', 'waiting_acceptance', 'accepted', 'waiting_shipment'],
};

/** Alerts recorded per call: bounded transactions, however many orders are due. */
export const DEADLINE_ALERT_BATCH = 200;

export function checkDeadlineArgs(now: Date, leads: DeadlineLeads, limit: number | undefined): { now: string; limit: number } {
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new OrderwireError('STORE_ARGUMENT_INVALID', 'now must be a valid Date', { field: 'now' });
  for (const kind of DEADLINE_KINDS) {
    const lead = leads?.[kind];
    if (!Number.isSafeInteger(lead) || lead < 0) {
      throw new OrderwireError('STORE_ARGUMENT_INVALID', `leads.${kind} must be a non-negative number of milliseconds`, { field: `leads.${kind}` });
    }
  }
  const n = limit ?? DEADLINE_ALERT_BATCH;
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new OrderwireError('STORE_ARGUMENT_INVALID', 'limit must be an integer from 1 to 10000', { field: 'limit' });
  return { now: now.toISOString(), limit: n };
}

/**
 * The orders due an alert of `kind` at `now`: the deadline falls before now + lead and no alert
 * of that kind was recorded for them. Earliest deadline first. Deadlines are stored canonical
 * (UTC, milliseconds, Z; shared/prepare-order.ts), so text order is time order.
 */
export function dueAlertsSql(kind: DeadlineKind, now: Date, leadMs: number, limit: number, p: Params): string {
  const deadline = p.syntax.documentText(`${kind}_deadline`);
  const statuses = p.oneOf('status', DEADLINE_STATUSES[kind]);
  const before = p.add(new Date(now.getTime() + leadMs).toISOString());
  const kindParam = p.add(kind);
  return `SELECT id, account, channel, marketplace_order_id, status, marketplace_status, ${deadline} AS deadline FROM orders
    WHERE ${statuses} AND ${deadline} < ${before}
      AND NOT EXISTS (SELECT 1 FROM deadline_alerts a WHERE a.order_id = orders.id AND a.kind = ${kindParam})
    ORDER BY ${deadline}, id LIMIT ${p.add(limit)}`;
}

/** The alert of a due row, and the data of its webhook event. */
export function alertOf(kind: DeadlineKind, row: Record<string, unknown>, now: string): DeadlineAlert {
  const deadline = toIso(row.deadline);
  return {
    order_id: String(row.id),
    account: String(row.account),
    channel: String(row.channel),
    marketplace_order_id: String(row.marketplace_order_id),
    kind,
    deadline,
    status: String(row.status) as DeadlineAlert['status'],
    marketplace_status: String(row.marketplace_status),
    overdue: Date.parse(deadline) <= Date.parse(now),
    at: now,
  };
}
