/**
 * Seeded deterministic randomness. Same seed, same sequence, on every machine: the generators
 * derive each order from `fork(index)` so order N never depends on how many others were drawn.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  /** True with probability p. */
  chance(p: number): boolean;
  /** An independent stream derived from this stream's seed and a label; does not consume this stream. */
  fork(label: string | number): Random;
}

export function createRandom(seed: number): Random {
  if (!Number.isFinite(seed)) throw new RangeError(`random seed must be a finite number, got ${seed}`);
  return new Sfc32(mixSeed(hashNumber(seed)));
}

/**
 * A stateless 32-bit hash of integers, for per-index scalars (e.g. an arrival jitter) that must
 * be cheap to recompute a million times; `hash32(seed, index) / 2 ** 32` is uniform in [0, 1).
 */
export function hash32(...parts: number[]): number {
  let h = 0x2545f491;
  for (const part of parts) h = mixSeed(h ^ hashNumber(part), 0x9e3779b9);
  return h;
}

/** sfc32 (Chris Doty-Humphrey's small fast chaotic PRNG): 128-bit state, passes PractRand. */
class Sfc32 implements Random {
  #a: number;
  #b: number;
  #c: number;
  #d: number;
  readonly #seed: number;

  constructor(seed: number) {
    this.#seed = seed >>> 0;
    this.#a = 0x9e3779b9;
    this.#b = 0x243f6a88;
    this.#c = 0xb7e15162;
    this.#d = this.#seed;
    // Warm up so nearby seeds diverge.
    for (let i = 0; i < 12; i++) this.#u32();
  }

  #u32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  next(): number {
    return this.#u32() / 4294967296;
  }

  int(min: number, max: number): number {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
      throw new RangeError(`random.int: need integers min <= max, got ${min}, ${max}`);
    }
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('random.pick: empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  fork(label: string | number): Random {
    const h = typeof label === 'number' ? hashNumber(label) : hashString(label);
    return new Sfc32(mixSeed((this.#seed ^ Math.imul(h, 0x85ebca6b)) >>> 0, h));
  }
}

/** murmur3 finaliser: spreads every input bit over the output. */
function mixSeed(x: number, y = 0): number {
  let h = (x ^ Math.imul(y, 0xcc9e2d51)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hashNumber(n: number): number {
  // Integers up to 2^53 keep both halves; other numbers hash their decimal text.
  if (Number.isSafeInteger(n)) {
    const lo = n >>> 0;
    const hi = Math.floor(n / 4294967296) >>> 0;
    return mixSeed(lo, hi ^ (n < 0 ? 0x5bd1e995 : 0));
  }
  return hashString(String(n));
}

/** FNV-1a over UTF-16 code units. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mixSeed(h >>> 0, 0x27d4eb2f);
}
