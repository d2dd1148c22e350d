/**
 * When generated order number i appears, and which profile it follows — both computed from
 * (seed, i) in O(1), so a million orders cost no memory. Creation times never decrease with i,
 * which turns creation-date filters into index ranges.
 */
import { hash32 } from '../shared/random.ts';
import { HOUR } from './lifecycle.ts';
import { PROFILE_COUNT } from './profiles.ts';

const MASK = PROFILE_COUNT - 1;
const TWO_32 = 4294967296;

/** Inverses of the odd numbers modulo PROFILE_COUNT (a power of two). */
const ODD_INVERSE: number[] = (() => {
  const inv: number[] = [];
  for (let a = 1; a < PROFILE_COUNT; a += 2) {
    for (let x = 1; x < PROFILE_COUNT; x += 2) if (((a * x) & MASK) === 1) inv[a] = x;
  }
  return inv;
})();

export interface ScheduleOptions {
  seed: number;
  /** Orders created before `start`, spread over `historyMs`. */
  orders: number;
  historyMs: number;
  start: number;
  /** Orders created after `start`, per simulated hour (0: none). */
  newOrdersPerHour: number;
}

export class Schedule {
  readonly seed: number;
  readonly orders: number;
  readonly start: number;
  readonly base: number;
  readonly #historySlot: number;
  readonly #newSlot: number;

  constructor(opts: ScheduleOptions) {
    this.seed = opts.seed;
    this.orders = opts.orders;
    this.start = opts.start;
    this.base = opts.start - opts.historyMs;
    this.#historySlot = opts.orders > 0 ? opts.historyMs / opts.orders : 0;
    this.#newSlot = opts.newOrdersPerHour > 0 ? HOUR / opts.newOrdersPerHour : Infinity;
  }

  /** Creation time (ms) of generated order i: one per slot, at a random point inside it. */
  created(i: number): number {
    const u = hash32(this.seed, i, 1) / TWO_32;
    if (i < this.orders) return this.base + Math.floor((i + u) * this.#historySlot);
    return this.start + Math.floor((i - this.orders + u) * this.#newSlot);
  }

  /** Smallest index whose creation time is >= c (the number of orders created before c). */
  lowerBound(c: number): number {
    const n = this.orders;
    if (n > 0 && c <= this.created(n - 1)) {
      let j = Math.max(0, Math.min(n - 1, Math.floor((c - this.base) / this.#historySlot) - 1));
      while (j > 0 && this.created(j - 1) >= c) j--;
      while (j < n && this.created(j) < c) j++;
      return j;
    }
    if (!Number.isFinite(this.#newSlot) || c <= this.start) return n;
    const approx = Math.floor((c - this.start) / this.#newSlot) - 1;
    if (!Number.isSafeInteger(n + approx + 2)) return Number.MAX_SAFE_INTEGER;
    let j = n + Math.max(0, approx);
    while (j > n && this.created(j - 1) >= c) j--;
    while (this.created(j) < c) j++;
    return j;
  }

  /** Generated orders that exist at `now`. */
  visibleCount(now: number): number {
    return this.lowerBound(now + 1);
  }

  #perm(block: number): { a: number; c: number } {
    return { a: (hash32(this.seed, block, 2) | 1) & MASK, c: hash32(this.seed, block, 3) & MASK };
  }

  /** Profiles are dealt out in blocks of PROFILE_COUNT, each block a seeded permutation. */
  profileOf(i: number): number {
    const block = Math.floor(i / PROFILE_COUNT);
    const { a, c } = this.#perm(block);
    return (a * (i - block * PROFILE_COUNT) + c) & MASK;
  }

  /** The index in `block` that gets `profile`. */
  indexInBlock(profile: number, block: number): number {
    const { a, c } = this.#perm(block);
    return block * PROFILE_COUNT + (((ODD_INVERSE[a] as number) * (profile - c)) & MASK);
  }

  /** How many indices in [0, end) follow `profile`. */
  countProfileBelow(profile: number, end: number): number {
    if (end <= 0) return 0;
    const block = Math.floor(end / PROFILE_COUNT);
    return block + (this.indexInBlock(profile, block) < end ? 1 : 0);
  }

  /** Smallest index >= from following `profile`. */
  nextOfProfile(profile: number, from: number): number {
    const block = Math.floor(from / PROFILE_COUNT);
    let i = this.indexInBlock(profile, block);
    if (i < from) i = this.indexInBlock(profile, block + 1);
    return i;
  }
}
