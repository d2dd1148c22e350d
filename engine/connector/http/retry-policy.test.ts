import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  decideRetry,
  finalKind,
  isIdempotentMethod,
  networkResult,
  parseRetryAfter,
  timeoutResult,
  type AttemptResult,
  type RetrySettings,
} from './retry-policy.ts';

const settings: RetrySettings = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 5_000 };
const NOW = Date.parse('2026-11-22T10:00:00Z');
const ctx = (attempt: number, idempotent = true, random = 0.5) => ({ attempt, idempotent, settings, now: NOW, random });
const status = (s: number, retryAfter?: string): AttemptResult => ({ kind: 'response', status: s, ...(retryAfter !== undefined && { retryAfter }) });

describe('retry policy', () => {
  it('retries 429 and every 5xx of an idempotent request', () => {
    for (const s of [429, 500, 502, 503, 504]) expect(decideRetry(status(s), ctx(1, true)).retry, String(s)).toBe(true);
  });

  it('never retries a request that changes state: a 5xx may come after the change was applied, so it is ambiguous', () => {
    for (const s of [500, 502, 503, 504]) {
      expect(decideRetry(status(s), ctx(1, false)), String(s)).toEqual({ retry: false, final: 'ambiguous' });
      expect(decideRetry(status(s, '1'), ctx(1, false)), `${s} with Retry-After`).toEqual({ retry: false, final: 'ambiguous' });
    }
  });

  it('a 429 with Retry-After on a request that changes state was not processed: transient for the caller to reschedule, not retried here', () => {
    expect(decideRetry(status(429, '2'), ctx(1, false))).toEqual({ retry: false, final: 'transient', retryAfterMs: 2_000 });
    // Without Retry-After nothing proves the request was turned away before it acted.
    expect(decideRetry(status(429), ctx(1, false))).toEqual({ retry: false, final: 'ambiguous' });
    expect(decideRetry(status(429, 'soon'), ctx(1, false))).toEqual({ retry: false, final: 'ambiguous' });
  });

  it('never retries other 4xx: they are rejected', () => {
    for (const s of [400, 401, 403, 404, 409, 422]) {
      expect(decideRetry(status(s), ctx(1))).toEqual({ retry: false, final: 'rejected' });
    }
  });

  it('does not retry a success', () => {
    expect(decideRetry(status(204), ctx(1))).toEqual({ retry: false, final: 'success' });
  });

  it('a 2xx whose body cannot be read is read again; a request that changes state is not repeated (it was accepted)', () => {
    const unreadable: AttemptResult = { kind: 'unreadable', status: 200 };
    expect(decideRetry(unreadable, ctx(1, true)).retry).toBe(true);
    expect(decideRetry(unreadable, ctx(4, true))).toEqual({ retry: false, final: 'transient' });
    expect(decideRetry(unreadable, ctx(1, false))).toEqual({ retry: false, final: 'success' });
  });

  it('stops at maxAttempts and reports the failure as transient', () => {
    expect(decideRetry(status(503), ctx(3)).retry).toBe(true);
    expect(decideRetry(status(503), ctx(4))).toEqual({ retry: false, final: 'transient' });
  });

  it('honours Retry-After in seconds and as an HTTP date', () => {
    expect(decideRetry(status(429, '2'), ctx(1))).toEqual({ retry: true, delayMs: 2_000 });
    const date = new Date(NOW + 3_000).toUTCString();
    expect(decideRetry(status(503, date), ctx(1))).toEqual({ retry: true, delayMs: 3_000 });
  });

  it('does not block on a Retry-After longer than the cap: transient with retryAfterMs', () => {
    expect(decideRetry(status(429, '120'), ctx(1))).toEqual({ retry: false, final: 'transient', retryAfterMs: 120_000 });
  });

  it('keeps retryAfterMs on the last transient attempt', () => {
    expect(decideRetry(status(429, '1'), ctx(4))).toEqual({ retry: false, final: 'transient', retryAfterMs: 1_000 });
  });

  it('parses Retry-After strictly', () => {
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
    expect(parseRetryAfter('0', NOW)).toBe(0);
    expect(parseRetryAfter(' 7 ', NOW)).toBe(7_000);
    expect(parseRetryAfter('-1', NOW)).toBeUndefined();
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
    expect(parseRetryAfter(new Date(NOW - 5_000).toUTCString(), NOW)).toBe(0);
  });

  it('backs off exponentially with full jitter, capped', () => {
    expect(backoffDelay(1, settings, 0)).toBe(0);
    expect(backoffDelay(1, settings, 0.5)).toBe(50);
    expect(backoffDelay(2, settings, 0.5)).toBe(100);
    expect(backoffDelay(3, settings, 0.5)).toBe(200);
    expect(backoffDelay(30, settings, 0.5)).toBe(2_500);
    // Never the ceiling itself, never above the cap.
    expect(backoffDelay(30, settings, 1)).toBeLessThan(5_000);
    for (let attempt = 1; attempt < 10; attempt++) {
      const d = decideRetry(status(500), ctx(Math.min(attempt, 3), true, 0.999));
      expect(d.retry && d.delayMs).toBeLessThanOrEqual(5_000);
    }
  });

  it('retries network errors and timeouts of idempotent requests', () => {
    expect(decideRetry(networkResult('ECONNRESET', true), ctx(1, true)).retry).toBe(true);
    expect(decideRetry(timeoutResult('response', true), ctx(1, true)).retry).toBe(true);
  });

  it('never repeats a non-idempotent request that may have been sent: ambiguous', () => {
    expect(decideRetry(timeoutResult('response', true), ctx(1, false))).toEqual({ retry: false, final: 'ambiguous' });
    expect(decideRetry(networkResult('ECONNRESET', false), ctx(1, false))).toEqual({ retry: false, final: 'ambiguous' });
    expect(decideRetry(timeoutResult('send', false), ctx(1, false))).toEqual({ retry: false, final: 'ambiguous' });
  });

  it('a non-idempotent request that never left (refused connection, DNS, connect timeout) is transient, for the caller to send again', () => {
    expect(decideRetry(networkResult('ECONNREFUSED', false), ctx(1, false))).toEqual({ retry: false, final: 'transient' });
    expect(decideRetry(networkResult('ENOTFOUND', false), ctx(1, false))).toEqual({ retry: false, final: 'transient' });
    expect(decideRetry(timeoutResult('connect', false), ctx(1, false))).toEqual({ retry: false, final: 'transient' });
    expect(finalKind(networkResult('ECONNREFUSED', false), false)).toBe('transient');
    // The same failures of an idempotent request are retried here.
    expect(decideRetry(networkResult('ECONNREFUSED', false), ctx(1, true)).retry).toBe(true);
  });

  it('knows the safe methods', () => {
    expect(isIdempotentMethod('get')).toBe(true);
    expect(isIdempotentMethod('HEAD')).toBe(true);
    expect(isIdempotentMethod('PUT')).toBe(false);
    expect(isIdempotentMethod('POST')).toBe(false);
  });
});
