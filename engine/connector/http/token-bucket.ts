/**
 * A token bucket as pure state transitions: `limit` tokens per `perMs`, refilled continuously,
 * starting full. `take` never fails: it says how long to wait before the token is yours, and the
 * token is reserved at once, so callers queued behind wait their own turn.
 */
export interface BucketState {
  /** Tokens available at `at` (negative when reservations are queued). */
  tokens: number;
  at: number;
}

export interface BucketSpec {
  limit: number;
  perMs: number;
}

export function initialBucket(spec: BucketSpec, now: number): BucketState {
  return { tokens: spec.limit, at: now };
}

function refill(state: BucketState, spec: BucketSpec, now: number): number {
  const elapsed = Math.max(0, now - state.at);
  return Math.min(spec.limit, state.tokens + (elapsed * spec.limit) / spec.perMs);
}

/** Reserves one token: the new state and the wait in ms before using it (0 when available now). */
export function takeToken(state: BucketState, spec: BucketSpec, now: number): { state: BucketState; waitMs: number } {
  const tokens = refill(state, spec, now) - 1;
  const waitMs = tokens >= 0 ? 0 : Math.ceil((-tokens * spec.perMs) / spec.limit);
  return { state: { tokens, at: now }, waitMs };
}
