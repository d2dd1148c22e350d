/**
 * What the API writes to the log: which token made a request (its id and name, so an operator can
 * tell clients apart) and never the token itself, not even when a client puts it in the URL
 * (`?access_token=ow_...`); other secret-looking query parameters are redacted too.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../engine/api/tokens.ts';
import { createLogger, redactUrl } from '../engine/log.ts';
import { startApiHarness, type ApiHarness } from './helpers/api-server.ts';

describe('API log lines', () => {
  const lines: string[] = [];
  let h: ApiHarness;
  beforeAll(async () => {
    const destination = new Writable({ write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    } });
    h = await startApiHarness({ log: createLogger({ destination, level: 'info' }) });
  });
  afterAll(() => h?.close());

  it('name the token by id and name, and never hold its value, even when sent in the query string', async () => {
    const { token, record } = await createToken(h.store, { name: 'erp-production', accounts: ['worten-pt'] });
    expect((await h.call('GET', `/v1/orders?access_token=${token}&limit=1`, { token })).status).toBe(400);
    expect((await h.call('GET', `/v1/orders?limit=1&api_key=k-123456789&password=pw-987654321`, { token })).status).toBe(400);
    expect((await h.call('GET', '/v1/orders?limit=1', { token })).status).toBe(200);
    expect((await h.call('GET', `/v1/nowhere/${token}`, { token })).status).toBe(404);
    await new Promise((resolve) => setTimeout(resolve, 50));

    const all = lines.join('\n');
    for (const secret of [token, token.slice(3), 'k-123456789', 'pw-987654321']) expect(all).not.toContain(secret);
    const completed = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request completed');
    expect(completed.length).toBeGreaterThanOrEqual(3);
    for (const line of completed.slice(0, 3)) expect(line).toMatchObject({ token_id: record.id, token_name: 'erp-production' });
    expect(all).toContain('access_token=[redacted]');
    expect(all).toContain('/v1/orders?limit=1&api_key=[redacted]&password=[redacted]');
    expect(all).not.toMatch(/"token_id":"\[redacted\]"/);
  });

  it('redactUrl keeps what identifies the request and drops what authenticates it', () => {
    expect(redactUrl('/v1/orders?status=shipped&limit=2')).toBe('/v1/orders?status=shipped&limit=2');
    expect(redactUrl('/v1/orders?Access_Token=abc&x=1')).toBe('/v1/orders?Access_Token=[redacted]&x=1');
    expect(redactUrl('/v1/orders?client%5Fsecret=abc')).toBe('/v1/orders?client%5Fsecret=[redacted]');
    expect(redactUrl(`/v1/orders/ow_${'a'.repeat(43)}?after=ow_${'b'.repeat(43)}`)).toBe('/v1/orders/[redacted]?after=[redacted]');
    expect(redactUrl('https://erp.example.com/hook?sig=abc&id=7')).toBe('https://erp.example.com/hook?sig=[redacted]&id=7');
  });
});
