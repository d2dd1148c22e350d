/**
 * The order life the marketplace drives on its own clock, as offsets from a starting time:
 * STAGING -> WAITING_ACCEPTANCE (fraud check), WAITING_ACCEPTANCE -> CANCELED when nobody
 * decides in time, debit -> SHIPPING, SHIPPED -> (TO_COLLECT) -> RECEIVED -> CLOSED, and refunds
 * WAITING_REFUND -> WAITING_REFUND_PAYMENT -> REFUNDED. Seller steps (accept, refuse, ship,
 * refund) only ever come from the seller — in generated history, from a script that stops at the
 * simulator's start time, after which only real API calls act.
 */
import type { OrderState } from './catalog.ts';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export interface Delays {
  /** STAGING -> WAITING_ACCEPTANCE (or -> CANCELED for orders failing the fraud check). */
  staging: number;
  /** Scripted history only: WAITING_ACCEPTANCE -> seller's decision. */
  acceptAfter: number;
  /** WAITING_DEBIT -> WAITING_DEBIT_PAYMENT (or -> SHIPPING without that step). */
  debit: number;
  /** WAITING_DEBIT_PAYMENT -> SHIPPING. */
  payment: number;
  /** Scripted history only: SHIPPING -> seller ships. */
  shipAfter: number;
  /** SHIPPED -> TO_COLLECT (pick-up orders). */
  toCollect: number;
  /** SHIPPED (or TO_COLLECT) -> RECEIVED. */
  deliver: number;
  /** RECEIVED -> CLOSED. */
  close: number;
  /** Scripted history only: SHIPPED -> seller refunds. */
  refundAfter: number;
  /** Refund WAITING_REFUND -> WAITING_REFUND_PAYMENT. */
  refundPayment: number;
  /** Refund WAITING_REFUND_PAYMENT -> REFUNDED. */
  refundDone: number;
}

export type StepKind =
  | 'created'
  | 'validated'
  | 'fraud_cancel'
  | 'accept'
  | 'refuse'
  | 'auto_cancel'
  | 'debit'
  | 'debit_payment'
  | 'ship'
  | 'to_collect'
  | 'receive'
  | 'close'
  | 'cancel'
  | 'forced';

/** A state change `off` ms after a reference time. `seller` steps are seller actions. */
export interface ChainStep {
  off: number;
  state: OrderState;
  kind: StepKind;
  seller: boolean;
}

export interface LifeShape {
  delays: Delays;
  /** Debit passes through WAITING_DEBIT_PAYMENT. */
  viaDebitPayment: boolean;
  /** Click & collect: SHIPPED -> TO_COLLECT -> RECEIVED. */
  pickup: boolean;
}

/** Marketplace steps that follow entering `state` at offset `at` (none for states that wait for the seller). */
export function followUps(state: OrderState, at: number, shape: LifeShape, acceptanceDeadline: number): ChainStep[] {
  const d = shape.delays;
  const step = (off: number, s: OrderState, kind: StepKind): ChainStep => ({ off, state: s, kind, seller: false });
  switch (state) {
    case 'STAGING':
      return [step(at + d.staging, 'WAITING_ACCEPTANCE', 'validated'), ...followUps('WAITING_ACCEPTANCE', at + d.staging, shape, acceptanceDeadline)];
    case 'WAITING_ACCEPTANCE':
      return [step(at + acceptanceDeadline, 'CANCELED', 'auto_cancel')];
    case 'WAITING_DEBIT':
      return shape.viaDebitPayment
        ? [step(at + d.debit, 'WAITING_DEBIT_PAYMENT', 'debit'), step(at + d.debit + d.payment, 'SHIPPING', 'debit_payment')]
        : [step(at + d.debit, 'SHIPPING', 'debit')];
    case 'WAITING_DEBIT_PAYMENT':
      return [step(at + d.payment, 'SHIPPING', 'debit_payment')];
    case 'SHIPPED':
      if (shape.pickup) return [step(at + d.toCollect, 'TO_COLLECT', 'to_collect'), ...followUps('TO_COLLECT', at + d.toCollect, shape, acceptanceDeadline)];
      return [step(at + d.deliver, 'RECEIVED', 'receive'), step(at + d.deliver + d.close, 'CLOSED', 'close')];
    case 'TO_COLLECT':
      return [step(at + d.deliver, 'RECEIVED', 'receive'), step(at + d.deliver + d.close, 'CLOSED', 'close')];
    case 'RECEIVED':
      return [step(at + d.close, 'CLOSED', 'close')];
    default:
      return [];
  }
}

/** Which states a forced admin transition may reach from a state: forward along the life, or off-path ends. */
const FORWARD: Record<OrderState, readonly OrderState[]> = {
  STAGING: ['WAITING_ACCEPTANCE', 'CANCELED'],
  WAITING_ACCEPTANCE: ['WAITING_DEBIT', 'REFUSED', 'CANCELED'],
  WAITING_DEBIT: ['WAITING_DEBIT_PAYMENT', 'SHIPPING', 'CANCELED'],
  WAITING_DEBIT_PAYMENT: ['SHIPPING', 'CANCELED'],
  SHIPPING: ['SHIPPED', 'CANCELED'],
  SHIPPED: ['TO_COLLECT', 'RECEIVED', 'CLOSED'],
  TO_COLLECT: ['RECEIVED', 'CLOSED'],
  RECEIVED: ['CLOSED'],
  CLOSED: [],
  REFUSED: [],
  CANCELED: [],
};

/** True when `to` is reachable from `from` by marketplace or seller steps (transitively). */
export function canReach(from: OrderState, to: OrderState): boolean {
  const seen = new Set<OrderState>();
  const queue: OrderState[] = [from];
  while (queue.length > 0) {
    const s = queue.shift() as OrderState;
    for (const next of FORWARD[s]) {
      if (next === to) return true;
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return false;
}
