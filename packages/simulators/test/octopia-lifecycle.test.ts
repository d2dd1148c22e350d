/**
 * Orders of the Octopia simulator moving through every status, by the seller's actions and by
 * the marketplace clock; fulfilment orders arriving Shipped; history generated from the seed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OctopiaClient } from '../octopia/client.ts';
import { startOctopiaSimulator, type RunningOctopiaSimulator } from '../octopia/index.ts';
import type { ApiOrder } from '../octopia/render.ts';
import { assertValid, octopiaValidators } from '../octopia/schemas.ts';

const v = octopiaValidators();
const START = new Date('2024-05-15T10:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let sim: RunningOctopiaSimulator;
let client: OctopiaClient;

beforeAll(async () => {
  sim = await startOctopiaSimulator({ orders: 3000, seed: 5, speed: 0, start: START, newOrdersPerHour: 120 });
  client = new OctopiaClient(sim);
});
afterAll(async () => sim.close());

async function admin<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${sim.baseUrl}/_admin${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

async function order(id: string): Promise<ApiOrder> {
  const res = await client.get<ApiOrder>(`/orders/${id}`);
  expect(res.status).toBe(200);
  assertValid(v.order, res.body, 'order');
  return res.body;
}

async function create(body: Record<string, unknown>): Promise<ApiOrder> {
  const res = await admin<{ order: ApiOrder }>('POST', '/orders', body);
  expect(res.status).toBe(201);
  return res.body.order;
}

describe('a seller order walked through every status', () => {
  it('Processing -> WaitingAcceptance -> Accepted -> InPreparation -> Shipped -> Delivered -> Cancelled', async () => {
    const created = await create({ lines: 2 });
    expect(created.status).toBe('Processing');
    const id = created.orderId;

    sim.clock.advance(15 * MINUTE);
    const waiting = await order(id);
    expect(waiting.status).toBe('WaitingAcceptance');
    expect(Date.parse(waiting.updatedAt)).toBe(sim.clock.now());

    const accepted = await client.post<ApiOrder>(`/orders/${id}/approval-status`, { approval_status: 'Accepted' });
    expect(accepted.status).toBe(200);
    expect(accepted.body.status).toBe('Accepted');
    sim.clock.advance(5 * MINUTE);
    const preparing = await order(id);
    expect(preparing.status).toBe('InPreparation');

    // First parcel: line 1 only; the order stays InPreparation with that line Shipped.
    const [l1, l2] = preparing.lines as [ApiOrder['lines'][number], ApiOrder['lines'][number]];
    sim.clock.advance(MINUTE);
    const partial = await client.post<ApiOrder>(`/orders/${id}/shipments`, [
      { parcelNumber: '6A12345678901', carrierName: 'Colissimo', trackingUrl: 'https://tracking.example/6A12345678901', items: [{ orderLineId: l1.orderLineId, quantity: l1.quantity }] },
    ]);
    expect(partial.status).toBe(201);
    assertValid(v.order, partial.body, 'order');
    expect(partial.body.status).toBe('InPreparation');
    expect(partial.body.lines.map((l) => l.status)).toEqual(['Shipped', 'InPreparation']);
    expect(Date.parse(partial.body.updatedAt)).toBe(sim.clock.now());
    expect(partial.body.lines[0]?.parcels).toEqual([
      expect.objectContaining({ parcelNumber: '6A12345678901', carrierCode: '14', carrierName: 'Colissimo', trackingUrl: 'https://tracking.example/6A12345678901', quantity: l1.quantity }),
    ]);

    // Both carrier forms naming the same carrier; null optional fields count as absent.
    const full = await client.post<ApiOrder>(`/orders/${id}/shipments`, [
      { parcelNumber: 'XJ998877', carrierCode: '13', carrierName: 'chronopost', trackingUrl: null, items: [{ orderLineId: l2.orderLineId, quantity: l2.quantity }] },
    ]);
    expect(full.body.status).toBe('Shipped');
    expect(full.body.lines[1]?.parcels[0]).toMatchObject({ carrierName: 'Chronopost' });
    expect(full.body.lines[1]?.parcels[0]).not.toHaveProperty('trackingUrl');

    sim.clock.advance(48 * HOUR - 1);
    expect((await order(id)).status).toBe('Shipped');
    sim.clock.advance(1);
    expect((await order(id)).status).toBe('Delivered');

    const cancelled = await client.post<ApiOrder>(`/orders/${id}/cancellation-requests`, { reasonCode: 'ClientRetraction', refundShipping: true });
    expect(cancelled.status).toBe(201);
    expect(cancelled.body.status).toBe('Cancelled');
    expect(cancelled.body.lines.every((l) => l.status === 'Cancelled')).toBe(true);
    expect(cancelled.body.cancellationDetails).toMatchObject({ reasonCode: 'ClientRetraction', requestedBy: 'Seller', refundShipping: true });

    // The marketplace saw exactly the three kinds of action calls.
    const calls = (await admin<{ calls: { method: string; path: string; status: number }[] }>('GET', '/calls')).body.calls;
    const posts = calls.filter((c) => c.method === 'POST' && c.path.includes(id)).map((c) => `${c.path.split('/').at(-1)} ${c.status}`);
    expect(posts).toEqual(['approval-status 200', 'shipments 201', 'shipments 201', 'cancellation-requests 201']);
  });

  it('ships in many parcels, one item at a time, and becomes Shipped with the last one', async () => {
    const created = await create({ status: 'InPreparation', lines: 12 });
    let n = 0;
    let last: ApiOrder = created;
    for (const line of created.lines) {
      for (let q = 0; q < line.quantity; q++) {
        const res = await client.post<ApiOrder>(`/orders/${created.orderId}/shipments`, [{ parcelNumber: `P${++n}`, carrierName: 'GLS', items: [{ orderLineId: line.orderLineId, quantity: 1 }] }]);
        expect(res.status).toBe(201);
        last = res.body;
      }
    }
    expect(n).toBeGreaterThanOrEqual(12);
    expect(last.status).toBe('Shipped');
    expect(last.lines.map((l) => l.parcels.reduce((sum, p) => sum + p.quantity, 0))).toEqual(created.lines.map((l) => l.quantity));
    const again = await client.post(`/orders/${created.orderId}/shipments`, [{ parcelNumber: 'P1', carrierName: 'GLS', items: [{ orderLineId: created.lines[0]?.orderLineId, quantity: 1 }] }]);
    expect(again.status).toBe(400);
  });

  it('Refused by the seller: no further action is possible', async () => {
    const { orderId } = await create({ status: 'WaitingAcceptance' });
    const refused = await client.post<ApiOrder>(`/orders/${orderId}/approval-status`, { approval_status: 'Refused' });
    expect(refused.body.status).toBe('Refused');
    expect(refused.body.cancellationDetails).toMatchObject({ reasonCode: 'VendorRejection', requestedBy: 'Seller' });
    expect((await client.post(`/orders/${orderId}/approval-status`, { approval_status: 'Accepted' })).status).toBe(400);
    expect((await client.post(`/orders/${orderId}/cancellation-requests`, { reasonCode: 'VendorRejection' })).status).toBe(400);
  });

  it('Rejected by the marketplace when not answered within 48 hours', async () => {
    const { orderId } = await create({ status: 'WaitingAcceptance' });
    sim.clock.advance(48 * HOUR - 1);
    expect((await order(orderId)).status).toBe('WaitingAcceptance');
    sim.clock.advance(1);
    const rejected = await order(orderId);
    expect(rejected.status).toBe('Rejected');
    expect(rejected.cancellationDetails).toMatchObject({ reasonCode: 'AutomaticCancellation', requestedBy: 'Marketplace' });
  });

  it('Cancelled from Accepted with a before-shipment reason, refunding shipping', async () => {
    const { orderId } = await create({ status: 'Accepted' });
    const res = await client.post<ApiOrder>(`/orders/${orderId}/cancellation-requests`, { reasonCode: 'ProductStockUnavailable', refundShipping: true });
    expect(res.body.status).toBe('Cancelled');
    // Accepted would have become InPreparation on the clock; a cancelled order stays cancelled.
    sim.clock.advance(HOUR);
    expect((await order(orderId)).status).toBe('Cancelled');
  });
});

describe('fulfilment and cross-dock orders', () => {
  it('arrive Shipped with MKPFBC or EXTFBC, supply mode Fulfillment and a marketplace parcel', async () => {
    const all = await client.listAll<ApiOrder>();
    const fulfilment = all.filter((o) => o.logisticsMode === 'MKPFBC' || o.logisticsMode === 'EXTFBC');
    expect(new Set(fulfilment.map((o) => o.logisticsMode))).toEqual(new Set(['MKPFBC', 'EXTFBC']));
    for (const o of fulfilment) {
      expect(['Shipped', 'Delivered', 'Cancelled']).toContain(o.status);
      expect(o.isDeliveredByMarketplace).toBe(true);
      expect(o.lines.every((l) => l.offer.supplyMode === 'Fulfillment' && l.parcels.length > 0)).toBe(true);
    }
    for (const o of fulfilment.slice(0, 20)) {
      const state = await admin<{ timeline: { status: string; at: string }[] }>('GET', `/orders/${o.orderId}`);
      expect(state.body.timeline[0]).toMatchObject({ status: 'Shipped', at: o.createdAt });
    }
    const seller = all.filter((o) => o.logisticsMode === 'MKPCDS');
    expect(seller.every((o) => !o.isDeliveredByMarketplace && o.lines.every((l) => l.offer.supplyMode === 'Seller'))).toBe(true);
  });

  it('new fulfilment orders appear directly as Shipped while the simulator runs', async () => {
    const since = new Date(sim.clock.now()).toISOString();
    sim.clock.advance(3 * HOUR);
    const fresh = await client.listAll<ApiOrder>({ createdAtMin: since });
    expect(fresh.length).toBeGreaterThan(300);
    const ff = fresh.filter((o) => o.logisticsMode === 'MKPFBC' || o.logisticsMode === 'EXTFBC');
    expect(ff.length).toBeGreaterThan(0);
    for (const o of ff) expect(o.status === 'Shipped' || o.status === 'Delivered').toBe(true);
    expect(fresh.some((o) => o.status === 'Processing')).toBe(true);
  });

  it('cannot be shipped by the seller; cross-dock orders are shipped by the marketplace', async () => {
    const mkpfbc = await create({ supply_mode: 'Fulfillment', logistics_mode: 'EXTFBC' });
    expect(mkpfbc).toMatchObject({ status: 'Shipped', logisticsMode: 'EXTFBC', isDeliveredByMarketplace: true });
    const xdock = await create({ supply_mode: 'Xdock', status: 'InPreparation' });
    const res = await client.post(`/orders/${xdock.orderId}/shipments`, [{ parcelNumber: 'P1', carrierCode: '14', items: [{ orderLineId: xdock.lines[0]?.orderLineId, quantity: 1 }] }]);
    expect(res.status).toBe(400);
    expect((res.body as { detail: string }).detail).toMatch(/supply mode Xdock/);
    sim.clock.advance(24 * HOUR);
    const shipped = await order(xdock.orderId);
    expect(shipped.status).toBe('Shipped');
    expect(shipped.lines[0]?.parcels.length).toBe(1);
  });
});

describe('generated history', () => {
  it('holds orders in every status, from several sales channels, with consistent details', async () => {
    const fresh = await startOctopiaSimulator({ orders: 4000, seed: 21, speed: 0, start: START });
    try {
      const all = await new OctopiaClient(fresh).listAll<ApiOrder>();
      expect(all).toHaveLength(4000);
      expect(new Set(all.map((o) => o.status))).toEqual(
        new Set(['Processing', 'WaitingAcceptance', 'Accepted', 'InPreparation', 'Shipped', 'Delivered', 'Refused', 'Rejected', 'Cancelled']),
      );
      const channels = new Set(all.map((o) => o.salesChannel.id));
      expect(channels.has('CDISCOUNT')).toBe(true);
      expect(channels.size).toBeGreaterThanOrEqual(3);
      for (const o of all) {
        if (o.status === 'Shipped' || o.status === 'Delivered') expect(o.lines.every((l) => l.parcels.length > 0)).toBe(true);
        if (['Processing', 'WaitingAcceptance', 'Accepted', 'InPreparation'].includes(o.status)) expect(o.lines.every((l) => l.parcels.length === 0)).toBe(true);
        expect(o.cancellationDetails !== null).toBe(['Cancelled', 'Refused', 'Rejected'].includes(o.status));
        expect(Date.parse(o.updatedAt)).toBeGreaterThanOrEqual(Date.parse(o.createdAt));
        expect(Date.parse(o.purchasedAt)).toBeLessThanOrEqual(Date.parse(o.createdAt));
      }
    } finally {
      await fresh.close();
    }
  });
});

describe('forcing transitions through /_admin', () => {
  it('walks the shortest path and refuses unreachable states', async () => {
    const { orderId } = await create({});
    const res = await admin<{ order: ApiOrder }>('POST', `/orders/${orderId}/advance`, { to: 'Delivered' });
    expect(res.status).toBe(200);
    expect(res.body.order.status).toBe('Delivered');
    const state = await admin<{ timeline: { status: string }[] }>('GET', `/orders/${orderId}`);
    expect(state.body.timeline.map((e) => e.status)).toEqual(['Processing', 'WaitingAcceptance', 'Accepted', 'InPreparation', 'Shipped', 'Delivered']);
    const back = await admin<{ error: { code: string } }>('POST', `/orders/${orderId}/advance`, { to: 'Accepted' });
    expect(back.status).toBe(409);
    expect(back.body.error.code).toBe('SIM_BAD_TRANSITION');
    expect((await admin<{ error: { code: string } }>('GET', '/orders/NOPE')).body.error.code).toBe('SIM_ORDER_NOT_FOUND');
    expect((await admin<{ error: { code: string } }>('POST', '/orders', { colour: 'red' })).body.error.code).toBe('SIM_BAD_ADMIN_REQUEST');
  });
});
