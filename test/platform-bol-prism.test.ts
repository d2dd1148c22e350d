/**
 * bol.com Retailer API v10 as a platform family written in YAML only (channels/platforms/bol.yaml,
 * channels/bol.yaml), proven against bol.com's own published OpenAPI document
 * (test/fixtures/marketplace/bol/, cut unchanged from bol.com's Retailer and Shared API v10)
 * served by Stoplight Prism with request validation on:
 * - mock: the document's own example order, synced on the generic sync path: listing, one
 *   detail request per listed order, prices, addresses and buyer;
 * - proxy: Prism in front of a stateful stand-in for bol.com (helpers/bol-upstream.ts), every
 *   request and answer checked against the contract: orders synced, then shipped and cancelled
 *   through the action worker, each 202 followed on /shared/process-status until bol.com says
 *   SUCCESS or FAILURE, and a request off the contract refused by Prism before bol.com sees it.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadChannel } from '../engine/channel/load.ts';
import { createConnector, parsePlatform, PLATFORMS_DIR } from '../engine/connector/declarative.ts';
import { silentLogger } from '../engine/log.ts';
import { ActionWorker } from '../engine/sync/action-worker.ts';
import { submitAction } from '../engine/sync/submit-action.ts';
import { syncWindow } from '../engine/sync/sync-window.ts';
import { BOL_CLIENT, startBolUpstream, type BolUpstream } from './helpers/bol-upstream.ts';
import { openAccountWorld, type AccountWorld } from './helpers/account-world.ts';
import { startPrism, type Prism } from './helpers/prism.ts';

const SPEC = path.resolve(import.meta.dirname, 'fixtures/marketplace/bol/retailer-v10-orders.openapi.json');

type World = AccountWorld;

function world(baseUrl: string, authUrl: string, importFulfilledOrders = false): Promise<World> {
  return openAccountWorld({ channel: 'bol', account: 'bol-shop', baseUrl, authUrl, credentials: BOL_CLIENT, importFulfilledOrders });
}

it('the bol channel\'s cancellation reasons are exactly the reason codes of bol.com\'s document', async () => {
  const spec = JSON.parse(await readFile(SPEC, 'utf8')) as { components: { schemas: { OrderItemCancellation: { properties: { reasonCode: { enum: string[] } } } } } };
  const channel = await loadChannel('bol');
  expect(channel.lists.cancel_reasons!.values.map((v) => v.code)).toEqual(spec.components.schemas.OrderItemCancellation.properties.reasonCode.enum);
});

describe('bol.com: the published document\'s own example order, served by a Prism mock', () => {
  let login: BolUpstream;
  let prism: Prism;
  let w: World;
  beforeAll(async () => {
    login = await startBolUpstream(); // its /token only: the login server is not in the Retailer API document
    prism = await startPrism({ mode: 'mock', document: SPEC });
    w = await world(prism.url, login.url);
  }, 300_000);
  afterAll(async () => {
    await w?.close();
    await prism?.close();
    await login?.close();
  });

  it('syncs it whole: listing, a detail request per order, totals, lines, addresses and buyer', async () => {
    const outcome = await syncWindow(w.deps, 'manual', { since: new Date(Date.now() - 86_400_000) });
    expect(outcome.quarantined).toBe(0);
    expect(outcome.inserted).toBe(1);
    // One listing page, then GET /retailer/orders/{order-id} for the listed order.
    expect(prism.output()).toMatch(/get \/retailer\/orders\/A2K8290LP8 .*Request received/i);
    const stored = (await w.store.getOrder('bol-shop', 'bol', 'A2K8290LP8'))!.order;
    // The example item: 10 units at 12.99, 10.99 discount: totalPrice 118.91; all 10 shipped.
    expect(stored).toMatchObject({
      status: 'shipped',
      marketplace_status: 'SHIPPED',
      currency: 'EUR',
      created_at: '2017-02-09T11:39:48.000Z',
      updated_at: '2017-02-09T12:39:48.000Z',
      totals: { items: 118.91, shipping: 0, taxes: 0, total: 118.91 },
      buyer: { first_name: 'Billie', last_name: 'Jansen', email: 'billie@verkopen.bol.com', phone: '012123456', locale: 'nl' },
      shipping_address: { name: 'Billie Jansen', company: 'Albert Heijn: UTRECHT', street_1: 'Dorpstraat 1 B', street_2: 'Apartment', zip_code: '1111ZZ', city: 'Utrecht', country: 'NL', phone: '012123456' },
      billing_address: { name: 'Billie Jansen', company: 'bol.com', street_1: 'Dorpstraat 1 B', city: 'Utrecht', country: 'NL' },
      lines: [{ id: '2012345678', sku: 'BOLCOM00123', title: 'Product Title', quantity: 10, unit_price: 12.99, shipping_price: 0, status: 'shipped', marketplace_status: 'SHIPPED' }],
      delivered_by_marketplace: false,
    });
  }, 120_000);
});

describe('bol.com: sync, ship and cancel through a Prism proxy validating bol.com\'s contract', () => {
  let bol: BolUpstream;
  let prism: Prism;
  let w: World;
  let worker: ActionWorker;
  beforeAll(async () => {
    bol = await startBolUpstream();
    prism = await startPrism({ mode: 'proxy', document: SPEC, upstream: bol.url });
    w = await world(prism.url, bol.url);
    worker = new ActionWorker({ store: w.store, accounts: new Map([[w.account.id, { account: w.account, connector: w.connector }]]), log: silentLogger(), owner: 'bol-test', leaseMs: 120_000, maxAttempts: 1 });
    bol.addOrder({ orderId: 'B1000001', orderPlacedDateTime: new Date(Date.now() - 3_600_000).toISOString(), items: [{ quantity: 2, unitPrice: 19.95, reference: 'SKU-RED' }, { quantity: 1, unitPrice: 5.5, reference: 'SKU-BLUE' }] });
    bol.addOrder({ orderId: 'B1000002', orderPlacedDateTime: new Date(Date.now() - 1_800_000).toISOString(), items: [{ quantity: 1, unitPrice: 42 }], noBilling: true });
    bol.addOrder({ orderId: 'B1000003', orderPlacedDateTime: new Date(Date.now() - 900_000).toISOString(), items: [{ quantity: 3, unitPrice: 7, fulfilmentMethod: 'FBB' }] });
  }, 300_000);
  afterAll(async () => {
    await w?.close();
    await prism?.close();
    await bol?.close();
  });

  it('syncs the listed orders, each read whole by its own detail request', async () => {
    const outcome = await syncWindow(w.deps, 'manual', { since: new Date(Date.now() - 86_400_000) });
    expect(outcome).toMatchObject({ inserted: 3, quarantined: 0 });
    const gets = bol.calls.filter((c) => c.method === 'GET').map((c) => c.path.split('?')[0]);
    expect(gets).toEqual(expect.arrayContaining(['/retailer/orders', '/retailer/orders/B1000001', '/retailer/orders/B1000002', '/retailer/orders/B1000003']));
    // The listing asked for a day, with no upper bound and no page size, as bol.com documents.
    const listing = new URL(bol.calls.find((c) => c.path.startsWith('/retailer/orders?'))!.path, 'http://x');
    expect(listing.searchParams.get('latest-change-date')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect([...listing.searchParams.keys()].sort()).toEqual(['fulfilment-method', 'latest-change-date', 'page', 'status']);
    // Every call through Prism carried the bearer token from bol.com's login server.
    expect(bol.calls.filter((c) => c.path.startsWith('/retailer')).every((c) => /^Bearer tok-/.test(c.authorization ?? ''))).toBe(true);
    const b1 = (await w.store.getOrder('bol-shop', 'bol', 'B1000001'))!.order;
    expect(b1).toMatchObject({
      status: 'waiting_shipment',
      totals: { items: 45.4, total: 45.4 },
      buyer: { first_name: 'Pieter', last_name: 'Bakker', email: 'billing-2ixlxq7k@verkopen.bol.com', locale: 'nl' },
      billing_address: { name: 'Pieter Bakker', city: 'Amsterdam' },
      shipping_address: { name: 'Sanne de Vries', street_1: 'Keizersgracht 174 A', zip_code: '1016DW', city: 'Amsterdam', country: 'NL' },
      lines: [{ sku: 'SKU-RED', quantity: 2, unit_price: 19.95, status: 'waiting_shipment' }, { sku: 'SKU-BLUE', quantity: 1, unit_price: 5.5 }],
      delivered_by_marketplace: false,
    });
    // Without billing details, the recipient is the buyer and there is no billing address.
    const b2 = (await w.store.getOrder('bol-shop', 'bol', 'B1000002'))!.order;
    expect(b2.buyer).toMatchObject({ first_name: 'Sanne', last_name: 'de Vries', email: '2ixlxq7kszrhy6z3k2qbaknkhbqbdu@verkopen.bol.com' });
    expect(b2.billing_address).toBeUndefined();
    // Logistics via bol (FBB): stored, flagged fulfilled by the marketplace.
    expect((await w.store.getOrder('bol-shop', 'bol', 'B1000003'))!.order).toMatchObject({ delivered_by_marketplace: true, fulfillment_code: 'FBB', totals: { total: 21 } });
  }, 120_000);

  it('ships: one shipment of every item, the 202 followed until SUCCESS, the order read back shipped', async () => {
    bol.processOutcome = { status: 'SUCCESS', afterPolls: 2 };
    const submitted = await submitAction(w.store, w.account, { marketplaceOrderId: 'B1000001', name: 'ship', data: { tracking_number: '3SBOL0987654321', carrier: 'TNT' } });
    expect(submitted.kind).toBe('queued');
    expect(await worker.runOnce()).toBe(1);
    const action = await w.store.getAction(submitted.kind === 'queued' ? submitted.action.id : '');
    expect(action?.state, JSON.stringify(action?.error)).toBe('succeeded');
    const shipment = bol.calls.find((c) => c.method === 'POST' && c.path === '/retailer/shipments')!;
    const items = bol.orders.get('B1000001')!.items;
    expect(shipment.body).toEqual({ orderItems: items.map((i) => ({ orderItemId: i.orderItemId, quantity: i.quantity })), transport: { transporterCode: 'TNT', trackAndTrace: '3SBOL0987654321' } });
    expect(bol.calls.filter((c) => c.path.startsWith('/shared/process-status/')).length).toBeGreaterThanOrEqual(2);
    expect((await w.store.getOrder('bol-shop', 'bol', 'B1000001'))!.order.status).toBe('shipped');
  }, 120_000);

  it('cancels: a FAILURE is a failed action with bol.com\'s message; sent again it succeeds', async () => {
    bol.processOutcome = { status: 'FAILURE', errorMessage: 'Order item 10000021 has already been handled.', afterPolls: 1 };
    const first = await submitAction(w.store, w.account, { marketplaceOrderId: 'B1000002', name: 'cancel', data: { reason: 'OUT_OF_STOCK' }, idempotencyKey: 'cancel-1' });
    expect(await worker.runOnce()).toBe(1);
    const failed = await w.store.getAction(first.kind === 'queued' ? first.action.id : '');
    expect(failed?.state).toBe('failed');
    expect(JSON.stringify(failed?.error)).toContain('Order item 10000021 has already been handled.');
    const cancellation = bol.calls.find((c) => c.method === 'PUT' && c.path === '/retailer/orders/cancellation')!;
    expect(cancellation.body).toEqual({ orderItems: [{ orderItemId: bol.orders.get('B1000002')!.items[0]!.orderItemId, reasonCode: 'OUT_OF_STOCK' }] });

    bol.processOutcome = { status: 'SUCCESS', afterPolls: 1 };
    const second = await submitAction(w.store, w.account, { marketplaceOrderId: 'B1000002', name: 'cancel', data: { reason: 'OUT_OF_STOCK' }, idempotencyKey: 'cancel-2' });
    expect(await worker.runOnce()).toBe(1);
    expect((await w.store.getAction(second.kind === 'queued' ? second.action.id : ''))?.state).toBe('succeeded');
    expect((await w.store.getOrder('bol-shop', 'bol', 'B1000002'))!.order.status).toBe('canceled');
  }, 120_000);

  it('an order the bol mapping cannot map is quarantined with its reason, on the generic sync path; the others of its detail listing are stored', async () => {
    const placed = new Date(Date.now() - 600_000).toISOString();
    bol.addOrder({ orderId: 'B2000001', orderPlacedDateTime: placed, items: [{ quantity: 1, unitPrice: 12 }], broken: 'no-product' });
    bol.addOrder({ orderId: 'B2000002', orderPlacedDateTime: placed, items: [{ quantity: 1, unitPrice: 13 }] });
    const outcome = await syncWindow(w.deps, 'manual', { since: new Date(Date.now() - 86_400_000) });
    expect(outcome.quarantined).toBe(1);
    expect(await w.store.getOrder('bol-shop', 'bol', 'B2000002')).toBeDefined();
    expect(await w.store.getOrder('bol-shop', 'bol', 'B2000001')).toBeUndefined();
    const held = (await w.store.listQuarantine({ account: 'bol-shop' })).items;
    expect(held).toHaveLength(1);
    expect(held[0]).toMatchObject({ marketplace_order_id: 'B2000001', code: 'ORDER_UNMAPPABLE', last_run: outcome.run.id });
    expect(held[0]!.reason).toMatch(/sku/);
    // The record kept is the detail bol.com answered (not the listing's summary).
    expect(held[0]!.raw).toMatchObject({ orderId: 'B2000001', shipmentDetails: { city: 'Amsterdam' } });
    expect((await w.store.listRuns({ account: 'bol-shop' }))[0]).toMatchObject({ state: 'succeeded', quarantined: 1 });

    // bol.com sends a good version: the next window stores it, and it leaves the quarantine.
    delete bol.orders.get('B2000001')!.broken;
    const again = await syncWindow(w.deps, 'manual', { since: new Date(Date.now() - 86_400_000) });
    expect(again.quarantined).toBe(0);
    expect((await w.store.getOrder('bol-shop', 'bol', 'B2000001'))?.order.lines[0]?.sku).toBe('8712345678900');
    expect((await w.store.listQuarantine({ account: 'bol-shop' })).items).toEqual([]);
  }, 120_000);

  it('a request off bol.com\'s contract is refused by Prism before bol.com sees it', async () => {
    const text = (await readFile(path.join(PLATFORMS_DIR, 'bol.yaml'), 'utf8')).replace('      body:\n        orderItems:\n          $each: ${selected_lines}\n          as: line\n          $map: { orderItemId: "${line.id}", quantity', '      body:\n        orderItem:\n          $each: ${selected_lines}\n          as: line\n          $map: { orderItemId: "${line.id}", quantity');
    expect(text).toContain('orderItem:\n');
    const broken = createConnector({ account: 'bol-shop', channel: w.channel, baseUrl: prism.url, authUrl: bol.url, credentials: BOL_CLIENT }, parsePlatform(text, 'bol.yaml'), { budgets: false });
    try {
      bol.addOrder({ orderId: 'B1000004', orderPlacedDateTime: new Date().toISOString(), items: [{}] });
      const order = (await broken.getOrder('B1000004'))!;
      const before = bol.calls.length;
      const outcome = await broken.sendAction({ channel: 'bol', account: 'bol-shop', marketplace_order_id: 'B1000004', action: 'ship', status: 'waiting_shipment', lines: null, data: { tracking_number: '3S1', carrier: { code: 'TNT', name: 'PostNL', registered: true } }, warnings: [] }, order);
      expect(outcome).toMatchObject({ kind: 'rejected', status: 422 });
      expect(bol.calls.slice(before).filter((c) => c.method === 'POST')).toEqual([]);
    } finally {
      await broken.close();
    }
  }, 60_000);
});
