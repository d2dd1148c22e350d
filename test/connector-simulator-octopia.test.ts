/**
 * The declarative connector against the Octopia simulator, as Cdiscount: OAuth2 token then
 * Bearer + SellerId, a window listed page by page (pageIndex, short last page) with the other
 * Octopia sales channels skipped, one order read back, and every Cdiscount action sent, checked
 * through what the marketplace saw (GET /_admin/calls) and the order (GET /_admin/orders/:id).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadChannel } from '../engine/channel/load.ts';
import type { Channel } from '../engine/channel/model.ts';
import type { Connector, OrderPage } from '../engine/connector/connector.ts';
import { createConnector, loadPlatform, type Platform } from '../engine/connector/declarative.ts';
import type { NormalizedOrder } from '../engine/order/model.ts';
import type { ActionRequest } from '../engine/rules/request.ts';
import { startOctopiaSimulator, type RunningOctopiaSimulator } from '@orderwire/simulators';

const START = new Date('2026-11-22T12:00:00Z');
const WINDOW = { from: new Date(START.getTime() - 3 * 86_400_000), to: new Date(START.getTime() + 60_000), kind: 'manual' as const };
const TOKEN_PATH = '/auth/realms/maas/protocol/openid-connect/token';

let sim: RunningOctopiaSimulator;
let cdiscount: Channel;
let octopia: Platform;
let connector: Connector;

interface Call {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
  status: number | null;
}

async function admin<T>(method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(`${sim.baseUrl}${url}`, { method, ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function lastSeq(): Promise<number> {
  return (await admin<{ last_seq: number }>('GET', '/_admin/calls')).last_seq;
}

async function callsSince(since: number): Promise<Call[]> {
  const { calls } = await admin<{ calls: Call[] }>('GET', `/_admin/calls?since=${since}`);
  return calls.filter((c) => !c.path.startsWith('/_admin'));
}

async function orderIn(status: string, extra: Record<string, unknown> = {}): Promise<NormalizedOrder> {
  const created = await admin<{ order_id: string }>('POST', '/_admin/orders', { status, lines: 2, ...extra });
  const order = await connector.getOrder(created.order_id);
  if (!order) throw new Error(`order ${created.order_id} not readable`);
  return order;
}

async function simOrder(id: string): Promise<{ status: string; cancellationDetails: { reasonCode: string; refundShipping: boolean } | null; lines: Array<{ parcels: Array<Record<string, unknown>> }> }> {
  return (await admin<{ order: never }>('GET', `/_admin/orders/${id}`)).order;
}

function actionRequest(order: NormalizedOrder, action: ActionRequest['action'], data: ActionRequest['data'] = {}): ActionRequest {
  return { channel: 'cdiscount', account: 'cdiscount-fr', marketplace_order_id: order.marketplace_order_id, action, status: order.status as ActionRequest['status'], lines: null, data };
}

beforeAll(async () => {
  sim = await startOctopiaSimulator({ orders: 250, seed: 5, start: START, speed: 0, historyDays: 2 });
  [cdiscount, octopia] = await Promise.all([loadChannel('cdiscount'), loadPlatform('octopia')]);
  const { clientId, clientSecret, sellerId } = sim.credentials as Record<string, string>;
  connector = createConnector(
    { account: 'cdiscount-fr', channel: cdiscount, baseUrl: sim.apiUrl, authUrl: sim.baseUrl, credentials: { client_id: clientId!, client_secret: clientSecret!, seller_id: sellerId! } },
    octopia,
  );
});

afterAll(async () => {
  await connector?.close();
  await sim?.close();
});

describe('Octopia simulator: reading', () => {
  it('lists a window through every page; orders of other sales channels are skipped and reported', async () => {
    const since = await lastSeq();
    const pages: OrderPage[] = [];
    const result = await connector.listOrders(WINDOW, async (page) => {
      pages.push(page);
    });
    const orders = pages.flatMap((p) => p.orders);
    const skipped = pages.flatMap((p) => p.skipped);
    // Keyset paging re-reads the boundary order of each full page (2 records read twice), handed over once.
    expect(result).toEqual({ pages: 3, records: 252, requests: 3, distinct: 250 });
    expect(orders.length + skipped.length).toBe(250);
    expect(new Set([...orders.map((o) => o.marketplace_order_id), ...skipped.map((s) => s.marketplace_order_id)]).size).toBe(250);
    expect(orders.every((o) => o.sales_channel === 'CDISCOUNT' && o.status !== 'unknown')).toBe(true);
    expect(skipped.length).toBeGreaterThan(0);
    expect(skipped.every((s) => s.code === 'ORDER_OUT_OF_SCOPE' && /^sales channel "OCTOPIA-/.test(s.reason))).toBe(true);
    // The Fulfillment programme: delivered by the marketplace, with its logistics mode.
    const fulfilled = orders.filter((o) => o.delivered_by_marketplace);
    expect(fulfilled.length).toBeGreaterThan(0);
    expect(fulfilled.every((o) => o.fulfillment_code === 'MKPFBC' || o.fulfillment_code === 'EXTFBC')).toBe(true);

    const calls = await callsSince(since);
    const listing = calls.filter((c) => c.path === '/seller/v2/orders');
    expect(listing.map((c) => [c.query.pageIndex, c.query.pageSize, c.status])).toEqual([['1', '100', 200], ['1', '100', 200], ['1', '100', 200]]);
    expect(listing[1]?.query.createdAtMin).toBeDefined();
    expect(listing[0]?.query).toMatchObject({ updatedAtMin: '2026-11-19T12:00:00.000Z', updatedAtMax: '2026-11-22T12:01:00.000Z' });
    expect(listing.every((c) => c.headers.sellerid === (sim.credentials as Record<string, string>).sellerId && c.headers.authorization === '[redacted]')).toBe(true);
  });

  it('reads one order back by id', async () => {
    let listed: NormalizedOrder | undefined;
    await connector.listOrders(WINDOW, async (page) => {
      listed ??= page.orders[0];
    });
    expect(await connector.getOrder(listed!.marketplace_order_id)).toEqual(listed);
    expect(await connector.getOrder('NOPE000000000')).toBeUndefined();
  });
});

describe('Octopia simulator: every Cdiscount action', () => {
  it('accept: approval-status Accepted', async () => {
    const order = await orderIn('WaitingAcceptance');
    const since = await lastSeq();
    expect((await connector.sendAction(actionRequest(order, 'accept'), order)).kind).toBe('succeeded');
    expect((await callsSince(since)).map((c) => [c.method, c.path, c.body, c.status])).toEqual([
      ['POST', `/seller/v2/orders/${order.marketplace_order_id}/approval-status`, { approval_status: 'Accepted' }, 200],
    ]);
    expect((await simOrder(order.marketplace_order_id)).status).toBe('Accepted');
  });

  it('refuse: approval-status Refused', async () => {
    const order = await orderIn('WaitingAcceptance');
    const since = await lastSeq();
    expect((await connector.sendAction(actionRequest(order, 'refuse'), order)).kind).toBe('succeeded');
    expect((await callsSince(since))[0]?.body).toEqual({ approval_status: 'Refused' });
    expect((await connector.getOrder(order.marketplace_order_id))?.status).toBe('canceled');
  });

  it('ship: one parcel with every line; the order is Shipped with the tracking', async () => {
    const order = await orderIn('InPreparation');
    const since = await lastSeq();
    const ship = actionRequest(order, 'ship', { tracking_number: '6A00012345678', carrier: { code: '14', name: 'Colissimo', registered: true }, tracking_url: 'https://www.laposte.fr/outils/suivre-vos-envois?code=6A00012345678' });
    expect((await connector.sendAction(ship, order)).kind).toBe('succeeded');
    const [call] = await callsSince(since);
    expect(call).toMatchObject({ method: 'POST', path: `/seller/v2/orders/${order.marketplace_order_id}/shipments`, status: 201 });
    // Octopia's published shape: one parcel object, whole lines by id, the carrier by name.
    expect(call?.body).toEqual({
      parcelNumber: '6A00012345678',
      carrierName: 'Colissimo',
      trackingUrl: 'https://www.laposte.fr/outils/suivre-vos-envois?code=6A00012345678',
      orderLineIds: order.lines.map((l) => l.id),
    });
    expect((await simOrder(order.marketplace_order_id)).status).toBe('Shipped');
    expect(await connector.getOrder(order.marketplace_order_id)).toMatchObject({ status: 'shipped', tracking: { carrier_code: '14', carrier_name: 'Colissimo', number: '6A00012345678' } });
  });

  it('ship with a line in CancelRequest: allowed when the customer asked the cancellation, refused for the seller\'s own request', async () => {
    for (const [requestedBy, outcome] of [['Customer', 'succeeded'], ['Seller', 'rejected']] as const) {
      const created = await orderIn('InPreparation');
      await admin('POST', `/_admin/orders/${created.marketplace_order_id}/cancel-request`, { lines: [created.lines[1]!.id], requested_by: requestedBy });
      // The connector reads the line as Octopia sends it; Cdiscount maps it to waiting_shipment.
      const order = (await connector.getOrder(created.marketplace_order_id))!;
      expect(order.lines.map((l) => [l.marketplace_status, l.status])).toEqual([['InPreparation', 'waiting_shipment'], ['CancelRequest', 'waiting_shipment']]);
      const ship = actionRequest(order, 'ship', { tracking_number: `6A0${requestedBy}`, carrier: { code: '14', name: 'Colissimo', registered: true } });
      const result = await connector.sendAction(ship, order);
      expect([requestedBy, result.kind]).toEqual([requestedBy, outcome]);
      expect((await simOrder(order.marketplace_order_id)).status).toBe(outcome === 'succeeded' ? 'Shipped' : 'InPreparation');
    }
  });

  it('refund when accepted (reason) and when shipped (refund_reason): a cancellation request', async () => {
    const accepted = await orderIn('Accepted');
    let since = await lastSeq();
    const early = actionRequest(accepted, 'refund', { reason: { code: 'ProductStockUnavailable', label: 'Product out of stock' }, refund_shipping: true });
    expect((await connector.sendAction(early, accepted)).kind).toBe('succeeded');
    expect((await callsSince(since)).map((c) => [c.method, c.path, c.body, c.status])).toEqual([
      ['POST', `/seller/v2/orders/${accepted.marketplace_order_id}/cancellation-requests`, { reasonCode: 'ProductStockUnavailable', refundShipping: true }, 201],
    ]);
    expect(await simOrder(accepted.marketplace_order_id)).toMatchObject({ status: 'Cancelled', cancellationDetails: { reasonCode: 'ProductStockUnavailable', refundShipping: true } });

    const shipped = await orderIn('Shipped');
    since = await lastSeq();
    const late = actionRequest(shipped, 'refund', { refund_reason: { code: 'ClientClaim', label: 'Customer claim' }, refund_shipping: false });
    expect((await connector.sendAction(late, shipped)).kind).toBe('succeeded');
    expect((await callsSince(since))[0]?.body).toEqual({ reasonCode: 'ClientClaim', refundShipping: false });
    expect((await connector.getOrder(shipped.marketplace_order_id))?.status).toBe('refunded');
  });

  it('a refusal by the marketplace (problem+json) is rejected with its detail', async () => {
    const fulfilled = await orderIn('Shipped', { supply_mode: 'Fulfillment', logistics_mode: 'EXTFBC' });
    expect(fulfilled).toMatchObject({ delivered_by_marketplace: true, fulfillment_code: 'EXTFBC', status: 'shipped' });
    // Shipping an order that still waits for acceptance: the marketplace says no.
    const order = await orderIn('WaitingAcceptance');
    const ship = actionRequest(order, 'ship', { tracking_number: 'X1', carrier: { code: '14', name: 'Colissimo', registered: true } });
    const outcome = await connector.sendAction(ship, order);
    expect(outcome).toMatchObject({ kind: 'rejected', status: 400 });
    expect(outcome.kind === 'rejected' && outcome.message).toMatch(/^POST \/seller\/v2\/orders\/\w+\/shipments: HTTP 400: Cannot switch to shipped status/);
  });

  it('one token for the whole suite: cached, never fetched per request', async () => {
    const calls = await callsSince(0);
    expect(calls.filter((c) => c.path === TOKEN_PATH)).toHaveLength(1);
    expect(calls.filter((c) => c.path.startsWith('/seller/v2')).length).toBeGreaterThan(10);
  });
});
