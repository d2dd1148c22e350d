/**
 * The generated order population as pure functions of (seed, index): when order N was created,
 * which sales channel and logistics it has, and what the seller did with it before the simulator
 * started (its "fate"). Nothing is stored per order, so a million orders cost no memory; creation
 * times grow with the index, so a date maps to an index by binary search.
 */
import { DAY, HOUR, KIND_EXTFBC, KIND_MKPFBC, KIND_SELLER, KIND_XDOCK, MINUTE, SALES_CHANNELS } from './domain.ts';

/** Refs below this are generated orders; refs from here up are orders created via /_admin. */
export const ADMIN_REF_BASE = 2 ** 30;

export const DECISION_ACCEPT = 0;
export const DECISION_REFUSE = 1;
export const DECISION_NONE = 2;

/**
 * The seller's historical reaction delays: one of a few typical delays plus a little jitter.
 * Few distinct offsets keep update-date windows mappable to a few narrow index ranges.
 */
export interface DelayChoice {
  readonly choices: readonly number[];
  readonly jitter: number;
}

export const FATE_DELAYS: Readonly<Record<'decision' | 'ship' | 'cancelBeforeShipment' | 'cancelAfterDelivery', DelayChoice>> = Object.freeze({
  decision: { choices: [30 * MINUTE, 90 * MINUTE, 4 * HOUR], jitter: 5 * MINUTE },
  ship: { choices: [3 * HOUR, 20 * HOUR, 28 * HOUR], jitter: 5 * MINUTE },
  cancelBeforeShipment: { choices: [2 * HOUR, 6 * HOUR], jitter: 5 * MINUTE },
  cancelAfterDelivery: { choices: [1 * DAY, 4 * DAY], jitter: 5 * MINUTE },
});

export interface Facts {
  ref: number;
  createdAt: number;
  /** Index into ORDER_KINDS. */
  kind: number;
  /** Index into SALES_CHANNELS. */
  channel: number;
  /** Seller's scripted behaviour; only actions dated before the simulator's start are applied. */
  scripted: boolean;
  decision: number;
  cancelBeforeShipment: boolean;
  cancelAfterDelivery: boolean;
  decisionDelay: number;
  shipDelay: number;
  cancelDelay: number;
  cancelAfterDelay: number;
}

export function emptyFacts(): Facts {
  return {
    ref: 0,
    createdAt: 0,
    kind: KIND_SELLER,
    channel: 0,
    scripted: false,
    decision: DECISION_NONE,
    cancelBeforeShipment: false,
    cancelAfterDelivery: false,
    decisionDelay: 0,
    shipDelay: 0,
    cancelDelay: 0,
    cancelAfterDelay: 0,
  };
}

export interface WorldOptions {
  seed: number;
  orders: number;
  startMs: number;
  historyDays: number;
  newOrdersPerHour: number;
}

const CHANNEL_THRESHOLDS = (() => {
  let acc = 0;
  return SALES_CHANNELS.map((c) => (acc += c.weight));
})();

export class World {
  readonly seed: number;
  readonly orders: number;
  readonly startMs: number;
  readonly historyStartMs: number;
  readonly spanMs: number;
  /** Simulated ms between two new orders; Infinity when none arrive. */
  readonly newOrderIntervalMs: number;
  readonly #seed32: number;

  constructor(opts: WorldOptions) {
    this.seed = opts.seed;
    this.orders = opts.orders;
    this.startMs = opts.startMs;
    this.spanMs = Math.round(opts.historyDays * DAY);
    this.historyStartMs = opts.startMs - this.spanMs;
    this.newOrderIntervalMs = opts.newOrdersPerHour > 0 ? HOUR / opts.newOrdersPerHour : Infinity;
    this.#seed32 = fmix32((opts.seed >>> 0) ^ Math.imul(Math.floor(opts.seed / 2 ** 32) >>> 0, 0x9e3779b1));
  }

  /** Uniform 32-bit value for (seed, ref, salt): the only source of per-order facts. */
  hash(ref: number, salt: number): number {
    return fmix32(this.#seed32 ^ fmix32((ref + Math.imul(salt, 0x9e3779b9)) >>> 0));
  }

  #unit(ref: number, salt: number): number {
    return this.hash(ref, salt) / 4294967296;
  }

  /** Non-decreasing in ref: history orders spread over historyDays, then one new order per interval. */
  createdAt(ref: number): number {
    const u = this.#unit(ref, 0);
    if (ref < this.orders) return this.historyStartMs + Math.floor(((ref + u) * this.spanMs) / this.orders);
    return this.startMs + Math.floor((ref - this.orders + u) * this.newOrderIntervalMs);
  }

  /** Number of generated orders that exist at `nowMs` (refs 0 .. count-1). */
  existingCount(nowMs: number): number {
    if (nowMs < this.startMs) return this.lowerBound(nowMs + 1, this.orders);
    if (!Number.isFinite(this.newOrderIntervalMs)) return this.orders;
    const maxNew = ADMIN_REF_BASE - this.orders;
    let j = Math.min(maxNew - 1, Math.floor((nowMs - this.startMs) / this.newOrderIntervalMs));
    while (j >= 0 && this.createdAt(this.orders + j) > nowMs) j--;
    return this.orders + j + 1;
  }

  /** First ref in [0, limit) created at or after `t` (limit when none). */
  lowerBound(t: number, limit: number): number {
    let lo = 0;
    let hi = limit;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.createdAt(mid) < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Fills `out` with the facts of generated order `ref` (no allocation: scans reuse one object). */
  facts(ref: number, out: Facts): Facts {
    out.ref = ref;
    out.createdAt = this.createdAt(ref);
    const k = this.#unit(ref, 1);
    out.kind = k < 0.08 ? KIND_MKPFBC : k < 0.12 ? KIND_EXTFBC : k < 0.15 ? KIND_XDOCK : KIND_SELLER;
    const c = this.#unit(ref, 2);
    let channel = 0;
    while (channel < CHANNEL_THRESHOLDS.length - 1 && c >= (CHANNEL_THRESHOLDS[channel] as number)) channel++;
    out.channel = channel;
    out.scripted = true;
    const d = this.#unit(ref, 3);
    out.decision = d < 0.9 ? DECISION_ACCEPT : d < 0.95 ? DECISION_REFUSE : DECISION_NONE;
    out.cancelBeforeShipment = this.#unit(ref, 4) < 0.07;
    out.cancelAfterDelivery = this.#unit(ref, 5) < 0.04;
    out.decisionDelay = delay(FATE_DELAYS.decision, this.hash(ref, 6));
    out.shipDelay = delay(FATE_DELAYS.ship, this.hash(ref, 7));
    out.cancelDelay = delay(FATE_DELAYS.cancelBeforeShipment, this.hash(ref, 8));
    out.cancelAfterDelay = delay(FATE_DELAYS.cancelAfterDelivery, this.hash(ref, 9));
    return out;
  }
}

/** A choice from the low bits, jitter in [0, jitter) from the high bits of one 32-bit hash. */
function delay(d: DelayChoice, h: number): number {
  return (d.choices[(h & 0xff) % d.choices.length] as number) + Math.floor(((h >>> 8) / 16777216) * d.jitter);
}

/** murmur3 finaliser. */
export function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
