/**
 * Mapper strategies turn one marketplace record into the mapped part of a normalized order;
 * the connector adds the channel-dependent parts (statuses, scope, fulfilment flag, raw).
 */
import type { NormalizedOrder, OrderLine, Parcel } from '../../order/model.ts';

/** A parcel as a line lists it (Octopia): the units of that line in it. */
export type LineParcel = Omit<Parcel, 'lines'> & { quantity: number };

/** What a mapper fills: the normalized order without the fields the connector derives. */
export type MappedOrder = Omit<NormalizedOrder, 'channel' | 'account' | 'status' | 'status_unknown' | 'lines' | 'delivered_by_marketplace' | 'raw'> & {
  lines: Array<Omit<OrderLine, 'status'> & { parcels?: LineParcel[] }>;
};

export type MapResult = { ok: true; order: MappedOrder } | { ok: false; reason: string; marketplace_order_id?: string };

export interface OrderMapper {
  map(record: unknown): MapResult;
  /** The record's order id, for reports about records that cannot be mapped. */
  orderId(record: unknown): string | undefined;
  /** The marketplace's line records by normalized line id (request templates read them). */
  rawLines(record: unknown): Map<string, unknown>;
}
