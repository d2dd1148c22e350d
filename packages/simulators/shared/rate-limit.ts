/**
 * Per-key sliding-window limiter for marketplace call-frequency ceilings (OR11 once a minute,
 * OR07 60 an hour, SH21 once a day). Time is passed in, so the simulated clock drives it and
 * tests stay deterministic.
 */
export interface RateLimiterOptions {
  /** Shorthand for `{ limit: perMinute, windowMs: 60_000 }`. */
  perMinute?: number;
  limit?: number;
  windowMs?: number;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

/** Keys whose windows are empty are dropped every so many calls, so memory follows active keys. */
const PRUNE_EVERY = 1024;

export class RateLimiter {
  readonly limit: number;
  readonly windowMs: number;
  readonly #hits = new Map<string, number[]>();
  #calls = 0;

  constructor(opts: RateLimiterOptions) {
    const limit = opts.limit ?? opts.perMinute;
    const windowMs = opts.windowMs ?? 60_000;
    if (limit === undefined || !Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`RateLimiter: limit must be an integer >= 1, got ${String(limit)}`);
    }
    if (!Number.isFinite(windowMs) || windowMs <= 0) throw new RangeError(`RateLimiter: windowMs must be > 0, got ${windowMs}`);
    this.limit = limit;
    this.windowMs = windowMs;
  }

  /** Counts one call for `key` at `nowMs` when allowed; a refused call is not counted. */
  take(key: string, nowMs: number): RateDecision {
    if (++this.#calls % PRUNE_EVERY === 0) this.#prune(nowMs);
    let hits = this.#hits.get(key);
    if (!hits) {
      hits = [];
      this.#hits.set(key, hits);
    }
    const from = nowMs - this.windowMs;
    while (hits.length > 0 && (hits[0] as number) <= from) hits.shift();
    if (hits.length < this.limit) {
      hits.push(nowMs);
      return { ok: true };
    }
    const oldest = hits[0] as number;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + this.windowMs - nowMs) / 1000)) };
  }

  reset(): void {
    this.#hits.clear();
  }

  #prune(nowMs: number): void {
    for (const [key, hits] of this.#hits) {
      if (hits.length === 0 || (hits[hits.length - 1] as number) <= nowMs - this.windowMs) this.#hits.delete(key);
    }
  }
}
