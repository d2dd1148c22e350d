/**
 * From a mapped marketplace record to the normalized order, with what only the channel knows:
 * statuses through the channel's exact (case-sensitive) maps, `unknown` + status_unknown for a
 * status it does not map (the order is kept, never dropped), the sales-channel scope, and the
 * delivered-by-marketplace flag from the channel's fulfilment modes.
 */
import type { Channel } from '../channel/model.ts';
import type { LineRefund, NormalizedOrder, OrderLine, RefundTotals } from '../order/model.ts';
import type { MappedOrder, OrderMapper } from './map/index.ts';
import type { OrderPage } from './connector.ts';

export type Skip = OrderPage['skipped'][number];

export type Normalize = (record: unknown) => { order: NormalizedOrder } | { skip: Skip };

/** Money sums without binary noise (0.1 + 0.2). */
const round = (n: number): number => Math.round(n * 1e6) / 1e6;

export function refundTotals(list: readonly LineRefund[]): RefundTotals {
  let quantity = 0;
  let amount = 0;
  let shipping = 0;
  for (const r of list) {
    quantity += r.quantity;
    amount += r.amount;
    shipping += r.shipping_amount ?? 0;
  }
  return { quantity, amount: round(amount), shipping_amount: round(shipping) };
}

/** The line with its refunds and cancelations added up; empty lists are left out. */
function withRefunds(line: Omit<OrderLine, 'status'>, status: OrderLine['status']): OrderLine {
  const { refunds, cancelations, ...rest } = line;
  return {
    ...rest,
    taxes: line.taxes ?? [],
    status,
    ...(refunds?.length && { refunds, refunded: refundTotals(refunds) }),
    ...(cancelations?.length && { cancelations, canceled: refundTotals(cancelations) }),
  };
}

export function createNormalizer(channel: Channel, account: string, mapper: OrderMapper): Normalize {
  const statusIndex = channel.statusIndex;
  const lineStatusIndex = channel.lineStatusIndex;
  const scope = channel.scope ? new Set(channel.scope.salesChannels) : undefined;
  const fulfilmentModes = new Set((channel.fulfillment?.modes ?? []).map((m) => m.code));
  const channelId = channel.id;
  const acceptanceMs = channel.deadlines?.acceptanceMs;

  return (record) => {
    const result = mapper.map(record);
    if (!result.ok) {
      const id = result.marketplace_order_id ?? mapper.orderId(record);
      return { skip: { ...(id !== undefined && { marketplace_order_id: id }), code: 'ORDER_UNMAPPABLE', reason: result.reason } };
    }
    const mapped: MappedOrder = result.order;
    if (scope && (mapped.sales_channel === undefined || !scope.has(mapped.sales_channel))) {
      return {
        skip: {
          marketplace_order_id: mapped.marketplace_order_id,
          code: 'ORDER_OUT_OF_SCOPE',
          reason: `sales channel ${mapped.sales_channel === undefined ? '(none)' : JSON.stringify(mapped.sales_channel)} is not in the channel's scope (${[...scope].join(', ')})`,
        },
      };
    }
    const status = statusIndex.get(mapped.marketplace_status);
    const lines: OrderLine[] = new Array(mapped.lines.length);
    for (let i = 0; i < mapped.lines.length; i++) {
      const line = mapped.lines[i]!;
      const lineStatus = lineStatusIndex.get(line.marketplace_status) ?? 'unknown';
      lines[i] = line.refunds || line.cancelations ? withRefunds(line, lineStatus) : { ...line, taxes: line.taxes ?? [], status: lineStatus };
    }
    const { fulfillment_code, lines: _lines, ...rest } = mapped;
    const delivered = fulfillment_code !== undefined && fulfilmentModes.has(fulfillment_code);
    if (rest.acceptance_deadline === undefined && acceptanceMs !== undefined) {
      rest.acceptance_deadline = new Date(Date.parse(rest.created_at) + acceptanceMs).toISOString();
    }
    const order: NormalizedOrder = {
      channel: channelId,
      account,
      ...rest,
      status: status ?? 'unknown',
      ...(status === undefined && { status_unknown: true }),
      lines,
      delivered_by_marketplace: delivered,
      ...(delivered && { fulfillment_code }),
      raw: record,
    };
    return { order };
  };
}
