/**
 * The upsert decision, shared by both stores: compares a page of prepared orders with what is
 * stored and says what to write and which events to record. Pure, so both SQL implementations
 * apply exactly the same rules:
 * - unknown order: insert, `order.created`;
 * - same content (hash): unchanged, whatever the updated_at;
 * - older updated_at than stored: stale, ignored (an older version never overwrites a newer one);
 * - otherwise: update, version + 1, and `order.status_changed` when the order's normalized or
 *   marketplace status changed, one `line.status_changed` per line whose status changed (a new
 *   line has no from_status), `order.updated` when neither.
 */
import type { OrderEvent, UpsertResult } from '../store.ts';
import type { LineStatuses, PreparedOrder } from './prepare-order.ts';
import type { OrderStatus } from '../../order/model.ts';

export interface ExistingOrder {
  id: string;
  key: string;
  updatedMs: number;
  hash: string;
  status: OrderStatus;
  marketplace_status: string;
  lines: LineStatuses;
  version: number;
  first_seen_at: string;
}

export type PlannedEvent = Omit<OrderEvent, 'seq'>;

export interface PlannedWrite {
  /** insert: the row does not exist yet; update: it does (by id). One write per order per page. */
  kind: 'insert' | 'update';
  id: string;
  order: PreparedOrder;
  version: number;
  first_seen_at: string;
  events: PlannedEvent[];
}

export interface UpsertPlan {
  writes: PlannedWrite[];
  result: UpsertResult;
}

export function planUpsert(page: readonly PreparedOrder[], stored: ReadonlyMap<string, ExistingOrder>, now: string, newId: () => string): UpsertPlan {
  const current = new Map(stored);
  const byKey = new Map<string, PlannedWrite>();
  const result: UpsertResult = { inserted: 0, updated: 0, unchanged: 0, stale: 0, events: 0 };
  for (const order of page) {
    const before = current.get(order.key);
    let events: PlannedEvent[];
    let write = byKey.get(order.key);
    if (!before) {
      const id = newId();
      events = [event(order, id, 'order.created', now, { to_status: order.status, to_marketplace_status: order.marketplace_status })];
      write = { kind: 'insert', id, order, version: 1, first_seen_at: now, events };
      byKey.set(order.key, write);
      result.inserted++;
    } else if (before.hash === order.hash) {
      result.unchanged++;
      continue;
    } else if (order.updatedMs < before.updatedMs) {
      result.stale++;
      continue;
    } else {
      events = changeEvents(before, order, now);
      if (write) {
        // The same order twice in one page: fold into one write so each row is written once.
        write.order = order;
        write.version++;
        write.events.push(...events);
      } else {
        write = { kind: 'update', id: before.id, order, version: before.version + 1, first_seen_at: before.first_seen_at, events };
        byKey.set(order.key, write);
      }
      result.updated++;
    }
    result.events += events.length;
    current.set(order.key, {
      id: write.id,
      key: order.key,
      updatedMs: order.updatedMs,
      hash: order.hash,
      status: order.status,
      marketplace_status: order.marketplace_status,
      lines: order.lines,
      version: write.version,
      first_seen_at: write.first_seen_at,
    });
  }
  return { writes: [...byKey.values()], result };
}

function changeEvents(before: ExistingOrder, order: PreparedOrder, now: string): PlannedEvent[] {
  const events: PlannedEvent[] = [];
  if (before.status !== order.status || before.marketplace_status !== order.marketplace_status) {
    events.push(event(order, before.id, 'order.status_changed', now, {
      from_status: before.status,
      to_status: order.status,
      from_marketplace_status: before.marketplace_status,
      to_marketplace_status: order.marketplace_status,
    }));
  }
  for (const [lineId, [status, marketplaceStatus]] of Object.entries(order.lines)) {
    const previous = Object.hasOwn(before.lines, lineId) ? before.lines[lineId] : undefined;
    if (previous && previous[0] === status && previous[1] === marketplaceStatus) continue;
    events.push(event(order, before.id, 'line.status_changed', now, {
      line_id: lineId,
      ...(previous && { from_status: previous[0], from_marketplace_status: previous[1] }),
      to_status: status,
      to_marketplace_status: marketplaceStatus,
    }));
  }
  if (events.length === 0) events.push(event(order, before.id, 'order.updated', now, {}));
  return events;
}

function event(order: PreparedOrder, orderId: string, type: OrderEvent['type'], at: string, fields: Partial<PlannedEvent>): PlannedEvent {
  return { order_id: orderId, account: order.account, channel: order.channel, marketplace_order_id: order.marketplace_order_id, type, ...fields, at };
}
