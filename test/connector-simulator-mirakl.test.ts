/**
 * The declarative connector against the Mirakl simulator: a window listed through every page,
 * one order read back, and every Worten action sent, checked through what the marketplace saw
 * (GET /_admin/calls) and the order's state (GET /_admin/orders/:id). Then the no-code proof: a
 * new Mirakl marketplace written as a channel file in a temp dir, listed with no code change.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadChannel } from '../engine/channel/load.ts';
import type { Channel } from '../engine/channel/model.ts';
import type { Connector, OrderPage } from '../engine/connector/connector.ts';
import { createConnector, loadPlatform, type Platform } from '../engine/connector/declarative.ts';
import type { NormalizedOrder } from '../engine/order/model.ts';
import type { ActionRequest } from '../engine/rules/request.ts';
import { startMiraklSimulator, type RunningMiraklSimulator } from '@orderwire/simulators';

const START = new Date('2026-11-22T12:00:00Z');
const API_KEY = 'sim-worten-key-7f3a9c';
const WINDOW = { from: new Date(START.getTime() - 3 * 86_400_000), to: new Date(START.getTime() + 60_000), kind: 'manual' as const };

let sim: RunningMiraklSimulator;
let worten: Channel;
let mirakl: Platform;
let connector: Connector;

interface Call {
  seq: number;
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

/** Calls the simulator logged after `since` (its API only, not /_admin). */
async function callsSince(since: number): Promise<Call[]> {
  const { calls } = await admin<{ calls: Call[] }>('GET', `/_admin/calls?since=${since}`);
  return calls.filter((c) => c.path.startsWith('/api/'));
}

async function lastSeq(): Promise<number> {
  return (await admin<{ last_seq: number }>('GET', '/_admin/calls')).last_seq;
}

/** A fresh order in `state`, read through the connector (as the sync engine would have stored it). */
async function orderIn(state: string, lines = 2): Promise<NormalizedOrder> {
  const created = await admin<{ order: { order_id: string } }>('POST', '/_admin/orders', { state, lines });
  const order = await connector.getOrder(created.order.order_id);
  if (!order) throw new Error(`order ${created.order.order_id} not readable`);
  return order;
}

async function simState(id: string): Promise<{ state: string; order: { order_lines: Array<{ order_line_id: string; order_line_state: string }> } } & Record<string, unknown>> {
  return admin('GET', `/_admin/orders/${encodeURIComponent(id)}`);
}

function actionRequest(order: NormalizedOrder, action: ActionRequest['action'], data: ActionRequest['data'], extra: Partial<ActionRequest> = {}): ActionRequest {
  return { channel: 'worten', account: 'worten-pt', marketplace_order_id: order.marketplace_order_id, action, status: order.status as ActionRequest['status'], lines: null, data, ...extra };
}

beforeAll(async () => {
  sim = await startMiraklSimulator({ orders: 250, seed: 3, start: START, speed: 0, historyDays: 2, credentials: { apiKey: API_KEY } });
  [worten, mirakl] = await Promise.all([loadChannel('worten'), loadPlatform('mirakl')]);
  // Budgets off: the OR11 ceiling (once a minute) would make this suite wait; budgets are tested in connector-http.
  connector = createConnector({ account: 'worten-pt', channel: worten, baseUrl: sim.baseUrl, credentials: { api_key: API_KEY } }, mirakl, { budgets: false });
});

afterAll(async () => {
  await connector?.close();
  await sim?.close();
});

describe('Mirakl simulator: reading', () => {
  it('lists every order of a window through every page, once each, statuses mapped', async () => {
    const since = await lastSeq();
    const pages: OrderPage[] = [];
    const result = await connector.listOrders(WINDOW, async (page) => {
      pages.push(page);
    });
    const orders = pages.flatMap((p) => p.orders);
    // Pages overlap by one record (records counts them twice; distinct once each).
    expect(result).toEqual({ pages: 3, records: 252, requests: 3, distinct: 250, total: 250 });
    expect(new Set(orders.map((o) => o.marketplace_order_id)).size).toBe(250);
    expect(pages.flatMap((p) => p.skipped)).toEqual([]);
    expect(orders.filter((o) => o.status === 'unknown')).toEqual([]);
    const calls = await callsSince(since);
    expect(calls.map((c) => [c.method, c.path, c.query.offset, c.query.max, c.status])).toEqual([
      ['GET', '/api/orders', '0', '100', 200],
      ['GET', '/api/orders', '99', '100', 200],
      ['GET', '/api/orders', '198', '100', 200],
    ]);
    expect(calls[0]?.query).toMatchObject({ start_update_date: '2026-11-19T12:00:00Z', end_update_date: '2026-11-22T12:01:00Z' });
    expect(calls[0]?.headers.authorization).toBe('[redacted]');
  });

  it('reads one order back, equal to the listed one', async () => {
    let listed: NormalizedOrder | undefined;
    await connector.listOrders(WINDOW, async (page) => {
      listed ??= page.orders[0];
    });
    const again = await connector.getOrder(listed!.marketplace_order_id);
    expect(again).toEqual(listed);
  });
});

describe('Mirakl simulator: every Worten action', () => {
  it('accept some lines, shipping from Portugal: OR07 then OR21; the other line is refused', async () => {
    const order = await orderIn('WAITING_ACCEPTANCE');
    const [first, second] = order.lines.map((l) => l.id);
    const since = await lastSeq();
    const outcome = await connector.sendAction(actionRequest(order, 'accept', { shipping_from_country: { alpha2: 'PT', alpha3: 'PRT' } }, { lines: [first!], refused_lines: [second!] }), order);
    expect(outcome.kind).toBe('succeeded');
    const calls = await callsSince(since);
    expect(calls.map((c) => [c.method, c.path, c.status])).toEqual([
      ['PUT', '/api/orders/shipping_from', 200],
      ['PUT', `/api/orders/${order.marketplace_order_id}/accept`, 204],
    ]);
    expect(calls[0]?.body).toEqual({ order_lines: [{ id: first, shipping_from: { address: { country_iso_code: 'PRT' } } }] });
    expect(calls[1]?.body).toEqual({ order_lines: [{ id: first, accepted: true }, { id: second, accepted: false }] });
    const state = await simState(order.marketplace_order_id);
    expect(state.order.order_lines.map((l) => l.order_line_state)).toEqual([expect.not.stringMatching(/^(WAITING_ACCEPTANCE|REFUSED)$/), 'REFUSED']);
    // Recorded by line index: only the accepted (first) line got a shipping origin.
    const shippingFrom = (state.timeline as { shipping_from: Record<string, unknown> }).shipping_from;
    expect(Object.keys(shippingFrom)).toEqual(['1']);
    expect(JSON.stringify(shippingFrom['1'])).toContain('PRT');
  });

  it('refuse: OR21 with every line refused; the order is REFUSED', async () => {
    const order = await orderIn('WAITING_ACCEPTANCE');
    const since = await lastSeq();
    expect((await connector.sendAction(actionRequest(order, 'refuse', {}), order)).kind).toBe('succeeded');
    const [call] = await callsSince(since);
    expect(call).toMatchObject({ method: 'PUT', path: `/api/orders/${order.marketplace_order_id}/accept`, status: 204, body: { order_lines: order.lines.map((l) => ({ id: l.id, accepted: false })) } });
    expect((await simState(order.marketplace_order_id)).state).toBe('REFUSED');
    expect((await connector.getOrder(order.marketplace_order_id))?.status).toBe('refused');
  });

  it('ship with a registered carrier: OR23 then OR24; the order is SHIPPED with its tracking', async () => {
    const order = await orderIn('SHIPPING');
    const since = await lastSeq();
    const ship = actionRequest(order, 'ship', { tracking_number: '1Z999AA10123456784', carrier: { code: 'UPS', name: 'UPS', registered: true } });
    expect((await connector.sendAction(ship, order)).kind).toBe('succeeded');
    const calls = await callsSince(since);
    expect(calls.map((c) => [c.method, c.path, c.status])).toEqual([
      ['PUT', `/api/orders/${order.marketplace_order_id}/tracking`, 204],
      ['PUT', `/api/orders/${order.marketplace_order_id}/ship`, 204],
    ]);
    expect(calls[0]?.body).toEqual({ tracking_number: '1Z999AA10123456784', carrier_code: 'UPS' });
    expect((await simState(order.marketplace_order_id)).state).toBe('SHIPPED');
    const after = await connector.getOrder(order.marketplace_order_id);
    expect(after).toMatchObject({ status: 'shipped', tracking: { carrier_code: 'UPS', number: '1Z999AA10123456784' } });
  });

  it('ship with a free carrier: OR23 by name and URL', async () => {
    const order = await orderIn('SHIPPING');
    const since = await lastSeq();
    const ship = actionRequest(order, 'ship', { tracking_number: 'CTT-778', carrier: { name: 'CTT Expresso', registered: false }, tracking_url: 'https://www.ctt.pt/track?n=CTT-778' });
    expect((await connector.sendAction(ship, order)).kind).toBe('succeeded');
    const [tracking] = await callsSince(since);
    expect(tracking?.body).toEqual({ tracking_number: 'CTT-778', carrier_name: 'CTT Expresso', carrier_url: 'https://www.ctt.pt/track?n=CTT-778' });
    expect(await connector.getOrder(order.marketplace_order_id)).toMatchObject({ status: 'shipped', tracking: { carrier_name: 'CTT Expresso', url: 'https://www.ctt.pt/track?n=CTT-778' } });
  });

  it('refund one line with shipping: OR28 with the line amount, taxes and reason; Mirakl records the refund', async () => {
    const order = await orderIn('SHIPPED');
    const line = order.lines[1]!;
    const since = await lastSeq();
    const refund = actionRequest(order, 'refund', { reason: { code: '16', label: 'Product returned by the customer' }, refund_taxes: true, refund_shipping: true, refund_shipping_taxes: true }, { lines: [line.id] });
    const outcome = await connector.sendAction(refund, order);
    expect(outcome.kind).toBe('succeeded');
    const [call] = await callsSince(since);
    expect(call).toMatchObject({ method: 'PUT', path: '/api/orders/refund', status: 200 });
    const body = call?.body as { refunds: Array<Record<string, unknown>> };
    expect(body.refunds).toEqual([
      expect.objectContaining({
        order_line_id: line.id,
        amount: Math.round(line.unit_price * line.quantity * 1e6) / 1e6,
        quantity: line.quantity,
        reason_code: '16',
        shipping_amount: line.shipping_price,
        taxes: line.taxes.map((t) => ({ code: t.code, amount: t.amount })),
      }),
    ]);
    const state = await simState(order.marketplace_order_id);
    expect((state.timeline as { refunds: Array<{ line: number; amount: number }> }).refunds).toEqual([expect.objectContaining({ line: 2, amount: Math.round(line.unit_price * line.quantity * 100) / 100 })]);
    expect(outcome.kind === 'succeeded' && (outcome.response as Array<{ endpoint: string; body: { refunds: unknown[] } }>)[0]?.body.refunds).toHaveLength(1);
  });

  it('cancel (OR29) where a Mirakl marketplace allows it; the order is CANCELED', async () => {
    const order = await orderIn('SHIPPING');
    const since = await lastSeq();
    expect((await connector.sendAction(actionRequest(order, 'cancel', {}), order)).kind).toBe('succeeded');
    expect((await callsSince(since)).map((c) => [c.method, c.path, c.status])).toEqual([['PUT', `/api/orders/${order.marketplace_order_id}/cancel`, 204]]);
    expect((await simState(order.marketplace_order_id)).state).toBe('CANCELED');
  });

  it('an action the marketplace refuses is rejected with its message, not retried', async () => {
    const order = await orderIn('SHIPPED');
    const since = await lastSeq();
    const outcome = await connector.sendAction(actionRequest(order, 'refuse', {}), order);
    expect(outcome).toMatchObject({ kind: 'rejected', status: 400 });
    expect(await callsSince(since)).toHaveLength(1);
  });
});

describe('no code for a new Mirakl marketplace', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'orderwire-carrefour-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a Carrefour channel file (platform: mirakl) lists its orders from the Mirakl simulator', async () => {
    const file = path.join(dir, 'carrefour.yaml');
    await writeFile(
      file,
      [
        'id: carrefour',
        'name: Carrefour Marketplace',
        'platform: mirakl',
        'retrieval:',
        '  incremental: { every: PT10M, min_every: PT1M }',
        '  catch_up: { every: P1D, lookback: P3D }',
        '# Carrefour folds a few states differently from Worten, and leaves WAITING_ACCEPTANCE unmapped',
        '# on purpose: those orders must arrive as unknown, never be dropped.',
        'statuses:',
        '  new: [STAGING]',
        '  accepted: [WAITING_DEBIT, WAITING_DEBIT_PAYMENT]',
        '  waiting_shipment: [SHIPPING]',
        '  shipped: [SHIPPED, TO_COLLECT]',
        '  closed: [RECEIVED, CLOSED]',
        '  refused: [REFUSED]',
        '  canceled: [CANCELED]',
        'lists:',
        '  carriers:',
        '    kind: carrier',
        '    values:',
        '      - { code: DHL, label: DHL }',
        '      - { code: UPS, label: UPS }',
        'actions:',
        '  ship:',
        '    when: [waiting_shipment]',
        '    fields:',
        '      tracking_number: { type: string, required: true }',
        '      carrier: { type: carrier, required: true, values: carriers }',
        '  cancel:',
        '    when: [waiting_shipment]',
        '',
      ].join('\n'),
    );
    const carrefour = await loadChannel(file);
    const platform = await loadPlatform(carrefour.platform);
    const c = createConnector({ account: 'carrefour-fr', channel: carrefour, baseUrl: sim.baseUrl, credentials: { api_key: API_KEY } }, platform, { budgets: false });
    try {
      const orders: NormalizedOrder[] = [];
      const result = await c.listOrders(WINDOW, async (page) => {
        orders.push(...page.orders);
      });
      expect(result.records).toBeGreaterThanOrEqual(250);
      expect(orders).toHaveLength(result.distinct as number);
      expect(orders.every((o) => o.channel === 'carrefour' && o.account === 'carrefour-fr')).toBe(true);
      const waiting = orders.filter((o) => o.marketplace_status === 'WAITING_ACCEPTANCE');
      expect(waiting.length).toBeGreaterThan(0);
      expect(waiting.every((o) => o.status === 'unknown' && o.status_unknown === true)).toBe(true);
      expect(orders.filter((o) => o.marketplace_status === 'SHIPPING').every((o) => o.status === 'waiting_shipment')).toBe(true);
    } finally {
      await c.close();
    }
  });
});
