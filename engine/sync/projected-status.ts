/**
 * The status an order will have once the actions pending on it have taken effect, so that a new
 * action is validated against the order as it will be when its turn comes (the worker sends an
 * order's actions one at a time, in queue order): a refuse behind a queued accept is refused, a
 * refund behind an accept is validated with the fields of an accepted order.
 */
import type { Channel, NormalizedStatus } from '../channel/model.ts';
import type { OrderStatus } from '../order/model.ts';
import type { ActionRequest } from '../rules/request.ts';

function mapped(channel: Channel, status: NormalizedStatus): boolean {
  return channel.statuses[status] !== undefined;
}

/** The first of `candidates` the channel maps, else the last one. */
function first(channel: Channel, ...candidates: NormalizedStatus[]): NormalizedStatus {
  return candidates.find((s) => mapped(channel, s)) ?? candidates.at(-1)!;
}

/** The status right after one action took effect; undefined when it leaves the status as it is. */
export function statusAfter(channel: Channel, request: ActionRequest, lineCount: number): NormalizedStatus | undefined {
  // Parts of lines (some units, an amount) leave something on the lines: never the whole order.
  const wholeOrder = (request.lines === null || request.lines.length >= lineCount) && request.line_parts === undefined;
  switch (request.action) {
    case 'accept':
      return first(channel, 'accepted', 'waiting_shipment');
    case 'refuse':
      // Refusing some lines accepts the others (Mirakl: a decision for every line).
      return request.accepted_lines?.length ? first(channel, 'accepted', 'waiting_shipment') : first(channel, 'refused', 'canceled');
    case 'ship':
      // Parcels may leave units to ship in a later request: the order stays where it is until
      // the marketplace says it shipped.
      return request.parcels ? undefined : 'shipped';
    case 'refund':
      // A refund of some lines leaves the order where it is (another line may be refunded next).
      return wholeOrder ? first(channel, 'refunded', 'refunding', 'canceled') : undefined;
    case 'cancel':
    case 'cancel_lines':
      return wholeOrder ? 'canceled' : undefined;
  }
}

/** The order's status after every pending action, in queue order. */
export function projectedStatus(channel: Channel, current: OrderStatus, pending: readonly ActionRequest[], lineCount: number): OrderStatus {
  let status = current;
  for (const request of pending) status = statusAfter(channel, request, lineCount) ?? status;
  return status;
}
