/**
 * The seller actions with Mirakl's preconditions: OR21 accept/refuse, OR07 shipping origin,
 * OR23 tracking, OR24 ship, OR28 refund, OR29 cancel, OR30 cancel lines. Each validates the
 * whole request before changing anything, then stores the order and schedules what the
 * marketplace does next on its clock.
 */
import countries from 'i18n-iso-countries';
import { MiraklApiError, badRequest, invalid, invalidState, orderNotFound } from './api-error.ts';
import { arr, bool, cents, int, obj, str, taxList } from './body-check.ts';
import type { Obj } from './body-check.ts';
import type { OrderState, ReasonType } from './catalog.ts';
import { followUps } from './lifecycle.ts';
import type { StepKind } from './lifecycle.ts';
import { money } from './render.ts';
import { InstanceLists } from './reference-lists.ts';
import type { OrderBook, OrderRecord } from './store.ts';
import { replaceFuture, taxCode, viewAt } from './timeline.ts';
import type { OrderView, ShippingFrom, Step, TaxAmount } from './timeline.ts';

export interface ActionContext {
  book: OrderBook;
  now: number;
  /** The instance's carriers (SH21) and reasons (RE01); default: the simulator's default lists. */
  lists?: InstanceLists;
}

const DEFAULT_LISTS = new InstanceLists();

function findOrder(ctx: ActionContext, orderId: string): OrderRecord {
  const order = ctx.book.get(orderId, ctx.now);
  if (!order) throw orderNotFound(orderId);
  return order;
}

/** Moves the order to `state` now and schedules the marketplace's follow-ups. */
export function transition(ctx: ActionContext, order: OrderRecord, state: OrderState, kind: StepKind, decisions?: boolean[]): void {
  ctx.book.store(order);
  const step: Step = { at: ctx.now, state, kind };
  if (decisions) step.decisions = decisions;
  const next = followUps(state, 0, order.profile.profile, ctx.book.acceptanceDeadline).map((s) => ({ at: ctx.now + s.off, state: s.state, kind: s.kind }));
  replaceFuture(order.timeline, ctx.now, [step, ...next]);
}

/** OR21. */
export function accept(ctx: ActionContext, orderId: string, body: unknown): void {
  const lines = arr(obj(body, 'body').order_lines, 'order_lines');
  const decided = new Map<string, boolean>();
  const items = lines.map((item, k) => {
    if (item === null) throw badRequest('ORDER_LINE_NULL_ELEMENT', `order_lines[${k}] is null`);
    const o = obj(item, `order_lines[${k}]`);
    return { id: str(o, 'id', `order_lines[${k}]`) as string, accepted: bool(o, 'accepted', `order_lines[${k}]`) };
  });
  const order = findOrder(ctx, orderId);
  const view = viewAt(order.timeline, order.content, ctx.now);
  if (view.state !== 'WAITING_ACCEPTANCE') throw invalidState(orderId, view.state, 'WAITING_ACCEPTANCE');
  const lineIds = order.content.lines.map((l) => `${order.id}-${l.index}`);
  for (const { id, accepted } of items) {
    if (decided.has(id)) throw badRequest('ORDER_LINE_DUPLICATE_ID', `Order line ${id} appears more than once`);
    if (!lineIds.includes(id)) throw badRequest('ORDER_LINE_NOT_FOUND', `Order line ${id} does not belong to order ${orderId}`);
    decided.set(id, accepted);
  }
  const missing = lineIds.filter((id) => !decided.has(id));
  if (missing.length > 0) throw badRequest('ORDER_LINE_ACCEPTANCE_DECISION_MISSING', `No decision for order line(s) ${missing.join(', ')}: every line must be accepted or refused`);
  const decisions = lineIds.map((id) => decided.get(id) as boolean);
  if (decisions.some(Boolean)) transition(ctx, order, 'WAITING_DEBIT', 'accept', decisions);
  else transition(ctx, order, 'REFUSED', 'refuse', decisions);
}

const SHIPPING_FROM_EDITABLE: ReadonlySet<OrderState> = new Set(['STAGING', 'WAITING_ACCEPTANCE']);
export const MAX_LINES_PER_CALL = 100;

/** OR07: 200 with per-line results; only a malformed or oversized request fails as a whole. */
export function updateShippingFrom(ctx: ActionContext, body: unknown): { order_lines: Obj[] } {
  const lines = arr(obj(body, 'body').order_lines, 'order_lines');
  if (lines.length > MAX_LINES_PER_CALL) throw new MiraklApiError(400, undefined, `Too many order lines specified: ${lines.length} (at most ${MAX_LINES_PER_CALL})`);
  const parsed = lines.map((item, k) => {
    const p = `order_lines[${k}]`;
    const o = obj(item, p);
    const id = str(o, 'id', p) as string;
    const sf = obj(o.shipping_from, `${p}.shipping_from`);
    const address = sf.address === undefined ? undefined : obj(sf.address, `${p}.shipping_from.address`);
    const warehouse = sf.warehouse === undefined ? undefined : obj(sf.warehouse, `${p}.shipping_from.warehouse`);
    if (address) {
      str(address, 'country_iso_code', `${p}.shipping_from.address`);
      for (const key of ['city', 'state', 'street_1', 'street_2', 'zip_code']) str(address, key, `${p}.shipping_from.address`, false);
    }
    if (warehouse) str(warehouse, 'code', `${p}.shipping_from.warehouse`, false);
    return { id, address, warehouse };
  });
  const results: Obj[] = [];
  for (const { id, address, warehouse } of parsed) {
    const found = ctx.book.getLine(id, ctx.now);
    const error = (code: string, field: string, message: string) => results.push({ id, errors: [{ code, field, message }] });
    if (!found) {
      error('04.not-found', 'id', `order line ${id} does not exist`);
      continue;
    }
    if (!address && !warehouse) {
      error('01.required', 'shipping_from', 'shipping_from needs an address or a warehouse');
      continue;
    }
    const state = viewAt(found.order.timeline, found.order.content, ctx.now).state;
    if (!SHIPPING_FROM_EDITABLE.has(state)) {
      error('05.read-only', address ? 'shipping_from.address' : 'shipping_from.warehouse', 'cannot update shipping_from data once the customer debit workflow has started');
      continue;
    }
    const country = address?.country_iso_code as string | undefined;
    if (country !== undefined && (country.length !== 3 || !countries.isValid(country))) {
      error('02.invalid-value', 'shipping_from.address.country_iso_code', `${country} is not an ISO 3166-1 alpha-3 country code`);
      continue;
    }
    const record: ShippingFrom = { at: ctx.now };
    if (address) {
      const picked: Record<string, string> = {};
      for (const key of ['city', 'country_iso_code', 'state', 'street_1', 'street_2', 'zip_code']) if (typeof address[key] === 'string') picked[key] = address[key];
      record.address = picked as NonNullable<ShippingFrom['address']>;
    }
    if (warehouse) record.warehouse = { code: (warehouse.code as string | undefined) ?? 'DEFAULT' };
    ctx.book.store(found.order).timeline.shippingFrom[found.line] = record;
    const updated: Obj = {};
    if (record.address) updated.address = record.address;
    if (record.warehouse) updated.warehouse = record.warehouse;
    results.push({ id, updated });
  }
  return { order_lines: results };
}

/** OR23. */
export function updateTracking(ctx: ActionContext, orderId: string, body: unknown): void {
  const o = obj(body, 'body');
  const carrierCode = str(o, 'carrier_code', 'body', false);
  const carrierName = str(o, 'carrier_name', 'body', false);
  const carrierUrl = str(o, 'carrier_url', 'body', false);
  const trackingNumber = str(o, 'tracking_number', 'body', false);
  str(o, 'carrier_standard_code', 'body', false);
  const registered = carrierCode !== undefined ? (ctx.lists ?? DEFAULT_LISTS).findCarrier(carrierCode) : undefined;
  if (carrierCode !== undefined) {
    if (!registered) {
      throw invalid(`carrier_code '${carrierCode}' is not a registered carrier (GET /api/shipping/carriers); give carrier_name and carrier_url for another carrier`);
    }
    if (trackingNumber === undefined) throw invalid(`tracking_number is required with carrier_code '${carrierCode}': its tracking URL needs it`);
  } else if (carrierName === undefined) {
    throw invalid('carrier_code (a registered carrier) or carrier_name (any other carrier) is required');
  }
  if (carrierUrl !== undefined && !/^https?:\/\/\S+$/.test(carrierUrl)) throw invalid('carrier_url must be an http(s) URL');
  const order = findOrder(ctx, orderId);
  const state = viewAt(order.timeline, order.content, ctx.now).state;
  if (state !== 'SHIPPING' && state !== 'SHIPPED') throw invalidState(orderId, state, 'SHIPPING or SHIPPED');
  // A registered carrier is kept with its label and URL template: the instance may withdraw it later.
  const tracking = {
    at: ctx.now,
    ...(registered ? { carrierCode: registered.code, carrierLabel: registered.label, carrierStandardCode: registered.standard_code, carrierUrlTemplate: registered.tracking_url } : { carrierName, carrierUrl }),
    trackingNumber,
  };
  for (const key of Object.keys(tracking) as (keyof typeof tracking)[]) if (tracking[key] === undefined) delete tracking[key];
  ctx.book.store(order).timeline.tracking = tracking;
}

/** OR24: any body (none, null, {}) is ignored. */
export function ship(ctx: ActionContext, orderId: string): void {
  const order = findOrder(ctx, orderId);
  const state = viewAt(order.timeline, order.content, ctx.now).state;
  if (state !== 'SHIPPING') throw invalidState(orderId, state, 'SHIPPING');
  transition(ctx, order, 'SHIPPED', 'ship');
}

interface MoneyRequest {
  path: string;
  order: OrderRecord;
  view: OrderView;
  line: number;
  amount: number;
  shippingAmount: number;
  quantity: number | undefined;
  reasonCode: string;
  taxes: TaxAmount[];
  shippingTaxes: TaxAmount[];
}

/** Parses and checks OR28 refunds / OR30 cancelations; amounts accumulate per line within the call. */
function moneyRequests(ctx: ActionContext, body: unknown, listKey: 'refunds' | 'cancelations', reasonType: ReasonType): { items: MoneyRequest[]; taxMode?: string } {
  const o = obj(body, 'body');
  const taxMode = str(o, 'order_tax_mode', 'body', false);
  if (taxMode !== undefined && taxMode !== 'TAX_INCLUDED' && taxMode !== 'TAX_EXCLUDED') throw invalid('order_tax_mode must be TAX_INCLUDED or TAX_EXCLUDED');
  const list = arr(o[listKey], listKey);
  if (list.length === 0) throw invalid(`${listKey} must not be empty`);
  if (list.length > MAX_LINES_PER_CALL) throw invalid(`${listKey} holds ${list.length} items; at most ${MAX_LINES_PER_CALL} per call`);
  const views = new Map<string, OrderView>();
  // A generated order is rebuilt on every read until it is stored: every item of the call must
  // act on the one record, or each line's refund would land on a copy and only the last be kept.
  const records = new Map<string, OrderRecord>();
  const used = new Map<string, { amount: number; shipping: number; quantity: number }>();
  const items = list.map((raw, k): MoneyRequest => {
    const path = `${listKey}[${k}]`;
    const item = obj(raw, path);
    const lineId = str(item, 'order_line_id', path) as string;
    const amount = cents(item, 'amount', path) as number;
    const shippingAmount = cents(item, 'shipping_amount', path) as number;
    const quantity = int(item, 'quantity', path, listKey === 'cancelations');
    const reasonCode = str(item, 'reason_code', path) as string;
    const taxes = taxList(item, 'taxes', path);
    const shippingTaxes = taxList(item, 'shipping_taxes', path);
    taxList(item, 'fees', path);
    const currency = str(item, 'currency_iso_code', path, false);
    if (currency !== undefined && currency !== 'EUR') throw invalid(`${path}.currency_iso_code must be EUR, the order's currency`);
    const reason = (ctx.lists ?? DEFAULT_LISTS).findReason(reasonCode);
    if (!reason || reason.type !== reasonType) throw invalid(`${path}.reason_code '${reasonCode}' is not a reason of type ${reasonType} (GET /api/reasons)`);
    const found = ctx.book.getLine(lineId, ctx.now);
    if (!found) throw badRequest('ORDER_LINE_NOT_FOUND', `${path}.order_line_id: order line ${lineId} does not exist`);
    const order = records.get(found.order.id) ?? found.order;
    records.set(order.id, order);
    const { line } = found;
    const view = views.get(order.id) ?? viewAt(order.timeline, order.content, ctx.now);
    views.set(order.id, view);
    const lv = view.lines.find((l) => l.content.index === line);
    if (!lv) throw badRequest('ORDER_LINE_NOT_FOUND', `${path}.order_line_id: order line ${lineId} does not exist`);
    const rate = lv.content.taxRate;
    if (order.content.taxes && (taxes === undefined || shippingTaxes === undefined)) {
      throw invalid(`${path}: taxes and shipping_taxes are required because order ${order.id} has taxes`);
    }
    if (amount + shippingAmount <= 0) throw invalid(`${path}: amount and shipping_amount cannot both be 0`);
    const sofar = used.get(lineId) ?? { amount: 0, shipping: 0, quantity: 0 };
    if (sofar.amount + amount > lv.remainingAmount) throw invalid(`${path}.amount ${money(amount)} exceeds what is left on line ${lineId} (${money(lv.remainingAmount - sofar.amount)})`);
    if (sofar.shipping + shippingAmount > lv.remainingShipping) {
      throw invalid(`${path}.shipping_amount ${money(shippingAmount)} exceeds the shipping left on line ${lineId} (${money(lv.remainingShipping - sofar.shipping)})`);
    }
    if (quantity !== undefined && sofar.quantity + quantity > lv.remainingQuantity) throw invalid(`${path}.quantity ${quantity} exceeds the quantity left on line ${lineId} (${lv.remainingQuantity - sofar.quantity})`);
    used.set(lineId, { amount: sofar.amount + amount, shipping: sofar.shipping + shippingAmount, quantity: sofar.quantity + (quantity ?? 0) });
    const withRate = (list?: { code?: string; amount: number }[]) => (list ?? []).map((t) => ({ code: t.code ?? taxCode(rate), amount: t.amount, rate }));
    return { path, order, view, line, amount, shippingAmount, quantity, reasonCode, taxes: withRate(taxes), shippingTaxes: withRate(shippingTaxes) };
  });
  return taxMode === undefined ? { items } : { items, taxMode };
}

const REFUNDABLE: ReadonlySet<OrderState> = new Set(['SHIPPED', 'TO_COLLECT', 'RECEIVED']);

/** OR28. */
export function refund(ctx: ActionContext, body: unknown): { order_tax_mode: string; refunds: Obj[] } {
  const { items } = moneyRequests(ctx, body, 'refunds', 'REFUND');
  for (const it of items) {
    const lv = it.view.lines.find((l) => l.content.index === it.line);
    if (!REFUNDABLE.has(it.view.state) || !lv?.canRefund) {
      throw badRequest('ORDER_LINE_INVALID_STATE', `${it.path}: order line ${it.order.id}-${it.line} cannot be refunded in state ${lv?.state ?? it.view.state} (needs SHIPPED, TO_COLLECT or RECEIVED)`);
    }
  }
  const groups = new Map<string, string>();
  const out: Obj[] = [];
  for (const it of items) {
    const order = ctx.book.store(it.order);
    const groupId = groups.get(order.id) ?? `${order.id}-R${ctx.book.nextId()}`;
    groups.set(order.id, groupId);
    const lv = it.view.lines.find((l) => l.content.index === it.line);
    const quantity = it.quantity ?? (lv && it.amount === lv.remainingAmount ? lv.remainingQuantity : 0);
    const d = order.profile.profile.delays;
    const id = ctx.book.nextId();
    order.timeline.refunds.push({
      id,
      orderRefundId: groupId,
      line: it.line,
      amount: it.amount,
      shippingAmount: it.shippingAmount,
      quantity,
      reasonCode: it.reasonCode,
      taxes: it.taxes,
      shippingTaxes: it.shippingTaxes,
      createdAt: ctx.now,
      paymentAt: ctx.now + d.refundPayment,
      refundedAt: ctx.now + d.refundPayment + d.refundDone,
    });
    out.push({
      amount: money(it.amount),
      currency_iso_code: 'EUR',
      order_line_id: `${order.id}-${it.line}`,
      order_refund_id: groupId,
      quantity,
      reason_code: it.reasonCode,
      refund_id: id,
      shipping_amount: money(it.shippingAmount),
      shipping_taxes: it.shippingTaxes.map((t) => ({ amount: money(t.amount), code: t.code, rate: t.rate })),
      taxes: it.taxes.map((t) => ({ amount: money(t.amount), code: t.code, rate: t.rate })),
    });
  }
  return { order_tax_mode: 'TAX_INCLUDED', refunds: out };
}

/** OR29: cancels every open line with what is left on it. */
export function cancelOrder(ctx: ActionContext, orderId: string): void {
  const order = findOrder(ctx, orderId);
  const view = viewAt(order.timeline, order.content, ctx.now);
  if (!view.canCancel) throw invalidState(orderId, view.state, 'WAITING_DEBIT, WAITING_DEBIT_PAYMENT or SHIPPING (can_cancel true)');
  ctx.book.store(order);
  for (const lv of view.lines) {
    if (lv.state === 'REFUSED' || lv.state === 'CANCELED' || lv.remainingQuantity === 0) continue;
    const rate = lv.content.taxRate;
    order.timeline.cancelations.push({
      id: ctx.book.nextId(),
      line: lv.content.index,
      amount: lv.remainingAmount,
      shippingAmount: lv.remainingShipping,
      quantity: lv.remainingQuantity,
      reasonCode: '',
      taxes: rate > 0 ? [{ code: taxCode(rate), amount: Math.round((lv.remainingAmount * rate) / (100 + rate)), rate }] : [],
      shippingTaxes: rate > 0 ? [{ code: taxCode(rate), amount: Math.round((lv.remainingShipping * rate) / (100 + rate)), rate }] : [],
      createdAt: ctx.now,
    });
  }
  transition(ctx, order, 'CANCELED', 'cancel');
}

/** OR30: cancels quantities of lines; an order whose lines are all cancelled or refused becomes CANCELED. */
export function cancelLines(ctx: ActionContext, body: unknown): { order_tax_mode: string; cancelations: Obj[] } {
  const { items } = moneyRequests(ctx, body, 'cancelations', 'CANCELATION');
  for (const it of items) {
    if (!it.view.canCancel) throw invalidState(it.order.id, it.view.state, 'WAITING_DEBIT, WAITING_DEBIT_PAYMENT or SHIPPING (can_cancel true)');
    const lv = it.view.lines.find((l) => l.content.index === it.line);
    if (lv?.state === 'REFUSED' || lv?.state === 'CANCELED') throw badRequest('ORDER_LINE_INVALID_STATE', `${it.path}: order line ${it.order.id}-${it.line} is ${lv.state}`);
  }
  const out: Obj[] = [];
  const touched = new Set<OrderRecord>();
  for (const it of items) {
    const order = ctx.book.store(it.order);
    touched.add(order);
    const id = ctx.book.nextId();
    order.timeline.cancelations.push({
      id,
      line: it.line,
      amount: it.amount,
      shippingAmount: it.shippingAmount,
      quantity: it.quantity ?? 0,
      reasonCode: it.reasonCode,
      taxes: it.taxes,
      shippingTaxes: it.shippingTaxes,
      createdAt: ctx.now,
    });
    out.push({
      amount: money(it.amount),
      cancelation_id: id,
      currency_iso_code: 'EUR',
      order_line_id: `${order.id}-${it.line}`,
      quantity: it.quantity ?? 0,
      reason_code: it.reasonCode,
      shipping_amount: money(it.shippingAmount),
      shipping_taxes: it.shippingTaxes.map((t) => ({ amount: money(t.amount), code: t.code, rate: t.rate })),
      taxes: it.taxes.map((t) => ({ amount: money(t.amount), code: t.code, rate: t.rate })),
    });
  }
  for (const order of touched) {
    const view = viewAt(order.timeline, order.content, ctx.now);
    if (view.lines.every((l) => l.state === 'CANCELED' || l.state === 'REFUSED')) transition(ctx, order, 'CANCELED', 'cancel');
  }
  return { order_tax_mode: 'TAX_INCLUDED', cancelations: out };
}

