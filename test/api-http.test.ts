/**
 * The back-office API over real HTTP (fastify listening on 127.0.0.1:0, a real SQLite store):
 * authentication and scope, strict schemas, limits, the order feed and its pagination,
 * acknowledgements, actions, channels, and the operations routes.
 */
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { describeChannel } from '../engine/channel/describe.ts';
import { createLogger } from '../engine/log.ts';
import { startApiHarness, type ApiHarness } from './helpers/api-server.ts';
import { at, line, order } from './store-suite.ts';

const T0 = '2025-03-01T10:00:00.000Z';

describe('back-office API', () => {
  let h: ApiHarness;
  let pt: string;
  let all: string;
  const logs: string[] = [];
  beforeEach(async () => {
    logs.length = 0;
    const destination = new Writable({ write(chunk: Buffer, _enc, cb) { logs.push(chunk.toString()); cb(); } });
    h = await startApiHarness({ log: createLogger({ level: 'info', destination: destination as never }), rateLimit: { max: 1000, timeWindowMs: 60_000 } });
    pt = await h.token(['worten-pt']);
    all = await h.token(['worten-pt', 'worten-es', 'cd-fr']);
  });
  afterEach(async () => {
    await h.close();
  });

  const ids = (body: { items: Array<{ marketplace_order_id: string }> }): string[] => body.items.map((o) => o.marketplace_order_id);

  describe('authentication and scope', () => {
    it('answers 401 without a token and with a wrong or revoked one, as problem+json, and never logs the token', async () => {
      const none = await h.call('GET', '/v1/orders');
      expect(none.status).toBe(401);
      expect(none.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(none.body).toMatchObject({ status: 401, code: 'API_AUTH_REQUIRED', title: expect.any(String), type: expect.any(String) });
      const wrong = await h.call('GET', '/v1/orders', { token: `ow_${'A'.repeat(43)}` });
      expect(wrong).toMatchObject({ status: 401, body: { code: 'API_TOKEN_INVALID' } });
      expect((await h.call('GET', '/v1/orders', { headers: { authorization: 'Basic dXNlcjpwYXNz' } })).body.code).toBe('API_TOKEN_INVALID');
      expect((await h.call('GET', '/v1/orders', { token: pt })).status).toBe(200);
      const [record] = (await h.store.listApiTokens()).filter((t) => t.accounts.length === 1);
      await h.store.revokeApiToken(record!.id);
      expect((await h.call('GET', '/v1/orders', { token: pt })).body.code).toBe('API_TOKEN_INVALID');
      expect(logs.join('')).toContain('/v1/orders');
      expect(logs.join('')).not.toContain(pt);
    });

    it('answers 403 for a filter on another account and 404 for resources of another account', async () => {
      await h.store.commitOrders([order('E1', { account: 'worten-es' })]);
      const es = (await h.store.getOrder('worten-es', 'worten', 'E1'))!;
      const forbidden = await h.call('GET', '/v1/orders?account=worten-es', { token: pt });
      expect(forbidden).toMatchObject({ status: 403, body: { code: 'API_ACCOUNT_FORBIDDEN', errors: [{ field: '/query/account', code: 'API_ACCOUNT_FORBIDDEN' }] } });
      expect(ids((await h.call('GET', '/v1/orders', { token: pt })).body)).toEqual([]);
      expect(await h.call('GET', `/v1/orders/${es.id}`, { token: pt })).toMatchObject({ status: 404, body: { code: 'ORDER_NOT_FOUND' } });
      expect((await h.call('GET', `/v1/orders/${es.id}`, { token: all })).status).toBe(200);
      expect((await h.call('POST', `/v1/orders/${es.id}/actions`, { token: pt, body: { action: 'accept' } })).status).toBe(404);
      expect((await h.call('POST', '/v1/webhooks', { token: pt, body: { url: 'http://127.0.0.1:9/x', accounts: ['worten-es'] } })).status).toBe(403);
    });
  });

  describe('strict schemas and limits', () => {
    it('rejects unknown fields, wrong types and missing fields with one field error each', async () => {
      await h.store.commitOrders([order('A1')]);
      const id = (await h.store.getOrder('worten-pt', 'worten', 'A1'))!.id;
      const res = await h.call('POST', `/v1/orders/${id}/actions`, { token: pt, body: { action: 'accept', data: {}, lines: 'L1', colour: 'red' } });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('API_REQUEST_INVALID');
      expect(res.body.errors).toEqual(expect.arrayContaining([
        { field: '/body/colour', code: 'SCHEMA_UNKNOWN_KEY', message: 'unknown field' },
        expect.objectContaining({ field: '/body/lines', code: 'SCHEMA_WRONG_TYPE' }),
      ]));
      const missing = await h.call('PUT', `/v1/orders/${id}/acknowledgement`, { token: pt, body: {} });
      expect(missing.body.errors).toEqual([{ field: '/body/reference', code: 'SCHEMA_MISSING_KEY', message: 'is required' }]);
      const query = await h.call('GET', '/v1/orders?status=lost&limit=0&colour=red', { token: pt });
      expect(query.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['/query/colour', '/query/limit', '/query/status']);
      const badCursor = await h.call('GET', '/v1/orders?after=garbage', { token: pt });
      expect(badCursor).toMatchObject({ status: 400, body: { code: 'STORE_PAGE_CURSOR_INVALID', errors: [{ field: '/query/after' }] } });
      const badJson = await h.call('POST', `/v1/orders/${id}/import-error`, { token: pt, rawBody: '{"message":', headers: { 'content-type': 'application/json' } });
      expect(badJson).toMatchObject({ status: 400, body: { code: 'API_REQUEST_INVALID' } });
      const text = await h.call('POST', `/v1/orders/${id}/import-error`, { token: pt, rawBody: 'hello', headers: { 'content-type': 'text/plain' } });
      expect(text).toMatchObject({ status: 415, body: { code: 'API_UNSUPPORTED_MEDIA_TYPE' } });
      expect(await h.call('GET', '/v1/nothing-here', { token: pt })).toMatchObject({ status: 404, body: { code: 'API_ROUTE_NOT_FOUND' } });
    });

    it('refuses bodies over the limit with 413', async () => {
      await h.store.commitOrders([order('A1')]);
      const id = (await h.store.getOrder('worten-pt', 'worten', 'A1'))!.id;
      const res = await h.call('POST', `/v1/orders/${id}/import-error`, { token: pt, body: { message: 'x'.repeat(70 * 1024) } });
      expect(res).toMatchObject({ status: 413, body: { code: 'API_BODY_TOO_LARGE' } });
    });

    it('limits requests per token with 429 and Retry-After; other tokens keep their budget', async () => {
      const limited = await startApiHarness({ rateLimit: { max: 3, timeWindowMs: 60_000 } });
      try {
        const a = await limited.token(['worten-pt']);
        const b = await limited.token(['worten-pt']);
        for (let i = 0; i < 3; i++) expect((await limited.call('GET', '/v1/orders', { token: a })).status).toBe(200);
        const res = await limited.call('GET', '/v1/orders', { token: a });
        expect(res).toMatchObject({ status: 429, body: { code: 'API_RATE_LIMITED' } });
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
        expect((await limited.call('GET', '/v1/orders', { token: b })).status).toBe(200);
        expect((await limited.call('GET', '/healthz')).status).toBe(200);
      } finally {
        await limited.close();
      }
    });
  });

  describe('orders', () => {
    it('filters by account, channel, status, marketplace status, updated_since and fulfilment', async () => {
      await h.store.commitOrders([
        order('A1'),
        order('A2', { status: 'shipped', marketplace_status: 'SHIPPED', updated_at: at(T0, 100) }),
        order('E1', { account: 'worten-es', updated_at: at(T0, 200) }),
        order('C1', { account: 'cd-fr', channel: 'cdiscount', marketplace_status: 'WaitingForSellerAcceptation' }),
      ]);
      const get = async (q: string) => ids((await h.call('GET', `/v1/orders${q}`, { token: all })).body).sort();
      expect(await get('')).toEqual(['A1', 'A2', 'C1', 'E1']);
      expect(await get('?account=worten-es')).toEqual(['E1']);
      expect(await get('?channel=cdiscount')).toEqual(['C1']);
      expect(await get('?status=shipped')).toEqual(['A2']);
      expect(await get('?marketplace_status=WaitingForSellerAcceptation')).toEqual(['C1']);
      expect(await get(`?updated_since=${encodeURIComponent(at(T0, 100))}`)).toEqual(['A2', 'E1']);
      expect(await get('?delivered_by_marketplace=true')).toEqual([]);
    });

    it('filters by the deadline of the next step (due_before), shows the deadlines, and refuses a bad instant', async () => {
      await h.store.commitOrders([
        order('A1', { acceptance_deadline: at(T0, 3600) }),
        order('A2', { status: 'waiting_shipment', marketplace_status: 'SHIPPING', shipping_deadline: at(T0, 7200) }),
        order('A3'),
      ]);
      const get = async (q: string) => ids((await h.call('GET', `/v1/orders${q}`, { token: all })).body).sort();
      expect(await get(`?due_before=${encodeURIComponent(at(T0, 3601))}`)).toEqual(['A1']);
      expect(await get(`?due_before=${encodeURIComponent(at(T0, 7201))}`)).toEqual(['A1', 'A2']);
      const one = (await h.call('GET', `/v1/orders?due_before=${encodeURIComponent(at(T0, 7201))}&status=waiting_shipment`, { token: all })).body.items[0];
      expect(one).toMatchObject({ marketplace_order_id: 'A2', shipping_deadline: at(T0, 7200) });
      expect(await h.call('GET', '/v1/orders?due_before=soon', { token: all })).toMatchObject({ status: 400 });
    });

    it('hides marketplace-fulfilled orders unless the account imports them or the filter asks', async () => {
      await h.store.commitOrders([order('A1'), order('A2', { delivered_by_marketplace: true }), order('E1', { account: 'worten-es', delivered_by_marketplace: true })]);
      const get = async (q: string) => ids((await h.call('GET', `/v1/orders${q}`, { token: all })).body).sort();
      // worten-es has import_fulfilled_orders on, worten-pt off.
      expect(await get('')).toEqual(['A1', 'E1']);
      expect(await get('?delivered_by_marketplace=true')).toEqual(['A2', 'E1']);
      expect(await get('?delivered_by_marketplace=false')).toEqual(['A1']);
    });

    it('pages with an opaque cursor and a Link header; no order skipped or repeated while orders change', async () => {
      await h.store.commitOrders(Array.from({ length: 10 }, (_, i) => order(`O${i}`)));
      const seen: string[] = [];
      let next: string | null = null;
      let url = '/v1/orders?limit=3';
      for (let page = 0; page < 20; page++) {
        const res = await h.call('GET', url, { token: pt });
        seen.push(...ids(res.body));
        next = res.body.next;
        if (!next) break;
        expect(res.headers.get('link')).toBe(`</v1/orders?limit=3&after=${next}>; rel="next"`);
        url = `/v1/orders?limit=3&after=${next}`;
        if (page === 0) {
          await h.store.commitOrders([order('O1', { updated_at: at(T0, 60), status: 'accepted', marketplace_status: 'ACCEPTED' })]);
          await h.store.commitOrders([order('O8', { updated_at: at(T0, 60), status: 'refused', marketplace_status: 'REFUSED' })]);
          await h.store.commitOrders([order('N1')]);
        }
      }
      expect(next).toBeNull();
      expect(seen).toEqual(['O0', 'O1', 'O2', 'O3', 'O4', 'O5', 'O6', 'O7', 'O9', 'O1', 'O8', 'N1']);
    });

    it('returns one order with its lines and history, and the raw payload only on request', async () => {
      await h.store.commitOrders([order('A1', { lines: [line('L1'), line('L2')] })]);
      await h.store.commitOrders([order('A1', { updated_at: at(T0, 60), status: 'accepted', marketplace_status: 'ACCEPTED', lines: [line('L1', 'accepted', 'ACCEPTED'), line('L2', 'accepted', 'ACCEPTED')] })]);
      const id = (await h.store.getOrder('worten-pt', 'worten', 'A1'))!.id;
      const res = await h.call('GET', `/v1/orders/${id}`, { token: pt });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id, version: 2, status: 'accepted', marketplace_order_id: 'A1', acknowledgement: null, lines: [{ id: 'L1' }, { id: 'L2' }] });
      expect(res.body).not.toHaveProperty('raw');
      expect(res.body.history.map((e: { type: string }) => e.type)).toEqual(['order.created', 'order.status_changed', 'line.status_changed', 'line.status_changed']);
      expect(res.body.history[1]).toMatchObject({ from_status: 'waiting_acceptance', to_status: 'accepted', to_marketplace_status: 'ACCEPTED' });
      const raw = await h.call('GET', `/v1/orders/${id}?include=raw`, { token: pt });
      expect(raw.body.raw).toEqual({ order_id: 'A1', order_state: 'WAITING_ACCEPTANCE', nested: { z: 1, a: [1, 2] } });
      expect((await h.call('GET', '/v1/orders/nope', { token: pt })).status).toBe(404);
    });
    it('serves each feed item as the order route serves it, from the stored document text', async () => {
      await h.store.commitOrders([
        order('A1', { lines: [line('L1'), line('L2')], acceptance_deadline: '2025-03-02T10:00:00+01:00', buyer: { first_name: 'Zoë "Q"', last_name: 'Ünal', email: 'z@example.com' } }),
        order('A2'),
        order('A3', { status: 'unknown', status_unknown: true, marketplace_status: 'ODD' }),
      ]);
      const a2 = (await h.store.getOrder('worten-pt', 'worten', 'A2'))!.id;
      await h.call('PUT', `/v1/orders/${a2}/acknowledgement`, { token: pt, body: { reference: 'ERP-2' } });
      const res = await h.call('GET', '/v1/orders?limit=2', { token: pt });
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      const rest = await h.call('GET', `/v1/orders?limit=2&after=${res.body.next}`, { token: pt });
      const items = [...res.body.items, ...rest.body.items] as Array<{ id: string; documents: unknown; invoice: unknown }>;
      expect(items).toHaveLength(3);
      expect(rest.body.next).toBeNull();
      for (const item of items) {
        // history is the order route's own; the documents and the invoice status are in the feed too.
        const { history: _history, ...single } = (await h.call('GET', `/v1/orders/${item.id}`, { token: pt })).body;
        expect(item).toEqual(single);
        expect([item.documents, item.invoice]).toEqual([[], { status: 'none' }]);
      }
      expect(items[1]).toMatchObject({ acknowledgement: { reference: 'ERP-2' } });
      expect(items[0]).not.toHaveProperty('raw');
    });
  });

  describe('acknowledgements', () => {
    it('keeps unacknowledged orders in the new feed, shows changed ones in the changes feed, records import errors', async () => {
      await h.store.commitOrders([order('A1'), order('A2'), order('A3')]);
      const id = async (m: string) => (await h.store.getOrder('worten-pt', 'worten', m))!.id;
      const feed = async (q: string) => ids((await h.call('GET', `/v1/orders?${q}`, { token: pt })).body).sort();
      expect(await feed('acknowledged=false')).toEqual(['A1', 'A2', 'A3']);

      const ack = await h.call('PUT', `/v1/orders/${await id('A1')}/acknowledgement`, { token: pt, body: { reference: 'ERP-1001' } });
      expect(ack).toMatchObject({ status: 200, body: { id: await id('A1'), acknowledgement: { reference: 'ERP-1001', acknowledged_version: 1 } } });
      const error = await h.call('POST', `/v1/orders/${await id('A2')}/import-error`, { token: pt, body: { message: 'SKU SKU-A2-1 unknown in the ERP' } });
      expect(error.body.acknowledgement).toMatchObject({ import_error: 'SKU SKU-A2-1 unknown in the ERP' });
      expect(await feed('acknowledged=false')).toEqual(['A2', 'A3']);
      expect(await feed('acknowledged=true')).toEqual(['A1']);
      expect(await feed('changed_since_ack=true')).toEqual([]);

      await h.store.commitOrders([order('A1', { updated_at: at(T0, 60), status: 'accepted', marketplace_status: 'ACCEPTED' })]);
      expect(await feed('changed_since_ack=true')).toEqual(['A1']);
      const tooNew = await h.call('PUT', `/v1/orders/${await id('A1')}/acknowledgement`, { token: pt, body: { reference: 'ERP-1001', version: 3 } });
      expect(tooNew).toMatchObject({ status: 409, body: { code: 'API_ORDER_VERSION_INVALID', errors: [{ field: '/body/version' }] } });
      await h.call('PUT', `/v1/orders/${await id('A1')}/acknowledgement`, { token: pt, body: { reference: 'ERP-1001', version: 2 } });
      expect(await feed('changed_since_ack=true')).toEqual([]);
      const listed = (await h.call('GET', '/v1/orders?acknowledged=true', { token: pt })).body.items[0];
      expect(listed.acknowledgement).toMatchObject({ reference: 'ERP-1001', acknowledged_version: 2 });
    });
  });

  describe('actions', () => {
    let orderId: string;
    beforeEach(async () => {
      await h.store.commitOrders([order('A1'), order('S1', { status: 'waiting_shipment', marketplace_status: 'SHIPPING', lines: [line('S1-1', 'waiting_shipment', 'SHIPPING')] })]);
      orderId = (await h.store.getOrder('worten-pt', 'worten', 'A1'))!.id;
    });

    it('answers 422 with every validation error and the codes of `orderwire check`', async () => {
      const s1 = (await h.store.getOrder('worten-pt', 'worten', 'S1'))!.id;
      const res = await h.call('POST', `/v1/orders/${s1}/actions`, { token: pt, body: { action: 'ship', data: { carrier: 'UPS', colour: 'red' } } });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('API_ACTION_DENIED');
      expect(res.body.errors).toEqual(expect.arrayContaining([
        expect.objectContaining({ field: '/body/data/tracking_number', code: 'ACTION_FIELD_REQUIRED' }),
        expect.objectContaining({ field: '/body/data/colour', code: 'ACTION_FIELD_UNKNOWN' }),
      ]));
      const wrongStatus = await h.call('POST', `/v1/orders/${orderId}/actions`, { token: pt, body: { action: 'ship', data: { tracking_number: 'T1', carrier: 'UPS' } } });
      expect(wrongStatus.body.errors).toEqual([{ field: '/body/action', code: 'ACTION_NOT_ALLOWED_IN_STATUS', message: expect.stringContaining('allowed at waiting_shipment') }]);
      expect((await h.store.listActions({})).items).toEqual([]);
    });

    it('queues with 202 and Location, returns the same action for the same Idempotency-Key, and polls it', async () => {
      const res = await h.call('POST', `/v1/orders/${orderId}/actions`, { token: pt, body: { action: 'accept' }, headers: { 'idempotency-key': 'erp-42' } });
      expect(res.status).toBe(202);
      expect(res.headers.get('location')).toBe(`/v1/actions/${res.body.id}`);
      expect(res.body).toMatchObject({ url: `/v1/actions/${res.body.id}`, order_id: orderId, action: 'accept', state: 'queued', marketplace_order_id: 'A1' });
      expect(res.body).not.toHaveProperty('lease_owner');
      const again = await h.call('POST', `/v1/orders/${orderId}/actions`, { token: pt, body: { action: 'accept' }, headers: { 'idempotency-key': 'erp-42' } });
      expect(again).toMatchObject({ status: 200, body: { id: res.body.id } });
      const reused = await h.call('POST', `/v1/orders/${orderId}/actions`, { token: pt, body: { action: 'refuse' }, headers: { 'idempotency-key': 'erp-42' } });
      expect(reused).toMatchObject({ status: 409, body: { code: 'STORE_IDEMPOTENCY_KEY_REUSED' } });
      const polled = await h.call('GET', `/v1/actions/${res.body.id}`, { token: pt });
      expect(polled.body).toMatchObject({ id: res.body.id, state: 'queued', order_id: orderId });
      expect((await h.call('GET', `/v1/actions/${res.body.id}`, { token: await h.token(['cd-fr']) })).status).toBe(404);
    });

    it('lists failed and needs-attention actions, retries and cancels them', async () => {
      const queued = (await h.call('POST', `/v1/orders/${orderId}/actions`, { token: pt, body: { action: 'accept' } })).body;
      const s1 = (await h.store.getOrder('worten-pt', 'worten', 'S1'))!.id;
      const other = (await h.call('POST', `/v1/orders/${s1}/actions`, { token: pt, body: { action: 'ship', data: { tracking_number: 'T1', carrier: 'UPS' } } })).body;
      // A worker gives up on the first (the store, as the action worker drives it).
      await h.store.claimActions('worker', 30_000, 10);
      await h.store.updateAction(queued.id, 'worker', { state: 'needs_attention', attempts: 5, error: { code: 'ACTION_RETRIES_EXHAUSTED', message: 'gave up' }, release: true });
      await h.store.updateAction(other.id, 'worker', { state: 'failed', attempts: 1, error: { code: 'ACTION_REJECTED_BY_MARKETPLACE', message: '400: bad carrier' }, release: true });
      const list = await h.call('GET', '/v1/actions?state=failed&state=needs_attention', { token: pt });
      expect(list.body.items.map((a: { id: string; state: string }) => [a.id, a.state])).toEqual([[queued.id, 'needs_attention'], [other.id, 'failed']]);
      expect(list.body.items[1].error).toEqual({ code: 'ACTION_REJECTED_BY_MARKETPLACE', message: '400: bad carrier' });
      expect((await h.call('GET', '/v1/actions?state=failed', { token: pt })).body.items).toHaveLength(1);

      const retried = await h.call('POST', `/v1/actions/${queued.id}/retry`, { token: pt });
      expect(retried.body).toMatchObject({ state: 'queued', attempts: 0 });
      const canceled = await h.call('POST', `/v1/actions/${other.id}/cancel`, { token: pt });
      expect(canceled.body).toMatchObject({ state: 'canceled' });
      expect(await h.call('POST', `/v1/actions/${other.id}/retry`, { token: pt })).toMatchObject({ status: 409, body: { code: 'STORE_ACTION_STATE_CONFLICT' } });
      expect((await h.call('POST', '/v1/actions/missing/cancel', { token: pt })).status).toBe(404);
    });
  });

  describe('channels', () => {
    it('serves what `orderwire describe --json` prints', async () => {
      const list = await h.call('GET', '/v1/channels', { token: pt });
      expect(list.body.items.map((c: { id: string }) => c.id).sort()).toEqual(['cdiscount', 'worten']);
      const one = await h.call('GET', '/v1/channels/cdiscount', { token: pt });
      expect(one.body).toEqual(JSON.parse(JSON.stringify(describeChannel(h.channels.get('cdiscount')!))));
      expect(await h.call('GET', '/v1/channels/amazon', { token: pt })).toMatchObject({ status: 404, body: { code: 'CHANNEL_NOT_FOUND' } });
    });
  });

  describe('operations', () => {
    it('reports health, readiness (503 once the store is closed) and Prometheus metrics', async () => {
      const hour = 3_600_000;
      await h.store.commitOrders([
        order('A1'),
        order('A2', { status: 'shipped', marketplace_status: 'SHIPPED', shipping_deadline: new Date(Date.now() - hour).toISOString() }),
        order('A3', { acceptance_deadline: new Date(Date.now() - hour).toISOString() }),
        order('A4', { status: 'waiting_shipment', marketplace_status: 'SHIPPING', shipping_deadline: new Date(Date.now() + 2 * hour).toISOString() }),
      ]);
      const run = await h.store.startRun({ account: 'worten-pt', channel: 'worten', kind: 'incremental', window_from: T0, window_to: at(T0, 60), started_at: new Date().toISOString() });
      await h.store.finishRun(run.id, { state: 'succeeded', pages: 1, orders: 2, requests: 1, errors: 0 });
      h.metrics.syncRuns.inc({ account: 'worten-pt', kind: 'incremental', state: 'succeeded' });
      await h.call('GET', '/v1/orders', { token: pt });
      await h.call('GET', '/v1/orders');
      expect(await h.call('GET', '/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
      expect(await h.call('GET', '/readyz')).toMatchObject({ status: 200, body: { status: 'ready', checks: { store: true, channels: true } } });
      const metrics = await h.call('GET', '/metrics');
      expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(metrics.body).toContain('orderwire_orders{account="worten-pt",status="waiting_acceptance"} 2');
      // A3 is overdue; A4 is due within 24 hours; A2 is shipped, so nothing is due on it.
      expect(metrics.body).toContain('orderwire_orders_due{account="worten-pt",within="overdue"} 1');
      expect(metrics.body).toContain('orderwire_orders_due{account="worten-pt",within="24h"} 2');
      expect(metrics.body).toContain('orderwire_orders{account="worten-pt",status="shipped"} 1');
      expect(metrics.body).toMatch(/orderwire_last_successful_sync_seconds\{account="worten-pt"\} \d/);
      expect(metrics.body).toContain('orderwire_sync_runs_total{account="worten-pt",kind="incremental",state="succeeded"} 1');
      expect(metrics.body).toContain('orderwire_api_errors_total{code="API_AUTH_REQUIRED",status="401"} 1');
      expect(metrics.body).toMatch(/orderwire_http_request_duration_seconds_count\{route="\/v1\/orders",method="GET",status="200"\} 1/);
      for (const name of ['orderwire_marketplace_errors_total', 'orderwire_actions_total', 'orderwire_webhook_deliveries_total']) expect(metrics.body).toContain(`# TYPE ${name} counter`);
      await h.store.close();
      expect(await h.call('GET', '/readyz')).toMatchObject({ status: 503, body: { code: 'API_NOT_READY', detail: 'not ready: store' } });
    });
  });
});

describe('back-office API without ORDERWIRE_SECRET_KEY', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness({ secretKey: null });
  });
  afterAll(async () => {
    await h.close();
  });

  it('refuses to register a webhook with WEBHOOK_SECRET_KEY_MISSING and stores nothing', async () => {
    const res = await h.call('POST', '/v1/webhooks', { token: await h.token(['worten-pt']), body: { url: 'http://127.0.0.1:9/hook' } });
    expect(res).toMatchObject({ status: 503, body: { code: 'WEBHOOK_SECRET_KEY_MISSING' } });
    expect(res.body.detail).toContain('ORDERWIRE_SECRET_KEY');
    expect(await h.store.listWebhookEndpoints()).toEqual([]);
  });
});
