/**
 * Minimal orders in a given status, for `orderwire check --status/--marketplace-status` and
 * channel test cases: one line "1" (or the lines asked for), in the same status as the order.
 */
import type { Channel, NormalizedStatus } from '../channel/model.ts';
import type { NormalizedOrder, OrderLine } from './model.ts';
import { mapLineStatus, mapOrderStatus } from './status.ts';

export interface SyntheticLine {
  id: string;
  /** Defaults to the order's marketplace status. */
  marketplace_status?: string;
}

export interface SyntheticOrderOptions {
  account?: string;
  marketplaceOrderId?: string;
  lines?: readonly SyntheticLine[];
}

/** The first marketplace status the channel maps to `status` (undefined if it maps none). */
export function marketplaceStatusFor(channel: Channel, status: NormalizedStatus): string | undefined {
  return channel.statuses[status]?.[0];
}

const EPOCH = '2024-01-01T00:00:00Z';

/** An order of `channel` whose marketplace status is `marketplaceStatus`, mapped as the sync would. */
export function syntheticOrder(channel: Channel, marketplaceStatus: string, options: SyntheticOrderOptions = {}): NormalizedOrder {
  const mapped = mapOrderStatus(channel, marketplaceStatus);
  const lines = (options.lines ?? [{ id: '1' }]).map((l): OrderLine => {
    const lineStatus = l.marketplace_status ?? marketplaceStatus;
    return {
      id: l.id,
      sku: `SKU-${l.id}`,
      title: `Item ${l.id}`,
      quantity: 1,
      unit_price: 10,
      shipping_price: 0,
      taxes: [],
      status: mapLineStatus(channel, lineStatus).status,
      marketplace_status: lineStatus,
    };
  });
  const items = lines.length * 10;
  return {
    channel: channel.id,
    account: options.account ?? 'check',
    marketplace_order_id: options.marketplaceOrderId ?? 'CHECK-1',
    status: mapped.status,
    marketplace_status: marketplaceStatus,
    ...(mapped.unknown && { status_unknown: true }),
    created_at: EPOCH,
    updated_at: EPOCH,
    currency: 'EUR',
    totals: { items, shipping: 0, taxes: 0, total: items },
    buyer: {},
    lines,
    delivered_by_marketplace: false,
    raw: null,
  };
}
