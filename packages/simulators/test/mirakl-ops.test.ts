/**
 * The Mirakl simulator as an operator sees it: fault modes, the call log, call-frequency
 * ceilings, determinism, bounded memory at a million orders, option checks and admin routes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatorError } from '../errors.ts';
import { startMiraklSimulator } from '../mirakl/index.ts';
import type { MiraklSimulatorOptions, RunningMiraklSimulator } from '../mirakl/index.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const START = new Date('2025-03-10T12:00:00Z');

const running: RunningMiraklSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

async function start(opts: MiraklSimulatorOptions = {}): Promise<RunningMiraklSimulator> {
  const sim = await startMiraklSimulator({ orders: 120, seed: 4, speed: 0, start: START, ...opts });
  running.push(sim);
  return sim;
}

function client(sim: RunningMiraklSimulator) {
  return async (path: string, init: RequestInit = {}) => fetch(`${sim.baseUrl}${path}`, { ...init, headers: { authorization: sim.credentials.apiKey as string, ...(init.headers ?? {}) } });
}

async function setFaults(sim: RunningMiraklSimulator, text: string): Promise<void> {
  const res = await fetch(`${sim.baseUrl}/_admin/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
  expect(res.status).toBe(200);
}

describe('fault modes', () => {
  it('5xx with Mirakl error bodies; admin routes never faulted', async () => {
    const sim = await start({ faults: '5xx=1' });
    const res = await client(sim)('/api/orders');
    expect([500, 502, 503]).toContain(res.status);
    expect(await res.json()).toEqual({ status: res.status, message: expect.any(String) });
    expect((await fetch(`${sim.baseUrl}/_admin/health`)).status).toBe(200);
    expect(sim.callLog.list().map((c) => c.fault)).toEqual(['5xx']);
  });

  it('truncated and malformed bodies, reset connections, held (timed-out) calls', async () => {
    const sim = await start();
    const call = client(sim);
    await setFaults(sim, 'truncate=1');
    const cut = await call('/api/orders');
    const cutText = await cut.text();
    expect(Number(cut.headers.get('content-length'))).toBe(Buffer.byteLength(cutText));
    expect(() => JSON.parse(cutText)).toThrow();
    await setFaults(sim, 'malformed=1');
    const bad = await (await call('/api/orders')).text();
    expect(() => JSON.parse(bad)).toThrow();
    await setFaults(sim, 'reset=1');
    await expect(call('/api/orders')).rejects.toThrow();
    await setFaults(sim, 'timeout=1');
    await expect(call('/api/orders', { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    await setFaults(sim, '');
    expect((await call('/api/orders')).status).toBe(200);
    expect(sim.callLog.list().map((c) => c.fault)).toEqual(['truncate', 'malformed', 'reset', 'timeout', undefined]);
  });

  it('slow calls still answer; ratelimit fault answers 429 with Retry-After', async () => {
    const sim = await start({ faults: 'slow=20ms,ratelimit=2/min,retry-after=7s' });
    const call = client(sim);
    expect((await call('/api/orders')).status).toBe(200);
    expect((await call('/api/reasons')).status).toBe(200);
    const limited = await call('/api/orders');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(await limited.json()).toEqual({ status: 429, message: expect.any(String) });
    sim.clock.advance(60_000);
    expect((await call('/api/orders')).status).toBe(200);
  });

  it('duplicate pages overlap; shifting pages move read orders to the end, so an offset reader skips one per page', async () => {
    const sim = await start();
    const call = client(sim);
    const ids = async (q: string) => ((await (await call(`/api/orders?${q}`)).json()) as Json).orders.map((o: Json) => o.order_id) as string[];
    const clean = [...(await ids('max=10')), ...(await ids('max=10&offset=10'))];
    await setFaults(sim, 'duplicate-pages');
    const dup = [...(await ids('max=10')), ...(await ids('max=10&offset=10'))];
    expect(dup.slice(10, 12)).toEqual(clean.slice(8, 10));
    expect(new Set(dup).size).toBeLessThan(dup.length);
    await setFaults(sim, 'shifting-pages');
    const page2 = (await (await call('/api/orders?max=10&offset=10')).json()) as Json;
    expect(page2.orders[0].order_id).toBe(clean[11]);
    // Moved, not gone: the count is unchanged and the last page ends with the orders moved to the end.
    expect(page2.total_count).toBe(120);
    const last = (await (await call('/api/orders?max=10&offset=110')).json()) as Json;
    // Page 12 reads the list with its first 11 orders moved to the end: positions 110-119 are orders 1-10.
    expect(last.orders.map((o: Json) => o.order_id)).toEqual(clean.slice(1, 11));
  });

  it('clock skew shifts every date shown and read', async () => {
    const sim = await start();
    const call = client(sim);
    const first = async (q = '') => ((await (await call(`/api/orders?max=1${q}`)).json()) as Json).orders[0] as Json;
    const plain = await first();
    await setFaults(sim, 'skew=90s');
    const skewed = await first();
    expect(Date.parse(skewed.created_date) - Date.parse(plain.created_date)).toBe(90_000);
    expect(Date.parse(skewed.last_updated_date) - Date.parse(plain.last_updated_date)).toBe(90_000);
    expect((await first(`&start_date=${skewed.created_date}`)).order_id).toBe(plain.order_id);
  });

  it('rejects a bad fault string at start with SIM_BAD_FAULTS', async () => {
    await expect(startMiraklSimulator({ faults: '5xx=lots' })).rejects.toMatchObject({ code: 'SIM_BAD_FAULTS' });
  });
});

describe('call log', () => {
  it('records every API call with simulated time, redacted key, parsed body and status; not admin calls', async () => {
    const sim = await start();
    const call = client(sim);
    await call('/api/orders?order_state_codes=SHIPPING&max=5');
    const created = (await (await fetch(`${sim.baseUrl}/_admin/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"state":"SHIPPING"}' })).json()) as Json;
    sim.clock.advance(1000);
    await call(`/api/orders/${created.order.order_id}/tracking`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ carrier_code: 'UPS', tracking_number: 'T1' }) });
    await fetch(`${sim.baseUrl}/api/orders`, { headers: { authorization: 'wrong-key' } });
    const calls = ((await (await fetch(`${sim.baseUrl}/_admin/calls`)).json()) as Json).calls as Json[];
    expect(calls.map((c) => [c.method, c.path, c.status])).toEqual([
      ['GET', '/api/orders', 200],
      ['PUT', `/api/orders/${created.order.order_id}/tracking`, 204],
      ['GET', '/api/orders', 401],
    ]);
    expect(calls[0]).toMatchObject({ seq: 1, at: START.toISOString(), query: { order_state_codes: 'SHIPPING', max: '5' }, headers: { authorization: '[redacted]' } });
    expect(calls[1]).toMatchObject({ at: '2025-03-10T12:00:01.000Z', body: { carrier_code: 'UPS', tracking_number: 'T1' } });
    const text = JSON.stringify(calls);
    expect(text).not.toContain(sim.credentials.apiKey as string);
    expect(text).not.toContain('wrong-key');
    const since = ((await (await fetch(`${sim.baseUrl}/_admin/calls?since=2`)).json()) as Json).calls as Json[];
    expect(since.map((c) => c.seq)).toEqual([3]);
  });
});

describe('call-frequency ceilings', () => {
  it('are off by default', async () => {
    const sim = await start();
    const call = client(sim);
    for (let i = 0; i < 3; i++) expect((await call('/api/orders')).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await call('/api/shipping/carriers')).status).toBe(200);
  });

  it('OR11 once a minute per key (pages of one poll are free), SH21 once a day, OR07 60 an hour', async () => {
    const sim = await start({ callLimits: true });
    const call = client(sim);
    expect((await call('/api/orders?max=5')).status).toBe(200);
    expect((await call('/api/orders?max=5&offset=5')).status).toBe(200);
    const second = await call('/api/orders?max=5');
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('60');
    expect(await second.json()).toEqual({ status: 429, message: expect.stringContaining('OR11') });
    sim.clock.advance(30_000);
    expect((await call('/api/orders')).headers.get('retry-after')).toBe('30');
    sim.clock.advance(30_000);
    expect((await call('/api/orders')).status).toBe(200);
    expect((await call('/api/shipping/carriers')).status).toBe(200);
    expect((await call('/api/shipping/carriers')).status).toBe(429);
    const body = JSON.stringify({ order_lines: [{ id: 'SIM000000001-A-1', shipping_from: { warehouse: { code: 'W' } } }] });
    const put = () => call('/api/orders/shipping_from', { method: 'PUT', headers: { 'content-type': 'application/json' }, body });
    for (let i = 0; i < 60; i++) expect((await put()).status).toBe(200);
    expect((await put()).status).toBe(429);
    expect((await call('/api/reasons')).status).toBe(200);
  });

  it('can be switched at run time through /_admin/limits', async () => {
    const sim = await start();
    const call = client(sim);
    const res = await fetch(`${sim.baseUrl}/_admin/limits`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"enabled":true}' });
    expect(((await res.json()) as Json).enabled).toBe(true);
    expect((await call('/api/orders')).status).toBe(200);
    expect((await call('/api/orders')).status).toBe(429);
  });
});

describe('determinism and scale', () => {
  it('same seed, same orders; another seed, other orders', async () => {
    const page = async (seed: number) => {
      const sim = await start({ seed, orders: 300 });
      return (await client(sim)('/api/orders?max=100&offset=100')).text();
    };
    const a = await page(77);
    expect(await page(77)).toBe(a);
    expect(await page(78)).not.toBe(a);
  });

  it('serves a million orders without building them', async () => {
    const sim = await start({ orders: 1_000_000, historyDays: 30 });
    const call = client(sim);
    const page = (await (await call('/api/orders?max=100&offset=700000')).json()) as Json;
    expect(page.total_count).toBe(1_000_000);
    expect(page.orders).toHaveLength(100);
    expect(page.orders[0].order_id).toBe('SIM000700001-A');
    const waiting = (await (await call('/api/orders?order_state_codes=WAITING_ACCEPTANCE&max=100')).json()) as Json;
    expect(waiting.total_count).toBeGreaterThan(100);
    expect(waiting.orders.every((o: Json) => o.order_state === 'WAITING_ACCEPTANCE')).toBe(true);
    const recent = (await (await call('/api/orders?start_update_date=2025-03-10T11:00:00Z&max=100&offset=50')).json()) as Json;
    expect(recent.total_count).toBeGreaterThan(1000);
    expect(recent.orders.every((o: Json) => Date.parse(o.last_updated_date) >= Date.parse('2025-03-10T10:55:00Z'))).toBe(true);
    // Nothing was stored: every order served was derived on demand.
    expect(sim.book.storedCount).toBe(0);
    const health = (await (await fetch(`${sim.baseUrl}/_admin/health`)).json()) as Json;
    expect(health).toMatchObject({ kind: 'mirakl', generated_orders: 1_000_000, stored_orders: 0 });
  });
});

describe('options and admin routes', () => {
  it.each([
    [{ orders: 1_000_001 }, 'orders'],
    [{ orders: 1.5 }, 'orders'],
    [{ speed: -1 }, 'speed'],
    [{ host: '0.0.0.0' }, 'host'],
    [{ credentials: { clientId: 'x' } }, 'credentials'],
    [{ acceptanceDeadlineHours: 0 }, 'acceptanceDeadlineHours'],
  ] as [MiraklSimulatorOptions, string][])('rejects %j with SIM_BAD_OPTIONS', async (opts, field) => {
    const error = await startMiraklSimulator(opts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SimulatorError);
    expect(error).toMatchObject({ code: 'SIM_BAD_OPTIONS', details: { field } });
  });

  it('uses given credentials and generates one otherwise', async () => {
    const given = await start({ credentials: { apiKey: 'shop-key-1' } });
    expect(given.credentials).toEqual({ apiKey: 'shop-key-1' });
    expect((await fetch(`${given.baseUrl}/api/reasons`, { headers: { authorization: 'shop-key-1' } })).status).toBe(200);
    const generated = await start();
    expect(generated.credentials.apiKey).toMatch(/^sim-[\w-]{20,}$/);
    expect(new URL(generated.baseUrl).hostname).toBe('127.0.0.1');
  });

  it('creates orders with overrides, forces transitions, reports errors with codes', async () => {
    const sim = await start();
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${sim.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, json: (await res.json()) as Json };
    };
    const created = await post('/_admin/orders', { lines: 4, channel_code: null, taxes: false, reference_for_seller: 'PO-1' });
    expect(created.status).toBe(201);
    expect(created.json.order).toMatchObject({ order_state: 'STAGING', references: { order_reference_for_seller: 'PO-1' } });
    expect(created.json.order.order_lines).toHaveLength(4);
    expect(created.json.order.channel).toBeUndefined();
    expect(created.json.order.order_lines[0].taxes).toBeUndefined();
    const byRef = (await (await client(sim)('/api/orders?order_references_for_seller=PO-1')).json()) as Json;
    expect(byRef.orders.map((o: Json) => o.order_id)).toEqual([created.json.order.order_id]);
    const id = created.json.order.order_id;
    expect((await post(`/_admin/orders/${id}/advance`, { to: 'SHIPPED' })).json.state).toBe('SHIPPED');
    expect(await post(`/_admin/orders/${id}/advance`, { to: 'WAITING_ACCEPTANCE' })).toMatchObject({ status: 409, json: { error: { code: 'SIM_BAD_TRANSITION' } } });
    expect(await post(`/_admin/orders/${id}/advance`, { to: 'NOPE' })).toMatchObject({ status: 400, json: { error: { code: 'SIM_BAD_ADMIN_REQUEST', field: 'to' } } });
    expect(await post('/_admin/orders/SIMX99999999-A/advance', { to: 'CLOSED' })).toMatchObject({ status: 404, json: { error: { code: 'SIM_ORDER_NOT_FOUND' } } });
    expect(await post('/_admin/orders', { lines: 9 })).toMatchObject({ status: 400, json: { error: { code: 'SIM_BAD_ADMIN_REQUEST', field: 'lines' } } });
    expect(await post('/_admin/orders', { channel_code: 'AMAZON' })).toMatchObject({ status: 400, json: { error: { code: 'SIM_BAD_ADMIN_REQUEST' } } });
    expect(await post('/_admin/orders', { colour: 'red' })).toMatchObject({ status: 400, json: { error: { field: 'colour' } } });
    // A generated order forced along is stored from then on.
    expect((await post('/_admin/orders/SIM000000120-A/advance', { to: 'CANCELED' })).json).toMatchObject({ state: 'CANCELED', stored: true, index: 119 });
    expect((await post('/_admin/tick', {})).json).toMatchObject({ generated_orders: 120, stored_orders: 2 });
    const twoEach = await post('/_admin/orders', { lines: 3, quantity: 2 });
    expect(twoEach.json.order.order_lines.map((l: Json) => l.quantity)).toEqual([2, 2, 2]);
    expect(await post('/_admin/orders', { quantity: 0 })).toMatchObject({ status: 400, json: { error: { code: 'SIM_BAD_ADMIN_REQUEST', field: 'quantity' } } });
  });
});
