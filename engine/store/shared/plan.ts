/**
 * The upsert decision, shared by both stores: compares a page of prepared orders with what is
 * stored and says what to write and which events to record. Pure, so both SQL implementations
 * apply exactly the same rules:
 * - unknown order: insert, `order.created`;
 * - same content (hash): unchanged, whatever the updated_at;
 * - older updated_at than stored: stale, ignored (an older version never overwrites a newer one);
 * - otherwise: update, version + 1, and `order.status_changed` when the order's normalized or
 *   marketplace status changed, one `line.status_changed` per line whose status changed (a new
 *   line has no from_status), `order.refunded` / `order.lines_canceled` when lines gained refunds
 *   or cancelations (with what each line gained), `order.shipment_added` when lines gained units in
 *   parcels (with the units each gained), `order.updated` when none of these.
 */
import type { EventLineAmounts, OrderEvent, UpsertResult } from '../store.ts';
import type { LineMoney, LineStatuses, PreparedOrder } from './prepare-order.ts';
import type { OrderStatus } from '../../order/model.ts';
import { redactPersonalDataTexts } from '../../order/personal-data.ts';

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
  /** Its personal data were redacted (retention or erasure): later versions are stored redacted too. */
  redacted?: boolean;
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
  /** Keys of the orders ignored as older than what is stored. */
  staleKeys: Set<string>;
}

export function planUpsert(page: readonly PreparedOrder[], stored: ReadonlyMap<string, ExistingOrder>, now: string, newId: () => string): UpsertPlan {
  const current = new Map(stored);
  const byKey = new Map<string, PlannedWrite>();
  const result: UpsertResult = { inserted: 0, updated: 0, unchanged: 0, stale: 0, events: 0 };
  const staleKeys = new Set<string>();
  for (let order of page) {
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
      staleKeys.add(order.key);
      continue;
    } else {
      // Redacted content is stored, the hash of what the marketplace sent is kept: the same order
      // polled again stays unchanged, a changed one is stored redacted again.
      if (before.redacted) order = withoutPersonalData(order);
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
      ...(before?.redacted && { redacted: true }),
    });
  }
  return { writes: [...byKey.values()], result, staleKeys };
}

function withoutPersonalData(order: PreparedOrder): PreparedOrder {
  return order.withTexts(redactPersonalDataTexts(order.document, order.raw));
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
  for (const [kind, type] of [['r', 'order.refunded'], ['c', 'order.lines_canceled']] as const) {
    const lines = gained(before.lines, order.lines, kind);
    if (lines.length > 0) events.push(event(order, before.id, type, now, { to_status: order.status, to_marketplace_status: order.marketplace_status, details: { lines } }));
  }
  // Units in new parcels. An order stored shipped before orderwire read parcels (no units
  // recorded on any line) does not announce its old parcels when they first read back.
  const shipped = gained(before.lines, order.lines, 's');
  const knewParcels = Object.values(before.lines).some((l) => l[2]?.s !== undefined) || before.status === 'waiting_shipment' || before.status === 'accepted';
  if (shipped.length > 0 && knewParcels) {
    events.push(event(order, before.id, 'order.shipment_added', now, { to_status: order.status, to_marketplace_status: order.marketplace_status, details: { lines: shipped.map(({ line_id, quantity }) => ({ line_id, quantity })) } }));
  }
  if (events.length === 0) events.push(event(order, before.id, 'order.updated', now, {}));
  return events;
}

const ZERO: [number, number, number] = [0, 0, 0];
const round = (n: number): number => Math.round(n * 1e6) / 1e6;

/** Per line, what its refunds (or cancelations) gained since the stored version. */
function gained(before: LineStatuses, after: LineStatuses, kind: keyof LineMoney): EventLineAmounts[] {
  const out: EventLineAmounts[] = [];
  for (const [lineId, entry] of Object.entries(after)) {
    const now = entry[2]?.[kind];
    if (!now) continue;
    const was = (Object.hasOwn(before, lineId) ? before[lineId]![2]?.[kind] : undefined) ?? ZERO;
    const quantity = now[0] - was[0];
    const amount = round(now[1] - was[1]);
    const shipping = round(now[2] - was[2]);
    if (quantity > 0 || amount > 0 || shipping > 0) out.push({ line_id: lineId, quantity, amount, shipping_amount: shipping });
  }
  return out;
}

function event(order: PreparedOrder, orderId: string, type: OrderEvent['type'], at: string, fields: Partial<PlannedEvent>): PlannedEvent {
  return { order_id: orderId, account: order.account, channel: order.channel, marketplace_order_id: order.marketplace_order_id, type, ...fields, at };
}
