/**
 * Orders as Mirakl's OR11 (and the deprecated OR12) return them. Every field the seller OpenAPI
 * marks required is present; optional fields appear only when they have a value (the schema
 * has no nullable fields). Dates carry the fault layer's clock skew.
 */
import { COUNTRIES, findCarrier, trackingUrl } from './catalog.ts';
import type { Address, LineContent, OrderContent } from './content.ts';
import { includedTax, lineCommission, linePrice } from './content.ts';
import { DAY } from './lifecycle.ts';
import type { OrderRecord } from './store.ts';
import { refundStateAt, taxCode, viewAt } from './timeline.ts';
import type { CancelationRecord, LineView, OrderView, RefundRecord, TaxAmount } from './timeline.ts';

type Json = Record<string, unknown>;

export const money = (cents: number): number => Math.round(cents) / 100;

export interface RenderContext {
  now: number;
  /** Added to every date shown (fault "skew"). */
  skewMs: number;
  /** Whether an order has a customer invoice (OR74); none when absent. */
  hasInvoice?: (orderId: string) => boolean;
}

function date(ctx: RenderContext, t: number): string {
  return new Date(t + ctx.skewMs).toISOString();
}

function address(a: Address, extra: Json = {}): Json {
  const out: Json = { ...a, ...extra };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}

function taxes(list: readonly TaxAmount[], withRule = true): Json[] {
  return list.map((t) => ({ amount: money(t.amount), code: t.code, rate: t.rate, ...(withRule ? { tax_calculation_rule: 'PROPORTIONAL_TO_AMOUNT' } : {}) }));
}

function commissionOf(line: LineContent, amount: number, shipping: number): number {
  const base = linePrice(line) + line.shipping;
  return base > 0 ? Math.round((lineCommission(line) * (amount + shipping)) / base) : 0;
}

function refundJson(ctx: RenderContext, line: LineContent, vat: number, r: RefundRecord): Json {
  const commission = commissionOf(line, r.amount, r.shippingAmount);
  const commissionTax = Math.round((commission * vat) / 100);
  const state = refundStateAt(r, ctx.now);
  return {
    amount: money(r.amount),
    commission_amount: money(commission),
    commission_tax_amount: money(commissionTax),
    commission_taxes: [{ amount: money(commissionTax), code: taxCode(vat) }],
    commission_total_amount: money(commission + commissionTax),
    created_date: date(ctx, r.createdAt),
    id: r.id,
    order_refund_id: r.orderRefundId,
    quantity: r.quantity,
    reason_code: r.reasonCode,
    refund_state: state,
    shipping_amount: money(r.shippingAmount),
    shipping_taxes: taxes(r.shippingTaxes, false),
    state,
    taxes: taxes(r.taxes, false),
    ...(state === 'REFUNDED' ? { transaction_date: date(ctx, r.refundedAt), transaction_number: `TR-${r.id}` } : {}),
  };
}

function cancelationJson(ctx: RenderContext, line: LineContent, vat: number, c: CancelationRecord): Json {
  const commission = commissionOf(line, c.amount, c.shippingAmount);
  const commissionTax = Math.round((commission * vat) / 100);
  return {
    amount: money(c.amount),
    commission_amount: money(commission),
    commission_taxes: [{ amount: money(commissionTax), code: taxCode(vat) }],
    commission_total_amount: money(commission + commissionTax),
    created_date: date(ctx, c.createdAt),
    id: c.id,
    quantity: c.quantity,
    ...(c.reasonCode !== '' ? { reason_code: c.reasonCode } : {}),
    shipping_amount: money(c.shippingAmount),
    shipping_taxes: taxes(c.shippingTaxes, false),
    taxes: taxes(c.taxes, false),
  };
}

function lineJson(ctx: RenderContext, order: OrderRecord, view: OrderView, lv: LineView): Json {
  const line = lv.content;
  const vat = COUNTRIES[order.content.country].vatRate;
  const price = linePrice(line);
  const commission = lineCommission(line);
  const commissionVat = Math.round((commission * vat) / 100);
  const out: Json = {
    can_refund: lv.canRefund,
    cancelations: lv.cancelations.map((c) => cancelationJson(ctx, line, vat, c)),
    category_code: line.categoryCode,
    category_label: line.categoryLabel,
    commission_fee: money(commission),
    commission_rate_vat: vat,
    commission_taxes: [{ amount: money(commissionVat), code: taxCode(vat), rate: vat }],
    commission_vat: money(commissionVat),
    created_date: date(ctx, order.created),
    description: `${line.title} (EAN ${line.ean})`,
    fees: [],
    last_updated_date: date(ctx, view.lastUpdated),
    offer_id: line.offerId,
    offer_sku: line.offerSku,
    offer_state_code: '11',
    order_line_additional_fields: [],
    order_line_id: `${order.id}-${line.index}`,
    order_line_index: line.index,
    order_line_state: lv.state,
    price: money(price),
    price_unit: money(line.unitPrice),
    product_medias: [{ media_url: `/media/product/image/${line.mediaId}`, mime_type: 'JPEG', type: 'LARGE' }],
    product_shop_sku: line.ean,
    product_sku: line.productSku,
    product_title: line.title,
    quantity: line.quantity,
    refunds: lv.refunds.map((r) => refundJson(ctx, line, vat, r)),
    shipping_price: money(line.shipping),
    shipping_price_unit: money(Math.round(line.shipping / line.quantity)),
    total_commission: money(commission + commissionVat),
    total_price: money(price + line.shipping),
  };
  if (order.content.taxes) {
    out.taxes = taxes([{ code: taxCode(line.taxRate), amount: includedTax(price, line.taxRate), rate: line.taxRate }]);
    out.shipping_taxes = taxes([{ code: taxCode(line.taxRate), amount: includedTax(line.shipping, line.taxRate), rate: line.taxRate }]);
  }
  if (view.debitedAt !== undefined && lv.state !== 'REFUSED') out.debited_date = date(ctx, view.debitedAt);
  if (view.shippedAt !== undefined && lv.state !== 'REFUSED') out.shipped_date = date(ctx, view.shippedAt);
  if (view.receivedAt !== undefined && lv.state !== 'REFUSED') out.received_date = date(ctx, view.receivedAt);
  if (lv.shippingFrom) {
    const sf: Json = {};
    if (lv.shippingFrom.address) sf.address = { ...lv.shippingFrom.address };
    if (lv.shippingFrom.warehouse) sf.warehouse = { ...lv.shippingFrom.warehouse };
    out.shipping_from = sf;
  }
  return out;
}

function sumTaxes(lines: readonly LineContent[], content: OrderContent): Json[] {
  const byCode = new Map<string, { rate: number; total: number }>();
  for (const line of lines) {
    const code = taxCode(line.taxRate);
    const entry = byCode.get(code) ?? { rate: line.taxRate, total: 0 };
    entry.total += includedTax(linePrice(line), line.taxRate) + includedTax(line.shipping, line.taxRate);
    byCode.set(code, entry);
  }
  return content.taxes ? [...byCode].map(([code, e]) => ({ code, rate: e.rate, total_amount: money(e.total) })) : [];
}

/** One order in OR11 form, as it reads at ctx.now. */
export function renderOrder(order: OrderRecord, ctx: RenderContext, view: OrderView = viewAt(order.timeline, order.content, ctx.now)): Json {
  const c = order.content;
  const p = order.profile.profile;
  const data = COUNTRIES[c.country];
  const price = c.lines.reduce((n, l) => n + linePrice(l), 0);
  const shipping = c.lines.reduce((n, l) => n + l.shipping, 0);
  const lines = view.lines.map((lv) => lineJson(ctx, order, view, lv));
  const commission = lines.reduce((n, l) => n + Math.round((l.total_commission as number) * 100), 0);
  const out: Json = {
    can_cancel: view.canCancel,
    can_shop_ship: view.canShopShip,
    commercial_id: order.commercialId,
    created_date: date(ctx, order.created),
    currency_iso_code: 'EUR',
    customer: {
      billing_address: address(c.billing),
      civility: c.civility,
      customer_id: c.customerId,
      firstname: c.firstname,
      lastname: c.lastname,
      locale: c.locale,
      shipping_address: address(c.shipping, p.pickup ? { additional_info: 'Pick-up point delivery' } : {}),
    },
    customer_directly_pays_seller: false,
    fulfillment: { center: { code: p.fulfillmentCenter } },
    fully_refunded: view.fullyRefunded,
    has_customer_message: false,
    has_incident: false,
    has_invoice: ctx.hasInvoice?.(order.id) ?? false,
    last_updated_date: date(ctx, view.lastUpdated),
    leadtime_to_ship: c.leadtimeDays,
    order_additional_fields: [],
    order_id: order.id,
    order_lines: lines,
    order_state: view.state,
    order_tax_mode: p.taxMode,
    paymentType: c.paymentType,
    payment_type: c.paymentType,
    payment_workflow: p.paymentWorkflow,
    price: money(price),
    promotions: { applied_promotions: [], total_deduced_amount: 0 },
    shipping_deadline: date(ctx, order.created + c.leadtimeDays * DAY),
    shipping_price: money(shipping),
    shipping_type_code: p.shippingType.code,
    shipping_type_label: p.shippingType.label,
    shipping_zone_code: data.zone.code,
    shipping_zone_label: data.zone.label,
    total_commission: money(commission),
    total_price: money(price + shipping),
  };
  if (p.channel) out.channel = { code: p.channel.code, label: p.channel.label };
  if (view.acceptanceDecisionAt !== undefined) out.acceptance_decision_date = date(ctx, view.acceptanceDecisionAt);
  if (view.debitedAt !== undefined) out.customer_debited_date = date(ctx, view.debitedAt);
  if (view.shippedAt !== undefined) {
    out.delivery_date = { earliest: date(ctx, view.shippedAt + DAY), latest: date(ctx, view.shippedAt + 4 * DAY) };
  }
  if (p.pickup) out.shipping_pudo_id = `PUDO-${c.shipping.zip_code.replace(/\D/g, '')}`;
  const orderTaxes = sumTaxes(c.lines, c);
  if (orderTaxes.length > 0) out.order_taxes = orderTaxes;
  const refundGroups = new Map<string, RefundRecord[]>();
  for (const lv of view.lines) for (const r of lv.refunds) refundGroups.set(r.orderRefundId, [...(refundGroups.get(r.orderRefundId) ?? []), r]);
  if (refundGroups.size > 0) out.order_refunds = [...refundGroups.keys()].map((id) => ({ order_refund_id: id }));
  if (order.references) {
    out.references = {
      ...(order.references.customer !== undefined ? { order_reference_for_customer: order.references.customer } : {}),
      ...(order.references.seller !== undefined ? { order_reference_for_seller: order.references.seller } : {}),
    };
  }
  const t = view.tracking;
  if (t) {
    const carrier = !t.carrierCode
      ? undefined
      : t.carrierLabel !== undefined
        ? { code: t.carrierCode, label: t.carrierLabel, standard_code: t.carrierStandardCode ?? t.carrierCode, tracking_url: t.carrierUrlTemplate ?? '' }
        : findCarrier(t.carrierCode);
    if (carrier) {
      out.shipping_carrier_code = carrier.code;
      out.shipping_carrier_standard_code = carrier.standard_code;
      out.shipping_company = carrier.label;
      if (t.trackingNumber) out.shipping_tracking_url = trackingUrl(carrier, t.trackingNumber);
    } else {
      if (t.carrierName) out.shipping_company = t.carrierName;
      if (t.carrierUrl) out.shipping_tracking_url = t.carrierUrl;
    }
    if (t.trackingNumber) out.shipping_tracking = t.trackingNumber;
  }
  if (view.state === 'REFUSED' || view.state === 'CANCELED') {
    const reason = stateReason(order, view);
    out.order_state_reason_code = reason.code;
    out.order_state_reason_label = reason.label;
  }
  return out;
}

function stateReason(order: OrderRecord, view: OrderView): { code: string; label: string } {
  const last = [...order.timeline.steps].reverse().find((s) => s.state === view.state);
  switch (last?.kind) {
    case 'auto_cancel':
      return { code: 'AUTO_CANCELED', label: 'Not accepted in time' };
    case 'fraud_cancel':
      return { code: 'FRAUD_CHECK', label: 'Refused by the fraud check' };
    case 'refuse':
      return { code: 'REFUSED_BY_SHOP', label: 'Refused by the shop' };
    default:
      return { code: view.state === 'REFUSED' ? 'REFUSED_BY_SHOP' : 'CANCELED_BY_SHOP', label: view.state === 'REFUSED' ? 'Refused by the shop' : 'Canceled by the shop' };
  }
}

/**
 * OR12 (deprecated) requires fields that have no value yet (shipped_date before shipping, reason
 * codes on live orders) and allows no null: they are sent as the epoch / empty string.
 */
export const NOT_YET = '1970-01-01T00:00:00.000Z';

export function renderOrderOr12(order: OrderRecord, ctx: RenderContext): Json {
  const out = renderOrder(order, ctx);
  out.acceptance_decision_date ??= NOT_YET;
  out.order_state_reason_code ??= '';
  out.order_state_reason_label ??= '';
  for (const line of out.order_lines as Json[]) {
    line.debited_date ??= NOT_YET;
    line.shipped_date ??= NOT_YET;
    line.received_date ??= NOT_YET;
    line.order_line_state_reason_code ??= '';
    line.order_line_state_reason_label ??= '';
    line.shipping_price_additional_unit ??= 0;
  }
  return out;
}
