/**
 * Shipments in several parcels (issue 16) through the daemon's runtime against both simulators:
 * an order shipped in two parcels on two days (the simulator's clock moved a day between them),
 * some units of a line first and the rest with the other line, each parcel with its own carrier
 * and tracking; the call log holds the exact requests (Mirakl ST01, one shipment per call;
 * Octopia shipments). The order then shows both parcels and each line's shipped units. Parcels
 * that ship more than is left, name an unknown line or hold no line are refused with located
 * codes before anything is sent; Worten and Cdiscount, whose sources ship whole orders, refuse
 * parcels with a code and still ship as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NormalizedOrder } from '../engine/order/model.ts';
import { adminAdvanceClock, adminCalls, adminCreateOrder } from './helpers/sim-admin.ts';
import { startOperationsRuntime, type OperationsRuntime } from './helpers/operations-runtime.ts';
import { parseParcelOption } from '../engine/cli/commands/action.ts';

const DAY = 86_400_000;

function denialOf(outcome: Awaited<ReturnType<OperationsRuntime['submit']>>): Array<{ code: string; field?: string }> {
  if (outcome.kind !== 'denied') throw new Error(`expected a denial, got ${outcome.kind}`);
  return outcome.validation.errors.map((e) => ({ code: e.code, ...(e.field !== undefined && { field: e.field }) }));
}

describe('parcels on Mirakl (ST01 multiple shipments, read back with ST11)', () => {
  let ops: OperationsRuntime;
  beforeAll(async () => {
    ops = await startOperationsRuntime({ platform: 'mirakl', seed: 41, name: 'parcels-mirakl', accounts: [{ id: 'ops', channel: 'miraklops', fixture: true }, { id: 'worten-p', channel: 'worten' }] });
  });
  afterAll(() => ops?.close());

  async function orderToShip(account: string): Promise<NormalizedOrder> {
    const { order_id } = await adminCreateOrder(ops.sim.baseUrl, { state: 'SHIPPING', lines: 2, quantity: 3 });
    return ops.pull(account, order_id);
  }

  it('ships 2 of 3 units one day, the rest of both lines the next: two ST01 calls, two parcels on the order', async () => {
    const order = await orderToShip('ops');
    const [l1, l2] = order.lines.map((l) => l.id) as [string, string];
    const id = order.marketplace_order_id;

    const first = await ops.deliver('ops', { marketplaceOrderId: id, name: 'ship', parcels: [{ lines: [{ id: l1, quantity: 2 }], carrier: 'UPS', tracking_number: '1ZDAY1' }] });
    expect(first.state).toBe('succeeded');
    expect(first.calls.map((c) => [c.method, c.path, c.body])).toEqual([
      ['POST', '/api/shipments', { shipments: [{ order_id: id, shipped: true, tracking: { carrier_code: 'UPS', tracking_number: '1ZDAY1' }, shipment_lines: [{ order_line_id: l1, quantity: 2 }] }] }],
    ]);
    const afterFirst = await ops.pull('ops', id);
    expect(afterFirst.status).toBe('waiting_shipment');
    expect(afterFirst.lines.map((l) => l.shipped_quantity)).toEqual([2, 0]);
    expect(afterFirst.parcels).toMatchObject([{ carrier_code: 'UPS', tracking_number: '1ZDAY1', lines: [{ id: l1, quantity: 2 }] }]);

    await adminAdvanceClock(ops.sim.baseUrl, DAY);
    const second = await ops.deliver('ops', {
      marketplaceOrderId: id,
      name: 'ship',
      data: { carrier: 'Own van' },
      // As `orderwire action ops <order> ship --data '{"carrier":"Own van"}' --parcel "..."` gives it.
      parcels: [parseParcelOption(`lines=${l1}:1,${l2} tracking=VAN-2 url=https://van.example/t/VAN-2`)],
    });
    expect(second.state).toBe('succeeded');
    expect(second.calls.map((c) => [c.method, c.path, c.body])).toEqual([
      ['POST', '/api/shipments', { shipments: [{ order_id: id, shipped: true, tracking: { carrier_name: 'Own van', tracking_number: 'VAN-2', tracking_url: 'https://van.example/t/VAN-2' }, shipment_lines: [{ order_line_id: l1, quantity: 1 }, { order_line_id: l2, quantity: 3 }] }] }],
    ]);
    const shipped = await ops.pull('ops', id);
    expect(shipped.status).toBe('shipped');
    expect(shipped.lines.map((l) => l.shipped_quantity)).toEqual([3, 3]);
    expect(shipped.parcels?.map((p) => [p.tracking_number, p.carrier_code ?? p.carrier_name, p.lines])).toEqual([
      ['1ZDAY1', 'UPS', [{ id: l1, quantity: 2 }]],
      ['VAN-2', 'Own van', [{ id: l1, quantity: 1 }, { id: l2, quantity: 3 }]],
    ]);
    const [day1, day2] = shipped.parcels!.map((p) => Date.parse(p.shipped_at!));
    expect(day2! - day1!).toBeGreaterThanOrEqual(DAY);
    // Each read that found a new parcel recorded order.shipment_added with the units per line.
    const stored = await ops.runtime.store.getOrder('ops', 'miraklops', id);
    const events = await ops.runtime.store.listEvents({ order_id: stored!.id });
    expect(events.filter((e) => e.type === 'order.shipment_added').map((e) => e.details?.lines)).toEqual([
      [{ line_id: l1, quantity: 2 }],
      [{ line_id: l1, quantity: 1 }, { line_id: l2, quantity: 3 }],
    ]);
  });

  it('refuses parcels shipping more than is left, an unknown line, a parcel without lines: located codes, nothing sent', async () => {
    const order = await orderToShip('ops');
    const [l1] = order.lines.map((l) => l.id) as [string];
    const id = order.marketplace_order_id;
    const since = (await adminCalls(ops.sim.baseUrl)).at(-1)?.seq ?? 0;
    const ship = (parcels: unknown[]) => ops.submit('ops', { marketplaceOrderId: id, name: 'ship', parcels: parcels as never });
    expect(denialOf(await ship([{ lines: [{ id: l1, quantity: 2 }], carrier: 'UPS', tracking_number: 'A' }, { lines: [{ id: l1, quantity: 2 }], carrier: 'UPS', tracking_number: 'B' }]))).toEqual([{ code: 'ACTION_PARCEL_QUANTITY_EXCEEDED', field: 'parcels' }]);
    expect(denialOf(await ship([{ lines: ['NOPE-1'], carrier: 'UPS', tracking_number: 'A' }]))).toEqual([{ code: 'ACTION_LINE_UNKNOWN', field: 'parcels[0].lines[0]' }]);
    expect(denialOf(await ship([{ lines: [], carrier: 'UPS', tracking_number: 'A' }]))).toEqual([{ code: 'ACTION_PARCELS_INVALID', field: 'parcels[0].lines' }]);
    expect(denialOf(await ship([{ lines: [l1], carrier: 'UPS' }]))).toEqual([{ code: 'ACTION_FIELD_REQUIRED', field: 'data.tracking_number' }]);
    expect(denialOf(await ship([{ lines: [l1], carrier: 'UPS', tracking_number: 'A', tracking_numbr: 'B' }]))).toEqual([{ code: 'ACTION_FIELD_UNKNOWN', field: 'parcels[0].tracking_numbr' }]);
    expect((await adminCalls(ops.sim.baseUrl, since)).filter((c) => c.method !== 'GET')).toEqual([]);
  });

  it('a ship without parcels on such a channel is one parcel of every unit left', async () => {
    const order = await orderToShip('ops');
    const id = order.marketplace_order_id;
    const done = await ops.deliver('ops', { marketplaceOrderId: id, name: 'ship', data: { carrier: 'DHL', tracking_number: 'JD1' } });
    expect(done.calls.map((c) => c.body)).toEqual([{ shipments: [{ order_id: id, shipped: true, tracking: { carrier_code: 'DHL', tracking_number: 'JD1' }, shipment_lines: order.lines.map((l) => ({ order_line_id: l.id, quantity: 3 })) }] }]);
    expect((await ops.pull('ops', id)).status).toBe('shipped');
  });

  it('Worten ships whole orders: parcels are refused with a code, a ship is OR23 + OR24 as before', async () => {
    const order = await orderToShip('worten-p');
    const id = order.marketplace_order_id;
    expect(denialOf(await ops.submit('worten-p', { marketplaceOrderId: id, name: 'ship', parcels: [{ lines: [order.lines[0]!.id], carrier: 'UPS', tracking_number: 'X' }] }))).toEqual([
      { code: 'ACTION_PARCELS_NOT_ALLOWED', field: 'parcels' },
      { code: 'ACTION_FIELD_REQUIRED', field: 'data.tracking_number' },
      { code: 'ACTION_FIELD_REQUIRED', field: 'data.carrier' },
    ]);
    const done = await ops.deliver('worten-p', { marketplaceOrderId: id, name: 'ship', data: { carrier: 'UPS', tracking_number: 'W1' } });
    expect(done.calls.map((c) => [c.method, c.path])).toEqual([['PUT', `/api/orders/${id}/tracking`], ['PUT', `/api/orders/${id}/ship`]]);
    const shipped = await ops.pull('worten-p', id);
    expect(shipped.status).toBe('shipped');
    expect(shipped.parcels).toBeUndefined();
  });
});

describe('orderwire action --parcel', () => {
  it('reads lines with units, tracking and url aliases, other fields as named; refuses what it cannot read', () => {
    expect(parseParcelOption('lines=L1:2,L2 carrier=UPS tracking=1Z9 url=https://u.example/1Z9')).toEqual({ lines: [{ id: 'L1', quantity: 2 }, 'L2'], carrier: 'UPS', tracking_number: '1Z9', tracking_url: 'https://u.example/1Z9' });
    expect(() => parseParcelOption('carrier=UPS')).toThrow(/has no lines=/);
    expect(() => parseParcelOption('lines=L1:0')).toThrow(/a whole number of at least 1/);
    expect(() => parseParcelOption('lines=L1 tracking')).toThrow(/is not key=value/);
  });
});

describe('parcels on Octopia (shipments with several parcels)', () => {
  let ops: OperationsRuntime;
  beforeAll(async () => {
    ops = await startOperationsRuntime({ platform: 'octopia', seed: 42, name: 'parcels-octopia', accounts: [{ id: 'oops', channel: 'octopiaops', fixture: true }, { id: 'cd', channel: 'cdiscount' }] });
  });
  afterAll(() => ops?.close());

  async function orderToShip(account: string): Promise<NormalizedOrder> {
    for (let i = 0; i < 40; i++) {
      const { order_id } = await adminCreateOrder(ops.sim.baseUrl, { status: 'InPreparation', lines: 2 });
      const order = await ops.pull(account, order_id);
      if (order.lines.length === 2 && order.lines[0]!.quantity >= 2) return order;
    }
    throw new Error('no order with a line of 2 units');
  }

  it('ships 1 unit one day, the rest the next: two shipments calls, the order InPreparation in between', async () => {
    const order = await orderToShip('oops');
    const [a, b] = order.lines as [NormalizedOrder['lines'][0], NormalizedOrder['lines'][0]];
    const id = order.marketplace_order_id;
    const first = await ops.deliver('oops', { marketplaceOrderId: id, name: 'ship', parcels: [{ lines: [{ id: a.id, quantity: 1 }], carrier: 'Colissimo', tracking_number: '6A001' }] });
    expect(first.state).toBe('succeeded');

    expect(first.calls.map((c) => [c.method, c.path, c.body])).toEqual([
      ['POST', `/seller/v2/orders/${id}/shipments`, [{ parcelNumber: '6A001', carrierCode: '14', carrierName: 'Colissimo', items: [{ orderLineId: a.id, quantity: 1 }] }]],
    ]);
    const between = await ops.pull('oops', id);
    expect(between.status).toBe('waiting_shipment');
    expect(between.lines.map((l) => l.shipped_quantity)).toEqual([1, 0]);

    await adminAdvanceClock(ops.sim.baseUrl, DAY);
    const second = await ops.deliver('oops', {
      marketplaceOrderId: id,
      name: 'ship',
      parcels: [
        { lines: [{ id: a.id, quantity: a.quantity - 1 }], carrier: 'Colissimo', tracking_number: '6A002' },
        { lines: [b.id], carrier: 'UPS', tracking_number: '1Z003', tracking_url: 'https://ups.example/1Z003' },
      ],
    });
    expect(second.state).toBe('succeeded');
    // A day later the 2-hour token has expired: the first try is answered 401 (nothing done) and
    // sent again with a new token; that is the only repeat.
    expect(second.calls.map((c) => c.status)).toEqual([401, 201]);
    expect(second.calls.slice(1).map((c) => c.body)).toEqual([[
      { parcelNumber: '6A002', carrierCode: '14', carrierName: 'Colissimo', items: [{ orderLineId: a.id, quantity: a.quantity - 1 }] },
      { parcelNumber: '1Z003', carrierCode: '2', carrierName: 'UPS', trackingUrl: 'https://ups.example/1Z003', items: [{ orderLineId: b.id, quantity: b.quantity }] },
    ]]);
    const shipped = await ops.pull('oops', id);
    expect(shipped.status).toBe('shipped');
    expect(shipped.lines.map((l) => l.shipped_quantity)).toEqual([a.quantity, b.quantity]);
    expect(shipped.parcels?.map((p) => [p.tracking_number, p.lines])).toEqual([
      ['6A001', [{ id: a.id, quantity: 1 }]],
      ['6A002', [{ id: a.id, quantity: a.quantity - 1 }]],
      ['1Z003', [{ id: b.id, quantity: b.quantity }]],
    ]);
  });

  it('Cdiscount ships whole orders: parcels refused with a code, nothing sent', async () => {
    const order = await orderToShip('cd');
    const since = (await adminCalls(ops.sim.baseUrl)).at(-1)?.seq ?? 0;
    expect(denialOf(await ops.submit('cd', { marketplaceOrderId: order.marketplace_order_id, name: 'ship', data: { carrier: 'Colissimo', tracking_number: 'T' }, parcels: [{ lines: [order.lines[0]!.id] }] }))).toEqual([{ code: 'ACTION_PARCELS_NOT_ALLOWED', field: 'parcels' }]);
    expect((await adminCalls(ops.sim.baseUrl, since)).filter((c) => c.method !== 'GET' && !c.path.includes('openid'))).toEqual([]);
  });
});
