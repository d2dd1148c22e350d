/**
 * Turns an order's facts, content and timeline into the JSON the Octopia API serves (the shape
 * of schemas/order.schema.json). `skewMs` shifts every date, for the clock-skew fault.
 */
import type { Address, OrderContent } from './content.ts';
import { ORDER_KINDS, ORDER_STATUSES, type OrderStatus, SALES_CHANNELS, STATUS_CODE } from './domain.ts';
import type { Cancellation, OrderBook, OrderRecord } from './order-book.ts';
import {
  AUTOMATIC_REJECTION_REASON,
  CANCELLATION_REASONS,
  SELLER_REFUSAL_REASON,
  reasonsFor,
} from './reference-data.ts';
import { type Timeline, eventAt, isFulfilment } from './timeline.ts';
import type { Facts } from './world.ts';

const S = STATUS_CODE;

export interface ApiParcel {
  parcelNumber: string;
  carrierCode: string;
  carrierName: string;
  trackingUrl?: string;
  quantity: number;
  shippedAt: string;
}

export interface ApiOrderLine {
  orderLineId: string;
  /** The order's status, Shipped once its parcels hold it all, or CancelRequest (lines only). */
  status: OrderStatus | 'CancelRequest';
  quantity: number;
  offer: {
    sellerProductId: string;
    productEan: string;
    productTitle: string;
    productCondition: string;
    supplyMode: string;
  };
  unitPrice: number;
  totalPrice: { sellingPrice: number; shippingCost: number };
  shippingAddress: Address;
  parcels: ApiParcel[];
  /**
   * Present only on a line cancelled on its own before shipment (the simulator's shape: Octopia
   * publishes no line-level cancellation read-back): its reason and the units and amount cancelled.
   */
  cancellation?: { reasonCode: string; reasonLabel: string; requestedBy: 'Seller'; requestedAt: string; quantity: number; amount: number };
}

export interface ApiCancellationDetails {
  reasonCode: string;
  reasonLabel: string;
  requestedBy: 'Seller' | 'Marketplace';
  requestedAt: string;
  refundShipping: boolean;
}

export interface ApiOrder {
  orderId: string;
  reference: string;
  businessOrder: string;
  salesChannel: { id: string; name: string };
  status: OrderStatus;
  purchasedAt: string;
  createdAt: string;
  updatedAt: string;
  shippedAtMax: string;
  currencyCode: 'EUR';
  logisticsMode: string;
  isDeliveredByMarketplace: boolean;
  customer: OrderContent['customer'];
  billingAddress: Address;
  shippingAddress: Address;
  totalPrice: { sellingPrice: number; shippingCost: number };
  cancellationDetails: ApiCancellationDetails | null;
  lines: ApiOrderLine[];
}

/** Everything known about one order at one instant (also served by GET /_admin/orders/:id). */
export interface OrderView {
  ref: number;
  facts: Facts;
  content: OrderContent;
  timeline: Timeline;
  /** Index of the current event in `timeline`. */
  current: number;
  record?: OrderRecord;
}

export function viewOrder(book: OrderBook, ref: number, now: number): OrderView | undefined {
  if (!book.exists(ref, now)) return undefined;
  const facts = book.facts(ref);
  const timeline = book.timeline(ref, facts);
  const current = eventAt(timeline, now);
  if (current < 0) return undefined;
  return { ref, facts, content: book.orderContent(ref, facts), timeline, current, record: book.record(ref) };
}

export function statusName(code: number): OrderStatus {
  return ORDER_STATUSES[code] as OrderStatus;
}

export function renderOrder(book: OrderBook, view: OrderView, skewMs = 0): ApiOrder {
  const { facts, content, timeline, current } = view;
  const iso = (ms: number): string => new Date(ms + skewMs).toISOString();
  const status = timeline.status[current] as number;
  const kind = ORDER_KINDS[facts.kind] ?? ORDER_KINDS[0];
  const channel = SALES_CHANNELS[facts.channel] ?? (SALES_CHANNELS[0] as (typeof SALES_CHANNELS)[number]);
  const parcelsByLine = lineParcels(view, iso);
  let selling = 0;
  let shipping = 0;
  const lines = content.lines.map((line, i): ApiOrderLine => {
    const lineSelling = line.unitPriceCents * line.quantity;
    selling += lineSelling;
    shipping += line.shippingCostCents;
    const parcels = parcelsByLine[i] ?? [];
    const shippedQty = parcels.reduce((sum, p) => sum + p.quantity, 0);
    const lineStatus = status === S.InPreparation && shippedQty >= line.quantity ? S.Shipped : status;
    const cancelRequested = lineStatus === S.InPreparation && view.record?.cancelRequest?.lines.includes(i) === true;
    const cancelled = view.record?.cancelledLines?.find((c) => c.line === i);
    const out: ApiOrderLine = {
      orderLineId: line.orderLineId,
      status: cancelled ? 'Cancelled' : cancelRequested ? 'CancelRequest' : statusName(lineStatus),
      quantity: line.quantity,
      offer: {
        sellerProductId: line.sellerProductId,
        productEan: line.productEan,
        productTitle: line.productTitle,
        productCondition: line.productCondition,
        supplyMode: kind.supplyMode,
      },
      unitPrice: euros(line.unitPriceCents),
      totalPrice: { sellingPrice: euros(lineSelling), shippingCost: euros(line.shippingCostCents) },
      shippingAddress: content.shippingAddress,
      parcels,
    };
    if (cancelled) {
      const { reasonCode, reasonLabel, requestedAt } = cancelled;
      out.cancellation = { reasonCode, reasonLabel, requestedBy: 'Seller', requestedAt: iso(requestedAt), quantity: line.quantity, amount: euros(lineSelling) };
    }
    return out;
  });
  const cancellation = cancellationOf(book, view);
  return {
    orderId: content.orderId,
    reference: content.reference,
    businessOrder: content.businessOrder,
    salesChannel: { id: channel.id, name: channel.name },
    status: statusName(status),
    purchasedAt: iso(content.purchasedAt),
    createdAt: iso(facts.createdAt),
    updatedAt: iso(timeline.at[current] as number),
    shippedAtMax: iso(content.shippedAtMax),
    currencyCode: 'EUR',
    logisticsMode: kind.logisticsMode,
    isDeliveredByMarketplace: kind.supplyMode !== 'Seller',
    customer: content.customer,
    billingAddress: content.billingAddress,
    shippingAddress: content.shippingAddress,
    totalPrice: { sellingPrice: euros(selling), shippingCost: euros(shipping) },
    cancellationDetails: cancellation
      ? { ...cancellation, requestedAt: iso(cancellation.requestedAt) }
      : null,
    lines,
  };
}

function euros(cents: number): number {
  return Math.round(cents) / 100;
}

/** Parcels per line: the seller's recorded shipments, else the marketplace's parcel once shipped. */
function lineParcels(view: OrderView, iso: (ms: number) => string): ApiParcel[][] {
  const { content, timeline, current, record } = view;
  const out: ApiParcel[][] = content.lines.map(() => []);
  if (record && record.parcels.length > 0) {
    for (const p of record.parcels) {
      for (const item of p.items) {
        const parcel: ApiParcel = {
          parcelNumber: p.parcelNumber,
          carrierCode: p.carrierCode,
          carrierName: p.carrierName,
          quantity: item.quantity,
          shippedAt: iso(p.shippedAt),
        };
        if (p.trackingUrl !== undefined) parcel.trackingUrl = p.trackingUrl;
        out[item.line]?.push(parcel);
      }
    }
    return out;
  }
  let shippedAt = -1;
  for (let i = 0; i <= current; i++) if (timeline.status[i] === S.Shipped) shippedAt = timeline.at[i] as number;
  if (shippedAt < 0) return out;
  const { parcelNumber, carrier } = content.marketplaceParcel;
  content.lines.forEach((line, i) => {
    out[i]?.push({ parcelNumber, carrierCode: carrier.code, carrierName: carrier.name, quantity: line.quantity, shippedAt: iso(shippedAt) });
  });
  return out;
}

/** Why an order ended: recorded for API cancellations, derived from the seed for generated ones. */
export function cancellationOf(book: OrderBook, view: OrderView): Cancellation | undefined {
  const { timeline, current, record, facts } = view;
  const status = timeline.status[current] as number;
  const at = timeline.at[current] as number;
  if (status === S.Refused) return ended(SELLER_REFUSAL_REASON, 'Seller', at);
  if (status === S.Rejected) return ended(AUTOMATIC_REJECTION_REASON, 'Marketplace', at);
  if (status !== S.Cancelled) return undefined;
  if (record?.cancellation) return record.cancellation;
  const before = statusName((current > 0 ? timeline.status[current - 1] : S.Delivered) as number);
  const choices = reasonsFor(before);
  const h = book.world.hash(facts.ref, 30);
  const reason = choices[h % choices.length] ?? (CANCELLATION_REASONS[0] as (typeof CANCELLATION_REASONS)[number]);
  return {
    reasonCode: reason.code,
    reasonLabel: reason.label,
    requestedBy: 'Seller',
    requestedAt: at,
    refundShipping: isFulfilment(facts.kind) || (h >>> 8) % 2 === 0,
  };
}

function ended(reason: { code: string; label: string }, requestedBy: Cancellation['requestedBy'], at: number): Cancellation {
  return { reasonCode: reason.code, reasonLabel: reason.label, requestedBy, requestedAt: at, refundShipping: true };
}
