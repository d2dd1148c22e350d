/**
 * The retry policy, as pure functions: which outcome of one HTTP attempt is worth another
 * attempt, and how long to wait first. No I/O and no clock of its own (callers pass `now` and
 * `random`), so every rule is unit-tested without a server. The HTTP client applies it through
 * p-retry.
 *
 * A request that changes state (not idempotent) is attempted once: the client never repeats it.
 * How the attempt ended says what the caller may do next:
 * - `transient`: proven not to have reached the marketplace (connection refused, DNS failure,
 *   connect timeout, 429 with Retry-After): safe to send again, after the wait;
 * - `ambiguous`: it may have acted (5xx, reset or timeout after the request was written, 429
 *   without Retry-After): the caller reads the order back before anything else.
 */

/** What one attempt ended with, as far as retrying is concerned. */
export type AttemptResult =
  | { kind: 'response'; status: number; retryAfter?: string }
  /**
   * No response. `sent` says whether the request may have reached the marketplace: a refused
   * connection or a DNS failure was never sent; a reset or a response timeout may have acted.
   */
  | { kind: 'network'; code: string; sent: boolean }
  | { kind: 'timeout'; phase: string; sent: boolean }
  /**
   * A 2xx whose body cannot be read (cut short, malformed JSON): the marketplace answered, but
   * not with anything usable. A read is asked again like any transient failure; a request that
   * changes state was accepted (the status says so) and is not repeated.
   */
  | { kind: 'unreadable'; status: number };

export interface RetrySettings {
  /** Attempts in total, the first one included. */
  maxAttempts: number;
  /** First backoff ceiling in ms; doubles on each attempt (full jitter below it). */
  baseDelayMs: number;
  /** No wait (backoff or Retry-After) is longer than this. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: Readonly<RetrySettings> = Object.freeze({ maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 30_000 });

export type RetryDecision =
  | { retry: true; delayMs: number }
  /**
   * `final` says how the attempt counts for the caller: `transient` (safe to try later),
   * `rejected` (the marketplace said no) or `ambiguous` (it may have acted).
   */
  | { retry: false; final: 'success' | 'transient' | 'rejected' | 'ambiguous'; retryAfterMs?: number };

export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** 429 and 5xx say "not now"; other 4xx say "never like this". */
export function isRetriableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Methods whose repetition cannot do harm (RFC 9110 safe methods). */
export function isIdempotentMethod(method: string): boolean {
  const m = method.toUpperCase();
  return m === 'GET' || m === 'HEAD' || m === 'OPTIONS';
}

/**
 * Retry-After in ms from now: delta-seconds ("120") or an HTTP date. Undefined when absent or
 * unreadable; a date in the past gives 0.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/**
 * Exponential backoff with full jitter: a uniform wait in [0, min(max, base * 2^(attempt-1))).
 * `attempt` is the 1-based number of the attempt that just failed.
 */
export function backoffDelay(attempt: number, settings: RetrySettings, random: number): number {
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(ceiling * Math.min(Math.max(random, 0), 0.999999));
}

/**
 * How the outcome counts if it is not (or no longer) retried. For a request that is not
 * idempotent, only a failure proven to have happened before the marketplace could act is
 * `transient`; a 5xx may come after the change was applied (a gateway timing out in front of a
 * marketplace that went on), so it is `ambiguous` like a reset or a timeout after sending.
 */
export function finalKind(result: AttemptResult, idempotent: boolean, now: number = Date.now()): 'success' | 'transient' | 'rejected' | 'ambiguous' {
  if (result.kind === 'unreadable') return idempotent ? 'transient' : 'success';
  if (result.kind === 'response') {
    if (isSuccess(result.status)) return 'success';
    if (!isRetriableStatus(result.status)) return 'rejected';
    if (idempotent) return 'transient';
    // 429 with Retry-After: the rate limiter answered before the request was processed.
    if (result.status === 429 && parseRetryAfter(result.retryAfter, now) !== undefined) return 'transient';
    return 'ambiguous';
  }
  // A request that may have reached the marketplace cannot be repeated blindly unless repeating is harmless.
  return result.sent && !idempotent ? 'ambiguous' : 'transient';
}

/**
 * The decision after one attempt. A Retry-After longer than `maxDelayMs` is not waited for here:
 * the attempt ends `transient` with `retryAfterMs`, so the caller reschedules instead of blocking.
 * A request that is not idempotent is never retried here: its caller decides (see above).
 */
export function decideRetry(
  result: AttemptResult,
  ctx: { attempt: number; idempotent: boolean; settings: RetrySettings; now: number; random: number },
): RetryDecision {
  const final = finalKind(result, ctx.idempotent, ctx.now);
  const retryAfterMs = result.kind === 'response' ? parseRetryAfter(result.retryAfter, ctx.now) : undefined;
  const stop = (): RetryDecision => ({ retry: false, final, ...(retryAfterMs !== undefined && final === 'transient' && { retryAfterMs }) });
  if (final !== 'transient' || !ctx.idempotent) return stop();
  if (ctx.attempt >= ctx.settings.maxAttempts) return stop();
  if (retryAfterMs !== undefined) {
    if (retryAfterMs > ctx.settings.maxDelayMs) return stop();
    return { retry: true, delayMs: retryAfterMs };
  }
  return { retry: true, delayMs: backoffDelay(ctx.attempt, ctx.settings, ctx.random) };
}

/** Network error codes raised before any byte of the request left (safe to repeat). */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'EADDRNOTAVAIL']);

/** Timeout phases that end before the request is written. */
const NOT_SENT_PHASES = new Set(['lookup', 'connect', 'secureConnect']);

export function networkResult(code: string, uploaded: boolean): AttemptResult {
  return { kind: 'network', code, sent: uploaded || !NOT_SENT_CODES.has(code) };
}

export function timeoutResult(phase: string, uploaded: boolean): AttemptResult {
  return { kind: 'timeout', phase, sent: uploaded || !NOT_SENT_PHASES.has(phase) };
}
