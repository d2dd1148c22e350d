/**
 * From a mapped marketplace record to the normalized order, with what only the channel knows:
 * statuses through the channel's exact (case-sensitive) maps, `unknown` + status_unknown for a
 * status it does not map (the order is kept, never dropped), the sales-channel scope, and the
 * delivered-by-marketplace flag from the channel's fulfilment modes.
 */
import type { Channel } from '../channel/model.ts';
import type { NormalizedOrder, OrderLine } from '../order/model.ts';
import type { MappedOrder, OrderMapper } from './map/index.ts';
import type { OrderPage } from './connector.ts';

export type Skip = OrderPage['skipped'][number];

export type Normalize = (record: unknown) => { order: NormalizedOrder } | { skip: Skip };

export function createNormalizer(channel: Channel, account: string, mapper: OrderMapper): Normalize {
  const statusIndex = channel.statusIndex;
  const lineStatusIndex = channel.lineStatusIndex;
  const scope = channel.scope ? new Set(channel.scope.salesChannels) : undefined;
  const fulfilmentModes = new Set((channel.fulfillment?.modes ?? []).map((m) => m.code));
  const channelId = channel.id;

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
      lines[i] = { ...line, taxes: line.taxes ?? [], status: lineStatusIndex.get(line.marketplace_status) ?? 'unknown' };
    }
    const { fulfillment_code, lines: _lines, ...rest } = mapped;
    const delivered = fulfillment_code !== undefined && fulfilmentModes.has(fulfillment_code);
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
