/**
 * Failed authentication is rate-limited per client address: after the allowed number of missing,
 * unknown or revoked tokens in a window, the address gets 429 API_AUTH_RATE_LIMITED with
 * Retry-After (even with a valid token) until the window ends; other addresses are not affected.
 */
import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthFailureLimiter } from '../engine/api/auth-failures.ts';
import { startApiHarness, type ApiHarness } from './helpers/api-server.ts';

/** A GET from a chosen loopback source address (fetch cannot choose one). */
function getFrom(localAddress: string, url: string, token?: string): Promise<{ status: number; type: string; retryAfter?: string; body: { code: string } }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { localAddress, headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), ...(res.headers['retry-after'] !== undefined && { retryAfter: String(res.headers['retry-after']) }), body: JSON.parse(text) as { code: string } }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('failed authentication per client address', () => {
  let h: ApiHarness;
  beforeEach(async () => {
    h = await startApiHarness({ authFailures: { max: 5, windowMs: 60_000 } });
  });
  afterEach(() => h.close());

  it('answers 429 with Retry-After once an address has failed too often, valid token or not; other addresses go on', async () => {
    const valid = await h.token(['worten-pt']);
    const orders = `${h.url}/v1/orders`;
    for (let i = 0; i < 5; i++) {
      const bad = await getFrom('127.0.0.1', orders, i % 2 ? undefined : `ow_${'x'.repeat(43)}`);
      expect(bad.status).toBe(401);
    }
    const limited = await getFrom('127.0.0.1', orders, `ow_${'y'.repeat(43)}`);
    expect(limited).toMatchObject({ status: 429, type: expect.stringContaining('application/problem+json'), body: { code: 'API_AUTH_RATE_LIMITED' } });
    expect(Number(limited.retryAfter)).toBeGreaterThan(50);
    expect(Number(limited.retryAfter)).toBeLessThanOrEqual(60);
    expect((await getFrom('127.0.0.1', orders, valid)).status).toBe(429);
    // Routes without authentication are not refused, and another address is not affected.
    expect((await h.call('GET', '/healthz')).status).toBe(200);
    expect((await getFrom('127.0.0.2', orders, valid)).status).toBe(200);
  });

  it('forgets an address once its window has passed', () => {
    let now = 1_000_000;
    const limiter = new AuthFailureLimiter({ max: 2, windowMs: 10_000 }, () => now);
    limiter.recordFailure('10.0.0.1');
    expect(limiter.blockedFor('10.0.0.1')).toBe(0);
    limiter.recordFailure('10.0.0.1');
    expect(limiter.blockedFor('10.0.0.1')).toBe(10_000);
    now += 4_000;
    expect(limiter.blockedFor('10.0.0.1')).toBe(6_000);
    now += 6_000;
    expect(limiter.blockedFor('10.0.0.1')).toBe(0);
    limiter.recordFailure('10.0.0.1');
    expect(limiter.blockedFor('10.0.0.1')).toBe(0);
  });
});
