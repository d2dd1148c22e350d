/**
 * Mirakl's multiple shipments: ST01 (POST /api/shipments) creates shipments of some units of some
 * lines, each with its own tracking; ST11 (GET /api/shipments) lists them. As Mirakl documents,
 * ST01 answers 201 with `shipment_success` and `shipment_errors` side by side: one shipment's
 * error does not fail the others. A shipment needs the order in SHIPPING and at most the units a
 * line has left to ship (ordered, less cancelled, less already in shipments); once every open
 * line is shipped in full the order is SHIPPED.
 */
import { MiraklApiError, invalid } from './api-error.ts';
import { arr, bool, int, isObj, obj, str } from './body-check.ts';
import type { Obj } from './body-check.ts';
import { findCarrier } from './catalog.ts';
import type { ActionContext } from './actions.ts';
import { transition } from './actions.ts';
import type { OrderRecord } from './store.ts';
import { viewAt } from './timeline.ts';
import type { ShipmentRecord } from './timeline.ts';

/** ST01: "Limited to 1000 shipments at a time". */
export const MAX_SHIPMENTS_PER_CALL = 1000;
/** ST11 page size when the call gives no `limit`, and its ceiling. */
const ST11_DEFAULT_LIMIT = 10;
const ST11_MAX_LIMIT = 100;

class ShipmentError extends Error {}

/** Units of each line (1-based index) already in shipments of the order. */
export function shippedUnits(shipments: readonly ShipmentRecord[] | undefined, t = Infinity): Map<number, number> {
  const out = new Map<number, number>();
  for (const sh of shipments ?? []) {
    if (sh.createdAt > t) continue;
    for (const l of sh.lines) out.set(l.line, (out.get(l.line) ?? 0) + l.quantity);
  }
  return out;
}

const TRACKING_KEYS = ['carrier_code', 'carrier_name', 'carrier_standard_code', 'tracking_number', 'tracking_url'] as const;

function parseTracking(raw: unknown, path: string): ShipmentRecord['tracking'] {
  if (raw === undefined || raw === null) return undefined;
  const o = obj(raw, path);
  const out: NonNullable<ShipmentRecord['tracking']> = {};
  for (const key of TRACKING_KEYS) {
    const v = str(o, key, path, false);
    if (v !== undefined) out[key] = v;
  }
  if (out.carrier_code !== undefined && !findCarrier(out.carrier_code)) {
    throw new ShipmentError(`carrier_code '${out.carrier_code}' is not a registered carrier (GET /api/shipping/carriers); give carrier_name and tracking_url for another carrier`);
  }
  if (out.carrier_code !== undefined && out.tracking_number === undefined) throw new ShipmentError(`tracking_number is required with carrier_code '${out.carrier_code}'`);
  if (out.carrier_code === undefined && out.carrier_name === undefined) throw new ShipmentError('tracking needs carrier_code (a registered carrier) or carrier_name');
  if (out.tracking_url !== undefined && !/^https?:\/\/\S+$/.test(out.tracking_url)) throw new ShipmentError('tracking_url must be an http(s) URL');
  return out;
}

function createOne(ctx: ActionContext, raw: Obj, path: string): ShipmentRecord & { order: OrderRecord } {
  const orderId = str(raw, 'order_id', path) as string;
  const lines = arr(raw.shipment_lines, `${path}.shipment_lines`);
  const shipped = raw.shipped === undefined || raw.shipped === null ? false : bool(raw, 'shipped', path);
  const invoiceReference = str(raw, 'invoice_reference', path, false);
  const order = ctx.book.get(orderId, ctx.now);
  if (!order) throw new ShipmentError(`Order ${orderId} does not exist`);
  const view = viewAt(order.timeline, order.content, ctx.now);
  if (view.state !== 'SHIPPING') throw new ShipmentError(`The order status must be 'SHIPPING' but it is '${view.state}'.`);
  if (lines.length === 0) throw new ShipmentError('Shipment has no lines.');
  const tracking = parseTracking(raw.tracking, `${path}.tracking`);
  const already = shippedUnits(order.timeline.shipments);
  const asked = new Map<number, number>();
  const parsed = lines.map((item, k) => {
    const p = `${path}.shipment_lines[${k}]`;
    const o = obj(item, p);
    const lineId = str(o, 'order_line_id', p, false);
    const sku = str(o, 'offer_sku', p, false);
    const quantity = int(o, 'quantity', p) as number;
    const packageReference = str(o, 'package_reference', p, false);
    const lv = view.lines.find((l) => (lineId !== undefined ? `${order.id}-${l.content.index}` === lineId : l.content.offerSku === sku));
    if (!lv) throw new ShipmentError(`Order line ${lineId ?? `with offer_sku ${sku}`} does not belong to order ${orderId}.`);
    if (lv.state === 'REFUSED' || lv.state === 'CANCELED') throw new ShipmentError(`Order line ${order.id}-${lv.content.index} is ${lv.state}.`);
    const line = lv.content.index;
    const open = lv.content.quantity - lv.cancelations.reduce((sum, c) => sum + c.quantity, 0);
    const total = (already.get(line) ?? 0) + (asked.get(line) ?? 0) + quantity;
    if (quantity < 1 || total > open) throw new ShipmentError(`Shipment quantity is invalid.${quantity < 1 ? '' : ` Order line ${order.id}-${line} has ${open - (already.get(line) ?? 0) - (asked.get(line) ?? 0)} unit(s) left to ship, ${quantity} asked.`}`);
    asked.set(line, (asked.get(line) ?? 0) + quantity);
    return { line, quantity, ...(packageReference !== undefined && { packageReference }) };
  });
  const record: ShipmentRecord = { id: ctx.book.nextId(), createdAt: ctx.now, lines: parsed, ...(shipped && { shippedAt: ctx.now }), ...(tracking && { tracking }), ...(invoiceReference !== undefined && { invoiceReference }) };
  return { ...record, order };
}

/** ST01. Each shipment is checked and created on its own. */
export function createShipments(ctx: ActionContext, body: unknown): { shipment_errors: Obj[]; shipment_success: Obj[] } {
  const list = arr(obj(body, 'body').shipments, 'shipments');
  if (list.length === 0) throw invalid('shipments must not be empty');
  if (list.length > MAX_SHIPMENTS_PER_CALL) throw invalid(`shipments holds ${list.length} items; at most ${MAX_SHIPMENTS_PER_CALL} per call`);
  const errors: Obj[] = [];
  const success: Obj[] = [];
  list.forEach((raw, k) => {
    const path = `shipments[${k}]`;
    const orderId = isObj(raw) && typeof raw.order_id === 'string' ? raw.order_id : undefined;
    try {
      const { order, ...record } = createOne(ctx, obj(raw, path), path);
      const stored = ctx.book.store(order);
      (stored.timeline.shipments ??= []).push(record);
      const view = viewAt(stored.timeline, stored.content, ctx.now);
      const units = shippedUnits(stored.timeline.shipments);
      const open = view.lines.filter((l) => l.state !== 'REFUSED' && l.state !== 'CANCELED');
      const done = open.every((l) => (units.get(l.content.index) ?? 0) >= l.content.quantity - l.cancelations.reduce((sum, c) => sum + c.quantity, 0));
      if (done && record.shippedAt !== undefined) transition(ctx, stored, 'SHIPPED', 'ship');
      success.push(renderShipment(stored, record, ctx.now));
    } catch (err) {
      if (!(err instanceof ShipmentError) && !(err instanceof MiraklApiError)) throw err;
      errors.push({ message: err.message, ...(orderId !== undefined && { order_id: orderId }) });
    }
  });
  return { shipment_errors: errors, shipment_success: success };
}

export function renderShipment(order: OrderRecord, sh: ShipmentRecord, now: number): Obj {
  const iso = (ms: number) => new Date(ms).toISOString();
  const offerSku = (line: number) => order.content.lines.find((l) => l.index === line)?.offerSku;
  const view = viewAt(order.timeline, order.content, now);
  return {
    created_date: iso(sh.createdAt),
    id: sh.id,
    invoice_reference: sh.invoiceReference ?? null,
    last_updated_date: null,
    order_id: order.id,
    shipment_lines: sh.lines.map((l) => ({ offer_sku: offerSku(l.line), order_line_id: `${order.id}-${l.line}`, quantity: l.quantity, ...(l.packageReference !== undefined && { package_reference: l.packageReference }) })),
    shipped_date: sh.shippedAt === undefined ? null : iso(sh.shippedAt),
    status: sh.shippedAt === undefined ? 'SHIPPING' : view.state === 'CLOSED' || view.state === 'RECEIVED' ? view.state : 'SHIPPED',
    status_customer_debit: 'DEBIT_OK',
    tracking: sh.tracking ?? null,
  };
}

/**
 * ST11: shipments of the orders named by `order_id` (repeated, or comma-separated), oldest
 * first, in pages of `limit` with seek paging (`page_token` from `next_page_token`).
 */
export function listShipments(ctx: ActionContext, query: Record<string, unknown>): { data: Obj[]; next_page_token: string | null; previous_page_token: null } {
  const ids = ([] as unknown[]).concat(query.order_id ?? []).flatMap((v) => String(v).split(',')).map((v) => v.trim()).filter((v) => v !== '');
  const limitRaw = query.limit === undefined ? ST11_DEFAULT_LIMIT : Number(query.limit);
  if (!Number.isInteger(limitRaw) || limitRaw < 1 || limitRaw > ST11_MAX_LIMIT) throw invalid(`limit must be an integer from 1 to ${ST11_MAX_LIMIT}`);
  const from = query.page_token === undefined ? 0 : Number(Buffer.from(String(query.page_token), 'base64url').toString('utf8'));
  if (!Number.isInteger(from) || from < 0) throw invalid('page_token is not a token this API gave');
  const all: Obj[] = [];
  for (const id of ids) {
    const order = ctx.book.get(id, ctx.now);
    for (const sh of order?.timeline.shipments ?? []) if (sh.createdAt <= ctx.now) all.push(renderShipment(order as OrderRecord, sh, ctx.now));
  }
  all.sort((a, b) => String(a.created_date).localeCompare(String(b.created_date)));
  const page = all.slice(from, from + limitRaw);
  const next = from + limitRaw < all.length ? Buffer.from(String(from + limitRaw), 'utf8').toString('base64url') : null;
  return { data: page, next_page_token: next, previous_page_token: null };
}
