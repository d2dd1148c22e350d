/**
 * The status an order will have once the actions pending on it have taken effect, so that a new
 * action is validated against the order as it will be when its turn comes (the worker sends an
 * order's actions one at a time, in queue order): a refuse behind a queued accept is refused, a
 * refund behind an accept is validated with the fields of an accepted order.
 */
import type { Channel, NormalizedStatus } from '../channel/model.ts';
import { ACTION_KINDS, actionKind } from '../vocabulary/action-kinds.ts';
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
  const kind = actionKind(request.action);
  if (kind.reaches.length === 0) return undefined;
  // A decision on every line that accepts some of them leaves an accepted order (Mirakl OR21).
  if (kind.decidesLines === 'refuses' && request.accepted_lines?.length) return first(channel, ...ACTION_KINDS.accept.reaches);
  // Parts of lines (some units, an amount) leave something on the lines: never the whole order.
  const wholeOrder = (request.lines === null || request.lines.length >= lineCount) && request.line_parts === undefined;
  // Parcels may leave units to ship in a later request: the order stays where it is until the
  // marketplace says it shipped.
  if (request.parcels) return undefined;
  // A refund or cancellation of some lines leaves the order where it is (another line may follow).
  if (!wholeOrder && kind.partly === 'unchanged') return undefined;
  return first(channel, ...kind.reaches);
}

/** The order's status after every pending action, in queue order. */
export function projectedStatus(channel: Channel, current: OrderStatus, pending: readonly ActionRequest[], lineCount: number): OrderStatus {
  let status = current;
  for (const request of pending) status = statusAfter(channel, request, lineCount) ?? status;
  return status;
}
