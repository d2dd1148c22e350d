/**
 * What changes in an order over time, and how it reads at a given instant. A timeline holds
 * every state step (past and already scheduled), refunds, cancelations, tracking and shipping
 * origins; `viewAt(t)` folds what happened up to t. Generated orders build theirs on demand from
 * their profile; orders the client acted on keep theirs in the store.
 */
import { hash32 } from '../shared/random.ts';
import { CARRIERS } from './catalog.ts';
import type { LineState, OrderState } from './catalog.ts';
import type { LineContent, OrderContent } from './content.ts';
import { includedTax, linePrice } from './content.ts';
import type { StepKind } from './lifecycle.ts';
import type { CompiledProfile } from './profiles.ts';

export interface Step {
  at: number;
  state: OrderState;
  kind: StepKind;
  /** Accept/refuse: per line (0-based), accepted or not. */
  decisions?: boolean[];
}

export interface TaxAmount {
  code: string;
  /** Cents. */
  amount: number;
  rate: number;
}

export interface RefundRecord {
  id: string;
  orderRefundId: string;
  /** 1-based line index. */
  line: number;
  amount: number;
  shippingAmount: number;
  quantity: number;
  reasonCode: string;
  taxes: TaxAmount[];
  shippingTaxes: TaxAmount[];
  createdAt: number;
  paymentAt: number;
  refundedAt: number;
}

export interface CancelationRecord {
  id: string;
  line: number;
  amount: number;
  shippingAmount: number;
  quantity: number;
  reasonCode: string;
  taxes: TaxAmount[];
  shippingTaxes: TaxAmount[];
  createdAt: number;
}

export interface Tracking {
  at: number;
  carrierCode?: string;
  /** A registered carrier as the instance listed it when the tracking was set (OR23). */
  carrierLabel?: string;
  carrierStandardCode?: string;
  carrierUrlTemplate?: string;
  carrierName?: string;
  carrierUrl?: string;
  trackingNumber?: string;
}

export interface ShippingFrom {
  at: number;
  address?: { country_iso_code: string; city?: string; state?: string; street_1?: string; street_2?: string; zip_code?: string };
  warehouse?: { code: string };
}

/** A shipment of Mirakl's multiple shipments (ST01), as ST11 lists it. */
export interface ShipmentRecord {
  id: string;
  createdAt: number;
  /** Set when created with `shipped: true`. */
  shippedAt?: number;
  /** 1-based line index -> units in the shipment, in request order. */
  lines: { line: number; quantity: number; packageReference?: string }[];
  tracking?: { carrier_code?: string; carrier_name?: string; carrier_standard_code?: string; tracking_number?: string; tracking_url?: string };
  invoiceReference?: string;
}

export interface Timeline {
  /** Sorted by `at`; on equal times the later entry wins. */
  steps: Step[];
  refunds: RefundRecord[];
  cancelations: CancelationRecord[];
  tracking: Tracking | null;
  /** ST01 shipments, oldest first (absent until the first). */
  shipments?: ShipmentRecord[];
  /** By 1-based line index. */
  shippingFrom: Record<number, ShippingFrom>;
}

export function taxCode(rate: number): string {
  return `VAT_${rate}`;
}

export function taxesFor(amount: number, rate: number): TaxAmount[] {
  return rate > 0 ? [{ code: taxCode(rate), amount: includedTax(amount, rate), rate }] : [];
}

/** Timeline of generated order `index` created at `c`, as the marketplace sees it when the simulator started at `start`. */
export function generatedTimeline(cp: CompiledProfile, index: number, c: number, start: number, content: OrderContent, orderId: string): Timeline {
  const lines = content.lines;
  const steps: Step[] = cp.chainFor(c, start).map((s) => ({ at: c + s.off, state: s.state, kind: s.kind }));
  let tracking: Tracking | null = null;
  for (const step of steps) {
    if (step.kind === 'refuse') step.decisions = lines.map(() => false);
    if (step.kind === 'accept') step.decisions = lines.map((_, k) => !(cp.profile.fate === 'partial' && lines.length > 1 && k === lines.length - 1));
    if (step.kind === 'ship') {
      const carrier = CARRIERS[hash32(index, 7) % CARRIERS.length] as (typeof CARRIERS)[number];
      tracking = { at: step.at, carrierCode: carrier.code, trackingNumber: `${carrier.code}${String(hash32(index, 8) % 1_000_000_000).padStart(9, '0')}` };
    }
  }
  const refunds: RefundRecord[] = [];
  const scripted = cp.refundFor(c, start);
  if (scripted) {
    const targets = scripted.lines === 'all' ? lines : lines.slice(0, 1);
    for (const line of targets) {
      const shippingAmount = scripted.lines === 'all' ? line.shipping : 0;
      refunds.push({
        id: `G${index + 1}-${line.index}`,
        orderRefundId: `${orderId}-R1`,
        line: line.index,
        amount: linePrice(line),
        shippingAmount,
        quantity: line.quantity,
        reasonCode: scripted.lines === 'all' ? '16' : '15',
        taxes: taxesFor(linePrice(line), line.taxRate),
        shippingTaxes: taxesFor(shippingAmount, line.taxRate),
        createdAt: c + scripted.createOff,
        paymentAt: c + scripted.paymentOff,
        refundedAt: c + scripted.doneOff,
      });
    }
  }
  return { steps, refunds, cancelations: [], tracking, shippingFrom: {} };
}

/** Adds a step at `at`, dropping every step scheduled after it (they belonged to the old course). */
export function replaceFuture(timeline: Timeline, at: number, steps: Step[]): void {
  timeline.steps = timeline.steps.filter((s) => s.at <= at);
  timeline.steps.push(...steps);
  timeline.steps.sort((a, b) => a.at - b.at);
}

export type RefundState = 'WAITING_REFUND' | 'WAITING_REFUND_PAYMENT' | 'REFUNDED';

export function refundStateAt(r: RefundRecord, t: number): RefundState {
  return r.refundedAt <= t ? 'REFUNDED' : r.paymentAt <= t ? 'WAITING_REFUND_PAYMENT' : 'WAITING_REFUND';
}

export interface LineView {
  content: LineContent;
  state: LineState;
  refunds: RefundRecord[];
  cancelations: CancelationRecord[];
  /** What is left to refund or cancel (cents / units). */
  remainingAmount: number;
  remainingShipping: number;
  remainingQuantity: number;
  canRefund: boolean;
  shippingFrom?: ShippingFrom;
}

export interface OrderView {
  state: OrderState;
  lastUpdated: number;
  acceptanceDecisionAt?: number;
  debitedAt?: number;
  shippedAt?: number;
  receivedAt?: number;
  canCancel: boolean;
  canShopShip: boolean;
  fullyRefunded: boolean;
  tracking: Tracking | null;
  lines: LineView[];
}

/** State, last update and debit only: what list filters need, without the lines. */
export function summaryAt(timeline: Timeline, t: number): { state: OrderState; lastUpdated: number; debited: boolean } {
  let state: OrderState = 'STAGING';
  let last = -Infinity;
  let debited = false;
  for (const step of timeline.steps) {
    if (step.at > t) break;
    state = step.state;
    last = step.at;
    if (step.state === 'SHIPPING') debited = true;
  }
  const bump = (at: number | undefined) => {
    if (at !== undefined && at <= t && at > last) last = at;
  };
  for (const r of timeline.refunds) {
    bump(r.createdAt);
    bump(r.paymentAt);
    bump(r.refundedAt);
  }
  for (const cancel of timeline.cancelations) bump(cancel.createdAt);
  bump(timeline.tracking?.at);
  for (const sh of timeline.shipments ?? []) bump(sh.createdAt);
  for (const sf of Object.values(timeline.shippingFrom)) bump(sf.at);
  return { state, lastUpdated: last, debited };
}

const REFUNDABLE: ReadonlySet<OrderState> = new Set(['SHIPPED', 'TO_COLLECT', 'RECEIVED']);
const CANCELABLE: ReadonlySet<OrderState> = new Set(['WAITING_DEBIT', 'WAITING_DEBIT_PAYMENT', 'SHIPPING']);

export function viewAt(timeline: Timeline, content: OrderContent, t: number): OrderView {
  const summary = summaryAt(timeline, t);
  const view: OrderView = {
    state: summary.state,
    lastUpdated: summary.lastUpdated,
    canCancel: CANCELABLE.has(summary.state),
    canShopShip: summary.state === 'SHIPPING',
    fullyRefunded: false,
    tracking: timeline.tracking && timeline.tracking.at <= t ? timeline.tracking : null,
    lines: [],
  };
  let decisions: boolean[] | undefined;
  for (const step of timeline.steps) {
    if (step.at > t) break;
    if (step.decisions) {
      decisions = step.decisions;
      view.acceptanceDecisionAt = step.at;
    }
    if (step.state === 'SHIPPING' && view.debitedAt === undefined) view.debitedAt = step.at;
    if (step.state === 'SHIPPED' && view.shippedAt === undefined) view.shippedAt = step.at;
    if (step.state === 'RECEIVED' && view.receivedAt === undefined) view.receivedAt = step.at;
  }
  let refundedLines = 0;
  let openLines = 0;
  for (const [k, line] of content.lines.entries()) {
    const refunds = timeline.refunds.filter((r) => r.line === line.index && r.createdAt <= t);
    const cancelations = timeline.cancelations.filter((c) => c.line === line.index && c.createdAt <= t);
    const price = linePrice(line);
    const spent = (xs: { amount: number; shippingAmount: number; quantity: number }[]) =>
      xs.reduce((acc, x) => ({ amount: acc.amount + x.amount, shipping: acc.shipping + x.shippingAmount, quantity: acc.quantity + x.quantity }), {
        amount: 0,
        shipping: 0,
        quantity: 0,
      });
    const refunded = spent(refunds);
    const canceled = spent(cancelations);
    let state: LineState = summary.state;
    if (decisions?.[k] === false) state = 'REFUSED';
    else if (canceled.quantity >= line.quantity) state = 'CANCELED';
    else if (refunds.length > 0 && refunded.amount + canceled.amount >= price && refunds.every((r) => refundStateAt(r, t) === 'REFUNDED')) state = 'REFUNDED';
    else if (state === 'SHIPPING' && timeline.shipments) {
      // Multiple shipments (ST01): a line whose open units are all in shipped shipments is SHIPPED.
      let units = 0;
      for (const sh of timeline.shipments) if (sh.shippedAt !== undefined && sh.shippedAt <= t) for (const l of sh.lines) if (l.line === line.index) units += l.quantity;
      if (units > 0 && units >= line.quantity - canceled.quantity) state = 'SHIPPED';
    }
    if (state !== 'REFUSED' && state !== 'CANCELED') {
      openLines++;
      if (state === 'REFUNDED') refundedLines++;
    }
    const remainingAmount = Math.max(0, price - refunded.amount - canceled.amount);
    const lineView: LineView = {
      content: line,
      state,
      refunds,
      cancelations,
      remainingAmount,
      remainingShipping: Math.max(0, line.shipping - refunded.shipping - canceled.shipping),
      remainingQuantity: Math.max(0, line.quantity - refunded.quantity - canceled.quantity),
      canRefund: REFUNDABLE.has(summary.state) && state === summary.state && remainingAmount > 0,
    };
    const sf = timeline.shippingFrom[line.index];
    if (sf && sf.at <= t) lineView.shippingFrom = sf;
    view.lines.push(lineView);
  }
  view.fullyRefunded = openLines > 0 && refundedLines === openLines;
  return view;
}
