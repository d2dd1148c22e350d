/**
 * Generated orders share a small set of "profiles": each fixes the channel, fulfilment centre,
 * shipping type, timings and the scripted history (fate) of the orders it is given to. Because
 * an order's timeline is its creation time plus its profile's offsets, the simulator can answer
 * "which orders are in state X / were updated between A and B" with a few index ranges per
 * profile instead of looking at every order (see query.ts).
 */
import { createRandom } from '../shared/random.ts';
import type { Random } from '../shared/random.ts';
import { CHANNELS, FULFILLMENT_CENTERS, SHIPPING_TYPES } from './catalog.ts';
import type { Channel, OrderState, ShippingType } from './catalog.ts';
import type { ChainStep, Delays, LifeShape } from './lifecycle.ts';
import { DAY, HOUR, MINUTE, followUps } from './lifecycle.ts';

/** What the scripted history does with the order (only before the simulator's start). */
export type Fate = 'happy' | 'partial' | 'refund_one' | 'refund_all' | 'refused' | 'auto_cancel' | 'fraud';

export interface Profile extends LifeShape {
  id: number;
  fate: Fate;
  channel: Channel | null;
  fulfillmentCenter: string;
  shippingType: ShippingType;
  paymentWorkflow: 'PAY_ON_ACCEPTANCE';
  taxMode: 'TAX_INCLUDED';
}

/** Power of two: the index -> profile permutation uses odd multipliers modulo this. */
export const PROFILE_COUNT = 64;

/** How many of the 64 profiles get each fate (sums to 64). */
const FATES: readonly [Fate, number][] = [
  ['happy', 40],
  ['partial', 4],
  ['refund_one', 6],
  ['refund_all', 3],
  ['refused', 4],
  ['auto_cancel', 4],
  ['fraud', 3],
];

function between(r: Random, min: number, max: number): number {
  return r.int(Math.round(min / 1000), Math.round(max / 1000)) * 1000;
}

function makeDelays(r: Random): Delays {
  return {
    staging: between(r, 1 * MINUTE, 10 * MINUTE),
    acceptAfter: between(r, 5 * MINUTE, 12 * HOUR),
    debit: between(r, 1 * MINUTE, 5 * MINUTE),
    payment: between(r, 1 * MINUTE, 10 * MINUTE),
    shipAfter: between(r, 2 * HOUR, 48 * HOUR),
    toCollect: between(r, 1 * DAY, 2 * DAY),
    deliver: between(r, 1 * DAY, 4 * DAY),
    close: between(r, 2 * DAY, 7 * DAY),
    refundAfter: between(r, 1 * DAY, 3 * DAY),
    refundPayment: between(r, 10 * MINUTE, 60 * MINUTE),
    refundDone: between(r, 1 * HOUR, 12 * HOUR),
  };
}

export function buildProfiles(seed: number): Profile[] {
  const root = createRandom(seed).fork('profiles');
  const fates = FATES.flatMap(([fate, n]) => Array.from({ length: n }, () => fate));
  return fates.map((fate, id) => {
    const r = root.fork(id);
    const channelRoll = r.next();
    const shippingType = r.chance(0.1) ? (SHIPPING_TYPES[2] as ShippingType) : r.pick(SHIPPING_TYPES.slice(0, 2));
    return {
      id,
      fate,
      delays: makeDelays(r),
      viaDebitPayment: r.chance(0.7),
      // 10 % of orders come without a channel (Mirakl's only_null_channel filter).
      channel: channelRoll < 0.1 ? null : (CHANNELS[channelRoll < 0.55 ? 0 : 1] as Channel),
      fulfillmentCenter: r.chance(0.8) ? FULFILLMENT_CENTERS[0] : r.pick(FULFILLMENT_CENTERS.slice(1)),
      shippingType,
      pickup: shippingType.pickup,
      paymentWorkflow: 'PAY_ON_ACCEPTANCE',
      taxMode: 'TAX_INCLUDED',
    };
  });
}

/** The scripted refund of refund_* fates: offsets from creation. */
export interface ScriptedRefund {
  createOff: number;
  paymentOff: number;
  doneOff: number;
  lines: 'first' | 'all';
}

/** The full scripted chain of a profile, as if the scripted seller always acted. */
export function scriptedChain(p: Profile, acceptanceDeadline: number): ChainStep[] {
  const d = p.delays;
  const chain: ChainStep[] = [{ off: 0, state: 'STAGING', kind: 'created', seller: false }];
  if (p.fate === 'fraud') {
    chain.push({ off: d.staging, state: 'CANCELED', kind: 'fraud_cancel', seller: false });
    return chain;
  }
  chain.push({ off: d.staging, state: 'WAITING_ACCEPTANCE', kind: 'validated', seller: false });
  if (p.fate === 'auto_cancel') {
    chain.push(...followUps('WAITING_ACCEPTANCE', d.staging, p, acceptanceDeadline));
    return chain;
  }
  const decided = d.staging + d.acceptAfter;
  if (p.fate === 'refused') {
    chain.push({ off: decided, state: 'REFUSED', kind: 'refuse', seller: true });
    return chain;
  }
  chain.push({ off: decided, state: 'WAITING_DEBIT', kind: 'accept', seller: true });
  const debit = followUps('WAITING_DEBIT', decided, p, acceptanceDeadline);
  chain.push(...debit);
  const shipped = (debit[debit.length - 1] as ChainStep).off + d.shipAfter;
  chain.push({ off: shipped, state: 'SHIPPED', kind: 'ship', seller: true });
  chain.push(...followUps('SHIPPED', shipped, p, acceptanceDeadline));
  return chain;
}

export function scriptedRefund(p: Profile, chain: readonly ChainStep[]): ScriptedRefund | null {
  if (p.fate !== 'refund_one' && p.fate !== 'refund_all') return null;
  const ship = chain.find((s) => s.kind === 'ship') as ChainStep;
  const createOff = ship.off + p.delays.refundAfter;
  const paymentOff = createOff + p.delays.refundPayment;
  return { createOff, paymentOff, doneOff: paymentOff + p.delays.refundDone, lines: p.fate === 'refund_all' ? 'all' : 'first' };
}

/**
 * The chain an order created at `c` really has: scripted seller steps after `start` never
 * happened (the real client acts from then on). An order left waiting for acceptance gets the
 * marketplace's automatic cancellation instead.
 */
export function cutChain(chain: readonly ChainStep[], c: number, start: number, p: Profile, acceptanceDeadline: number): ChainStep[] {
  const kept: ChainStep[] = [];
  for (const step of chain) {
    if (step.seller && c + step.off > start) {
      const last = kept[kept.length - 1] as ChainStep;
      if (last.state === 'WAITING_ACCEPTANCE') kept.push(...followUps('WAITING_ACCEPTANCE', last.off, p, acceptanceDeadline));
      return kept;
    }
    kept.push(step);
  }
  return kept;
}

/** Everything the list filters need about a generated order, without building it. */
export interface Summary {
  state: OrderState;
  /** last_updated_date - created_date. */
  lastOff: number;
  debited: boolean;
}

/** A profile with its chain precomputed once (hot path of every list request). */
export class CompiledProfile {
  readonly profile: Profile;
  readonly chain: readonly ChainStep[];
  readonly refund: ScriptedRefund | null;
  readonly acceptanceDeadline: number;
  /** Offsets at which something can happen (for breakpoints), and those that are seller steps. */
  readonly eventOffsets: readonly number[];
  readonly sellerOffsets: readonly number[];

  constructor(profile: Profile, acceptanceDeadline: number) {
    this.profile = profile;
    this.acceptanceDeadline = acceptanceDeadline;
    this.chain = scriptedChain(profile, acceptanceDeadline);
    this.refund = scriptedRefund(profile, this.chain);
    const events = new Set<number>(this.chain.map((s) => s.off));
    const seller = new Set<number>(this.chain.filter((s) => s.seller).map((s) => s.off));
    // A cut at the decision adds the automatic cancellation.
    const validated = this.chain.find((s) => s.kind === 'validated');
    if (validated) events.add(validated.off + acceptanceDeadline);
    if (this.refund) {
      events.add(this.refund.createOff).add(this.refund.paymentOff).add(this.refund.doneOff);
      seller.add(this.refund.createOff);
    }
    this.eventOffsets = [...events].sort((a, b) => a - b);
    this.sellerOffsets = [...seller].sort((a, b) => a - b);
  }

  chainFor(c: number, start: number): ChainStep[] {
    return cutChain(this.chain, c, start, this.profile, this.acceptanceDeadline);
  }

  refundFor(c: number, start: number): ScriptedRefund | null {
    return this.refund && c + this.refund.createOff <= start ? this.refund : null;
  }

  /** State, last update and debit of an order created at c (<= now), seen at now. */
  summary(c: number, start: number, now: number): Summary {
    const chain = this.chainFor(c, start);
    let state: OrderState = 'STAGING';
    let lastOff = 0;
    let debited = false;
    for (const step of chain) {
      if (c + step.off > now) break;
      state = step.state;
      lastOff = step.off;
      if (step.state === 'SHIPPING') debited = true;
    }
    const refund = this.refundFor(c, start);
    if (refund) {
      for (const off of [refund.createOff, refund.paymentOff, refund.doneOff]) if (c + off <= now && off > lastOff) lastOff = off;
    }
    return { state, lastOff, debited };
  }
}
