/**
 * The normalized order: one shape for every marketplace. Field names are snake_case because this
 * is the document orderwire publishes (store, HTTP API, webhooks, custom-rule facts).
 * schemas/order.schema.json describes the same shape; a test keeps the two in step.
 */
import type { NormalizedStatus } from '../channel/model.ts';

/** `unknown`: the marketplace sent a status the channel does not map; the order is kept and flagged. */
export type OrderStatus = NormalizedStatus | 'unknown';

export interface Tax {
  code: string;
  amount: number;
  rate?: number;
}

export interface Address {
  name?: string;
  company?: string;
  street_1?: string;
  street_2?: string;
  zip_code?: string;
  city?: string;
  state?: string;
  /** ISO 3166-1 alpha-2 when known. */
  country?: string;
  /** The country as the marketplace wrote it, when it named no single ISO country (then `country` is absent). */
  country_unresolved?: string;
  phone?: string;
}

export interface Buyer {
  id?: string;
  first_name?: string;
  last_name?: string;
  email?: string;
  phone?: string;
  locale?: string;
}

/**
 * One refund (or cancelation) the marketplace recorded on a line: Mirakl lists them under each
 * line (OR11 `refunds`, `cancelations`); Octopia cancels whole orders, so each line of a
 * cancelled order shows one refund of the whole line.
 */
export interface LineRefund {
  /** The marketplace's id of the refund, when it gives one. */
  id?: string;
  /** Units refunded. */
  quantity: number;
  /** Amount refunded for the items (as the marketplace counts it: Mirakl TAX_INCLUDED, taxes in). */
  amount: number;
  /** Amount refunded for the shipping of the line. */
  shipping_amount?: number;
  reason_code?: string;
  /** UTC ISO-8601. */
  created_at?: string;
  /** The marketplace's state of the refund (Mirakl: WAITING_REFUND, WAITING_REFUND_PAYMENT, REFUNDED). */
  state?: string;
}

/** What the refunds (or cancelations) of a line add up to. */
export interface RefundTotals {
  quantity: number;
  amount: number;
  shipping_amount: number;
}

export interface OrderLine {
  id: string;
  sku: string;
  title?: string;
  quantity: number;
  unit_price: number;
  shipping_price: number;
  taxes: Tax[];
  status: OrderStatus;
  marketplace_status: string;
  /** Refunds recorded on the line, oldest first; absent when there are none. */
  refunds?: LineRefund[];
  /** The refunds added up; present with `refunds`. */
  refunded?: RefundTotals;
  /** Quantities cancelled on the line before shipping (Mirakl OR29/OR30), with amounts; absent when none. */
  cancelations?: LineRefund[];
  /** The cancelations added up; present with `cancelations`. */
  canceled?: RefundTotals;
  /** Units of the line in the order's parcels (`parcels`); absent when the order has none. */
  shipped_quantity?: number;
}

/** Units of one line in a parcel. */
export interface ParcelLine {
  id: string;
  quantity: number;
}

/**
 * One parcel shipped for the order, with its own carrier and tracking: Mirakl's shipments (ST01,
 * read with ST11), Octopia's parcels (each line lists the parcels it went in). An order shipped in
 * one go has one parcel.
 */
export interface Parcel {
  /** The marketplace's id of the parcel (Mirakl shipment id, Octopia parcelNumber), when it gives one. */
  id?: string;
  carrier_code?: string;
  carrier_name?: string;
  tracking_number?: string;
  tracking_url?: string;
  /** UTC ISO-8601, when shipped. */
  shipped_at?: string;
  /** The lines in the parcel and how many units of each. */
  lines: ParcelLine[];
}

/**
 * A document the marketplace lists on the order (Mirakl OR72): its delivery slip, an invoice the
 * seller uploaded... The channel's `documents.download` types are downloaded into the document
 * store; the API shows where to fetch each one.
 */
export interface MarketplaceDocument {
  /** The marketplace's document id (Mirakl OR72 `id`). */
  id: string;
  /** The marketplace's type code (SYSTEM_DELIVERY_BILL, CUSTOMER_INVOICE...). */
  type: string;
  file_name?: string;
  /** Bytes, as the marketplace lists it. */
  size?: number;
  /** UTC ISO-8601. */
  uploaded_at?: string;
}

export interface Tracking {
  carrier_code?: string;
  carrier_name?: string;
  number?: string;
  url?: string;
}

export interface OrderTotals {
  items: number;
  shipping: number;
  taxes: number;
  total: number;
}

export interface NormalizedOrder {
  channel: string;
  account: string;
  marketplace_order_id: string;
  status: OrderStatus;
  marketplace_status: string;
  /** Set when the marketplace status is not in the channel's map (status is then `unknown`). */
  status_unknown?: boolean;
  /** UTC ISO-8601 with a Z suffix. */
  created_at: string;
  updated_at: string;
  currency: string;
  totals: OrderTotals;
  /** Marketplace sales channel (Octopia salesChannel.id, Mirakl channel.code) when it has one. */
  sales_channel?: string;
  buyer: Buyer;
  billing_address?: Address;
  shipping_address?: Address;
  lines: OrderLine[];
  delivered_by_marketplace: boolean;
  /** The marketplace's fulfilment code (Cdiscount: MKPFBC or EXTFBC) when delivered by it. */
  fulfillment_code?: string;
  tracking?: Tracking;
  /** Parcels shipped so far, oldest first, where the platform reads them; absent when none. */
  parcels?: Parcel[];
  /** Whether the marketplace has the customer invoice of the order (Mirakl OR11 `has_invoice`), where it says. */
  has_invoice?: boolean;
  /** Documents the marketplace lists on the order, where the platform reads them; absent when none. */
  documents?: MarketplaceDocument[];
  /**
   * When the seller must have accepted or refused the order (UTC ISO-8601): the marketplace's own
   * limit when it sends one, else the channel's declared limit (`deadlines.acceptance`) counted
   * from created_at. Absent when neither gives one.
   */
  acceptance_deadline?: string;
  /** When the order must have shipped (UTC ISO-8601): Mirakl `shipping_deadline`, Octopia `shippedAtMax`. */
  shipping_deadline?: string;
  /** The marketplace's order exactly as received. */
  raw: unknown;
}
