/**
 * After an ambiguous failure (the request may or may not have reached the marketplace), the
 * engine reads the order back and decides from its status whether the action took effect, before
 * any retry: a retry of an action that already took effect would send it twice.
 */
import type { ActionName, NormalizedStatus } from '../channel/model.ts';
import type { OrderStatus } from '../order/model.ts';

/** Statuses an order can reach once each action has taken effect (directly or on the clock). */
const EFFECT: Record<ActionName, readonly NormalizedStatus[]> = {
  accept: ['accepted', 'waiting_shipment', 'shipped', 'closed', 'refunding', 'refunded'],
  refuse: ['refused', 'canceled'],
  ship: ['shipped', 'closed', 'refunding', 'refunded'],
  refund: ['refunding', 'refunded', 'canceled'],
  cancel: ['canceled', 'refunded'],
};

export type EffectVerdict = 'took_effect' | 'not_yet' | 'unclear';

/**
 * took_effect: the order moved to a status the action leads to; not_yet: it is still in the
 * status the action was validated in (safe to send again); unclear: it moved elsewhere (a human
 * should look: needs_attention).
 */
export function actionEffect(action: ActionName, validatedIn: NormalizedStatus, now: OrderStatus): EffectVerdict {
  if (now === validatedIn) {
    // A refund can leave a Worten order "shipped" with refunded lines; the line check is the
    // connector's business, the order level says "not yet".
    return 'not_yet';
  }
  if (now !== 'unknown' && EFFECT[action].includes(now)) return 'took_effect';
  return 'unclear';
}
