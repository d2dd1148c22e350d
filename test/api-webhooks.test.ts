/**
 * Webhooks over real HTTP: an endpoint registered through the API, events written with the
 * changes that cause them, the dispatcher POSTing signed events to a local receiver, retries
 * after a 500 with the same event id and body, dead deliveries, and the delivery log.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../engine/log.ts';
import { WebhookDispatcher } from '../engine/webhooks/dispatcher.ts';
import { endpointSecret, verifySignature } from '../engine/webhooks/signing.ts';
import { startApiHarness, TEST_SECRET_KEY, type ApiHarness } from './helpers/api-server.ts';
import { at, order } from './store-suite.ts';

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
  answered: number;
}

async function startReceiver(answer: (n: number) => number): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const status = answer(received.length);
      received.push({ headers: req.headers, body, answered: status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/orderwire`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('webhooks', () => {
  let h: ApiHarness;
  let token: string;
  beforeEach(async () => {
    // The test's receivers listen on loopback: the operator's allow-list lets them in.
    h = await startApiHarness({ allowedDestinations: ['127.0.0.1'] });
    token = await h.token(['worten-pt']);
  });
  afterEach(async () => {
    await h.close();
  });

  const dispatcher = (maxAttempts = 5): WebhookDispatcher =>
    new WebhookDispatcher({ store: h.store, log: silentLogger(), owner: 'test-daemon', secretKey: TEST_SECRET_KEY, maxAttempts, backoffMs: () => 0, policy: h.policy });

  it('delivers signed events at least once: a 500 is retried with the same event id and body; the log shows each delivery', async () => {
    const receiver = await startReceiver((n) => (n === 0 ? 500 : 204));
    try {
      const created = await h.call('POST', '/v1/webhooks', { token, body: { url: receiver.url, description: 'ERP' } });
      expect(created.status).toBe(201);
      expect(created.headers.get('location')).toBe(`/v1/webhooks/${created.body.id}`);
      expect(created.body).toMatchObject({ url: receiver.url, accounts: ['worten-pt'], events: ['order.created', 'order.status_changed', 'order.refunded', 'order.lines_canceled', 'order.shipment_added', 'order.document_available', 'order.deadline_approaching', 'action.succeeded', 'action.failed'] });
      const secret: string = created.body.secret;
      expect(secret).toBe(endpointSecret(TEST_SECRET_KEY, created.body.id));
      const listed = await h.call('GET', '/v1/webhooks', { token });
      expect(listed.body.items).toEqual([expect.objectContaining({ id: created.body.id })]);
      expect(listed.body.items[0]).not.toHaveProperty('secret');

      // Changes: a new order, an accepted action on it, the status change; another account's order.
      await h.store.commitOrders([order('A1'), order('E1', { account: 'worten-es' })]);
      const orderId = (await h.store.getOrder('worten-pt', 'worten', 'A1'))!.id;
      const action = (await h.call('POST', `/v1/orders/${orderId}/actions`, { token, body: { action: 'accept' } })).body;
      await h.store.claimActions('worker', 30_000, 1);
      await h.store.updateAction(action.id, 'worker', { state: 'sending', attempts: 1 });
      await h.store.updateAction(action.id, 'worker', { state: 'succeeded', result: { status: 204 }, release: true });
      await h.store.commitOrders([order('A1', { updated_at: at('2025-03-01T10:00:00Z', 60), status: 'accepted', marketplace_status: 'WAITING_DEBIT' })]);

      const d = dispatcher();
      expect(await d.runOnce()).toBe(3);
      expect(await d.runOnce()).toBe(1);
      expect(await d.runOnce()).toBe(0);

      expect(receiver.received).toHaveLength(4);
      for (const r of receiver.received) {
        expect(verifySignature(secret, r.headers['orderwire-signature'] as string, r.body)).toBe(true);
        expect(verifySignature(`${secret}x`, r.headers['orderwire-signature'] as string, r.body)).toBe(false);
        const event = JSON.parse(r.body) as { id: string; type: string; data: Record<string, unknown> };
        expect(r.headers['orderwire-event-id']).toBe(event.id);
        expect(r.headers['orderwire-event-type']).toBe(event.type);
        expect(r.headers['content-type']).toBe('application/json');
      }
      const [failed, ...rest] = receiver.received;
      const retry = rest.at(-1)!;
      expect(failed!.answered).toBe(500);
      expect(retry.headers['orderwire-event-id']).toBe(failed!.headers['orderwire-event-id']);
      expect(retry.body).toBe(failed!.body);
      const events = receiver.received.slice(0, 3).map((r) => JSON.parse(r.body) as { type: string; data: Record<string, unknown> });
      expect(events.map((e) => e.type).sort()).toEqual(['action.succeeded', 'order.created', 'order.status_changed']);
      expect(events.find((e) => e.type === 'action.succeeded')!.data).toMatchObject({ action_id: action.id, order_id: orderId, state: 'succeeded', action: 'accept' });
      expect(events.find((e) => e.type === 'order.status_changed')!.data).toMatchObject({ order_id: orderId, from_status: 'waiting_acceptance', to_status: 'accepted' });
      expect(events.every((e) => e.data.account === 'worten-pt')).toBe(true);

      const log = await h.call('GET', `/v1/webhooks/${created.body.id}/deliveries?limit=2`, { token });
      const page2 = await h.call('GET', `/v1/webhooks/${created.body.id}/deliveries?limit=2&before=${log.body.next}`, { token });
      const deliveries = [...log.body.items, ...page2.body.items];
      expect(page2.body.next).toBeNull();
      expect(deliveries).toHaveLength(3);
      expect(deliveries.every((x: { state: string }) => x.state === 'delivered')).toBe(true);
      const retried = deliveries.find((x: { event_id: string }) => x.event_id === failed!.headers['orderwire-event-id']);
      expect(retried).toMatchObject({ attempts: 2, last_status: 204, state: 'delivered' });
      expect(await h.call('GET', `/v1/webhooks/${created.body.id}/deliveries`, { token: await h.token(['cd-fr']) })).toMatchObject({ status: 404, body: { code: 'WEBHOOK_NOT_FOUND' } });
    } finally {
      await receiver.close();
    }
  });

  it('marks a delivery dead after its last attempt, and delivers nothing for a deleted endpoint', async () => {
    const receiver = await startReceiver(() => 503);
    try {
      const created = (await h.call('POST', '/v1/webhooks', { token, body: { url: receiver.url, events: ['order.created'] } })).body;
      await h.store.commitOrders([order('A1')]);
      const d = dispatcher(2);
      expect(await d.runOnce()).toBe(1);
      expect(await d.runOnce()).toBe(1);
      expect(await d.runOnce()).toBe(0);
      const [dead] = (await h.call('GET', `/v1/webhooks/${created.id}/deliveries`, { token })).body.items;
      expect(dead).toMatchObject({ state: 'dead', attempts: 2, last_status: 503, last_error: 'HTTP 503' });

      expect((await h.call('DELETE', `/v1/webhooks/${created.id}`, { token })).status).toBe(204);
      expect((await h.call('GET', `/v1/webhooks/${created.id}`, { token })).status).toBe(404);
      await h.store.commitOrders([order('A2')]);
      expect(await d.runOnce()).toBe(0);
      expect(receiver.received).toHaveLength(2);
    } finally {
      await receiver.close();
    }
  });

  it('refuses URLs that are not absolute http(s) without credentials', async () => {
    for (const url of ['ftp://example.com/x', 'not a url', 'https://user:pw@example.com/x']) {
      const res = await h.call('POST', '/v1/webhooks', { token, body: { url } });
      expect(res).toMatchObject({ status: 400, body: { code: 'WEBHOOK_URL_INVALID', errors: [{ field: '/body/url' }] } });
    }
    const events = await h.call('POST', '/v1/webhooks', { token, body: { url: 'http://127.0.0.1:9/x', events: ['order.deleted'] } });
    expect(events.body.errors).toEqual([expect.objectContaining({ field: '/body/events/0', code: 'SCHEMA_INVALID_VALUE' })]);
  });
});
