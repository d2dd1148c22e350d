/**
 * Input hygiene on every route, on both stores: text holding U+0000 or a lone surrogate (in a path
 * id, a query parameter, a body value or key) is refused with 400 and a field error before any
 * handler or store sees it (PostgreSQL answered 500, SQLite cut the text); instants outside 1970 to
 * 9999 are refused by the schema (year 0000 answered 500 on PostgreSQL). And every 4xx is
 * problem+json, including the ones Node's HTTP parser and fastify's router answer before a route
 * runs (400 malformed request, 414 over-long path segment, 431 oversized headers).
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isErrorCode } from '../engine/errors.ts';
import { startApiHarness, type ApiHarness } from './helpers/api-server.ts';
import { PG_SKIP_REASON, SKIP_PG } from './helpers/postgres.ts';
import { order } from './store-suite.ts';

const PROBLEM = 'application/problem+json';

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && SKIP_PG)(`input hygiene on every route (${kind})${kind === 'postgres' && SKIP_PG ? `: ${PG_SKIP_REASON}` : ''}`, () => {
    let h: ApiHarness;
    let token: string;
    let orderId: string;
    beforeAll(async () => {
      h = await startApiHarness({ store: kind });
      token = await h.token(['worten-pt']);
      await h.store.commitOrders([order('A1')]);
      orderId = (await h.store.getOrder('worten-pt', 'worten', 'A1'))!.id;
    });
    afterAll(() => h?.close());

    const expectTextRefused = (res: { status: number; headers: Headers; body: { code: string; errors: Array<{ field: string; code: string }> } }, field: string): void => {
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.headers.get('content-type')).toContain(PROBLEM);
      expect(res.body.code).toBe('API_REQUEST_INVALID');
      expect(res.body.errors).toContainEqual(expect.objectContaining({ field, code: 'INPUT_TEXT_INVALID' }));
    };

    it('refuses NUL in path ids and query parameters of every kind of route', async () => {
      expectTextRefused(await h.call('GET', `/v1/orders/${orderId}%00`, { token }), '/params/id');
      expectTextRefused(await h.call('GET', '/v1/actions/%00', { token }), '/params/id');
      expectTextRefused(await h.call('GET', '/v1/webhooks/x%00y/deliveries', { token }), '/params/id');
      expectTextRefused(await h.call('GET', '/v1/orders?marketplace_status=SHIPPED%00', { token }), '/query/marketplace_status');
      expectTextRefused(await h.call('GET', '/v1/orders?marketplace_order_id=%00', { token }), '/query/marketplace_order_id');
      expectTextRefused(await h.call('GET', '/v1/actions?marketplace_order_id=a%00', { token }), '/query/marketplace_order_id');
      expectTextRefused(await h.call('GET', '/v1/orders?after=%00', { token }), '/query/after');
    });

    it('refuses NUL and lone surrogates in body values and keys, and stores nothing', async () => {
      expectTextRefused(await h.call('PUT', `/v1/orders/${orderId}/acknowledgement`, { token, body: { reference: 'ERP-\u00001' } }), '/body/reference');
      expectTextRefused(await h.call('POST', `/v1/orders/${orderId}/import-error`, { token, rawBody: '{"message":"bad \\ud800 half"}', headers: { 'content-type': 'application/json' } }), '/body/message');
      expectTextRefused(await h.call('POST', `/v1/orders/${orderId}/actions`, { token, body: { action: 'ship', data: { carrier: 'UPS', tracking_number: 'X\u00001' } } }), '/body/data/tracking_number');
      const key = await h.call('POST', `/v1/orders/${orderId}/actions`, { token, rawBody: '{"action":"accept","data":{"a\\u0000b":1}}', headers: { 'content-type': 'application/json' } });
      expectTextRefused(key, '/body/data/a\\u0000b');
      expectTextRefused(await h.call('POST', '/v1/webhooks', { token, body: { url: 'https://erp.example.com/\u0000', description: 'x' } }), '/body/url');
      expectTextRefused(await h.call('POST', '/v1/webhooks', { token, rawBody: '{"url":"https://erp.example.com/h","description":"\\udc00"}', headers: { 'content-type': 'application/json' } }), '/body/description');
      expectTextRefused(await h.call('POST', '/v1/check', { token, body: { channel: 'worten', status: 'waiting_acceptance', action: 'accept', data: { x: ['ok', '\u0000'] } } }), '/body/data/x/1');
      expectTextRefused(await h.call('POST', '/v1/channel-files/validate', { token, body: { source: 'id: x\u0000' } }), '/body/source');

      expect(await h.store.getAcknowledgements([orderId])).toEqual(new Map());
      expect((await h.store.listActions({})).items).toEqual([]);
      expect(await h.store.listWebhookEndpoints()).toEqual([]);
    });

    it('refuses instants outside 1970 to 9999 with a field error, and accepts the bounds', async () => {
      for (const since of ['0000-01-01T00:00:00Z', '1969-12-31T23:59:59Z', '+010000-01-01T00:00:00Z', '2026-13-01T00:00:00Z']) {
        const res = await h.call('GET', `/v1/orders?updated_since=${encodeURIComponent(since)}`, { token });
        expect(res.status, since).toBe(400);
        expect(res.headers.get('content-type')).toContain(PROBLEM);
        expect(res.body.errors).toEqual([expect.objectContaining({ field: '/query/updated_since', code: 'SCHEMA_BAD_FORMAT', message: expect.stringContaining('between 1970-01-01 and 9999-12-31') })]);
      }
      expect((await h.call('GET', '/v1/orders?updated_since=1970-01-01T00:00:00Z', { token })).body.items).toHaveLength(1);
      expect((await h.call('GET', '/v1/orders?updated_since=9999-12-31T23:59:59Z', { token })).body.items).toHaveLength(0);
    });

    it('keeps the store itself to instants it can hold: years 1 to 9999', async () => {
      await expect(h.store.listOrders({ updated_since: '0000-01-01T00:00:00Z' })).rejects.toMatchObject({ code: 'STORE_ARGUMENT_INVALID' });
      expect((await h.store.listOrders({ updated_since: '0001-01-01T00:00:00Z' })).items).toHaveLength(1);
    });
  });
}

/** Sends raw bytes on a new connection and returns what the server answered before closing. */
function rawRequest(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
    socket.end(bytes);
  });
}

function parseRaw(answer: string): { status: number; type: string; body: { code: string; status: number } } {
  const [head, body] = answer.split('\r\n\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head!)?.[1]);
  const type = /content-type: ([^\r\n]+)/i.exec(head!)?.[1] ?? '';
  return { status, type, body: JSON.parse(body!) as { code: string; status: number } };
}

describe('errors answered before a route runs are problem+json', () => {
  let h: ApiHarness;
  let port: number;
  beforeAll(async () => {
    h = await startApiHarness();
    port = Number(new URL(h.url).port);
  });
  afterAll(() => h?.close());

  it('Node\'s HTTP parser: a malformed request line (400) and oversized headers (431)', async () => {
    for (const [bytes, status, code] of [
      ['NOT A REQUEST\r\n\r\n', 400, 'API_REQUEST_INVALID'],
      ['GET /v1/orders HTTP/1.1\r\nHost: x\r\nBad Header Name: 1\r\n\r\n', 400, 'API_REQUEST_INVALID'],
      [`GET /v1/orders HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'API_HEADERS_TOO_LARGE'],
      [`GET /v1/orders?${'q'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 431, 'API_HEADERS_TOO_LARGE'],
    ] as const) {
      const answer = parseRaw(await rawRequest(port, bytes));
      expect(answer, bytes.slice(0, 40)).toMatchObject({ status, type: PROBLEM, body: { code, status } });
      expect(isErrorCode(answer.body.code)).toBe(true);
    }
  });

  it('the router: an over-long path segment (414) and a path that is not UTF-8 (400)', async () => {
    const token = await h.token(['worten-pt']);
    const long = await h.call('GET', `/v1/orders/${'x'.repeat(150)}`, { token });
    expect(long).toMatchObject({ status: 414, body: { code: 'API_URI_TOO_LONG', status: 414 } });
    expect(long.headers.get('content-type')).toContain(PROBLEM);
    const notUtf8 = await h.call('GET', '/v1/orders/%ED%A0%80', { token });
    expect(notUtf8).toMatchObject({ status: 400, body: { code: 'API_REQUEST_INVALID', errors: [{ field: '/path', code: 'INPUT_TEXT_INVALID' }] } });
    expect(notUtf8.headers.get('content-type')).toContain(PROBLEM);
  });
});
