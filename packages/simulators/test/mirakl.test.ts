/**
 * The Mirakl simulator over HTTP: authentication, OR11 filters and paging, the update-date
 * overlap, every action's preconditions and error codes, and orders walking through every state
 * by their actions and their clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMiraklSimulator } from '../mirakl/index.ts';
import type { RunningMiraklSimulator } from '../mirakl/index.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const START = new Date('2025-03-10T12:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;

let sim: RunningMiraklSimulator;

async function api(method: string, path: string, body?: unknown, key?: string): Promise<{ status: number; json: Json | undefined; headers: Headers }> {
  const res = await fetch(`${sim.baseUrl}${path}`, {
    method,
    headers: { authorization: key ?? (sim.credentials.apiKey as string), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text === '' ? undefined : (JSON.parse(text) as Json), headers: res.headers };
}

async function admin(method: string, path: string, body?: unknown): Promise<Json> {
  const res = await fetch(`${sim.baseUrl}${path}`, { method, ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}) });
  return (await res.json()) as Json;
}

const list = async (query: string) => (await api('GET', `/api/orders?${query}`)).json as { orders: Json[]; total_count: number };
const one = async (id: string) => (await list(`order_ids=${id}`)).orders[0] as Json;
const now = () => sim.clock.now();
const advance = (ms: number) => admin('POST', '/_admin/clock', { advance_ms: ms });
/** Advances to the order's next scheduled event and returns the order as OR11 shows it. */
async function nextEvent(id: string): Promise<Json> {
  const state = await admin('GET', `/_admin/orders/${id}`);
  expect(state.next_event_at).not.toBeNull();
  await advance(Date.parse(state.next_event_at) - now());
  return one(id);
}
const allLines = (o: Json, accepted: boolean | ((k: number) => boolean)) => ({
  order_lines: o.order_lines.map((l: Json, k: number) => ({ id: l.order_line_id, accepted: typeof accepted === 'boolean' ? accepted : accepted(k) })),
});

beforeAll(async () => {
  sim = await startMiraklSimulator({ orders: 500, seed: 21, speed: 0, start: START, newOrdersPerHour: 6 });
});
afterAll(async () => {
  await sim.close();
});

describe('authentication', () => {
  it('takes the raw API key in Authorization, and nothing else', async () => {
    expect((await api('GET', '/api/orders')).status).toBe(200);
    for (const key of ['', 'wrong', `Bearer ${sim.credentials.apiKey as string}`]) {
      const res = await api('GET', '/api/orders', undefined, key);
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ status: 401, message: expect.stringContaining('Unauthorized') });
    }
    expect((await api('PUT', '/api/orders/SIM000000001-A/ship', undefined, 'wrong')).status).toBe(401);
  });
});

describe('OR11 listing', () => {
  it('pages by offset and max (default 10, at most 100) with total_count, by creation date', async () => {
    const first = await list('');
    expect(first.orders).toHaveLength(10);
    expect(first.total_count).toBe(500);
    const all: Json[] = [];
    for (let offset = 0; offset < 500; offset += 100) all.push(...(await list(`max=100&offset=${offset}`)).orders);
    expect(all.map((o) => o.order_id)).toEqual(Array.from({ length: 500 }, (_, i) => `SIM${String(i + 1).padStart(9, '0')}-A`));
    const created = all.map((o) => Date.parse(o.created_date));
    expect([...created].sort((a, b) => a - b)).toEqual(created);
    expect((await list('offset=495&max=100')).orders).toHaveLength(5);
    expect((await list('offset=600')).orders).toEqual([]);
    const desc = await list('max=3&order=desc&sort=dateCreated');
    expect(desc.orders.map((o) => o.order_id)).toEqual(['SIM000000500-A', 'SIM000000499-A', 'SIM000000498-A']);
    expect((await list('paginate=false')).orders).toHaveLength(500);
    expect((await api('GET', '/api/orders?max=101')).status).toBe(400);
  });

  it('filters by state, channel, no channel, fulfillment centre, debit and order ids', async () => {
    const all: Json[] = (await list('paginate=false')).orders;
    const check = async (query: string, pred: (o: Json) => boolean) => {
      const got = (await list(`paginate=false&${query}`)).orders.map((o) => o.order_id);
      const want = all.filter(pred).map((o) => o.order_id);
      expect(want.length).toBeGreaterThan(0);
      expect(got).toEqual(want);
    };
    await check('order_state_codes=SHIPPING,WAITING_ACCEPTANCE', (o) => ['SHIPPING', 'WAITING_ACCEPTANCE'].includes(o.order_state));
    await check('channel_codes=WRT_ES_ONLINE', (o) => o.channel?.code === 'WRT_ES_ONLINE');
    await check('only_null_channel=true&channel_codes=WRT_ES_ONLINE', (o) => o.channel === undefined);
    await check('fulfillment_center_code=FC_LISBOA,FC_MADRID', (o) => o.fulfillment.center.code !== 'DEFAULT');
    await check('customer_debited=true', (o) => o.customer_debited_date !== undefined);
    await check('customer_debited=false', (o) => o.customer_debited_date === undefined);
    await check('order_ids=SIM000000007-A,NOPE-A,SIM000000003-A', (o) => ['SIM000000003-A', 'SIM000000007-A'].includes(o.order_id));
    await check('has_incident=false', () => true);
    expect((await list('has_incident=true')).total_count).toBe(0);
    expect(new Set(all.map((o) => o.channel?.code))).toEqual(new Set(['WRT_PT_ONLINE', 'WRT_ES_ONLINE', undefined]));
    expect((await api('GET', '/api/orders?order_state_codes=SHIPPING,REFUNDED')).json?.message).toContain("'REFUNDED'");
  });

  it('filters by creation date and update date (inclusive bounds)', async () => {
    const all: Json[] = (await list('paginate=false')).orders;
    const pivot = all[250] as Json;
    const created = await list(`paginate=false&start_date=${pivot.created_date}&end_date=${(all[260] as Json).created_date}`);
    expect(created.orders.map((o) => o.order_id)).toEqual(all.slice(250, 261).map((o) => o.order_id));
    const since = Date.parse('2025-03-09T12:00:00Z');
    const updated = await list(`paginate=false&start_update_date=2025-03-09T12:05:00Z&end_update_date=2025-03-10T00:00:00Z`);
    const want = all.filter((o) => Date.parse(o.last_updated_date) >= since && Date.parse(o.last_updated_date) <= Date.parse('2025-03-10T00:00:00Z'));
    expect(updated.orders.map((o) => o.order_id)).toEqual(want.map((o) => o.order_id));
    expect((await api('GET', '/api/orders?start_date=10/03/2025')).status).toBe(400);
  });

  it('reaches 5 minutes before start_update_date, so successive polls overlap', async () => {
    const o = (await admin('POST', '/_admin/orders', { state: 'SHIPPING' })).order as Json;
    const updatedAt = Date.parse(o.last_updated_date);
    const from = (delta: number) => new Date(updatedAt + delta).toISOString();
    const ids = async (q: string) => (await list(`paginate=false&${q}`)).orders.map((x) => x.order_id);
    expect(await ids(`start_update_date=${from(4 * MIN)}`)).toContain(o.order_id);
    expect(await ids(`start_update_date=${from(5 * MIN)}`)).toContain(o.order_id);
    expect(await ids(`start_update_date=${from(5 * MIN + 1)}`)).not.toContain(o.order_id);
    expect(await ids(`start_update_date=${from(-HOUR)}&end_update_date=${from(-1)}`)).not.toContain(o.order_id);
  });

  it('shows new orders as time passes (newOrdersPerHour)', async () => {
    const before = (await list('max=1')).total_count;
    await advance(2 * HOUR);
    const after = await list('max=100&order=desc');
    expect(after.total_count).toBeGreaterThanOrEqual(before + 10);
    expect(after.orders.some((o) => o.order_state === 'STAGING' || o.order_state === 'WAITING_ACCEPTANCE')).toBe(true);
  });

  it('serves OR12 for one order, 404 for an unknown one', async () => {
    const got = await api('GET', '/api/orders/SIM000000002-A');
    expect(got.json?.order_id).toBe('SIM000000002-A');
    expect(got.json?.order_state_reason_code).toBeTypeOf('string');
    expect(await api('GET', '/api/orders/SIM000099999-A')).toMatchObject({ status: 404, json: { status: 404, message: expect.stringMatching(/^ORDER_NOT_FOUND/) } });
  });
});

describe('an order walks through every state by its actions and its clock', () => {
  it('STAGING -> WAITING_ACCEPTANCE -> WAITING_DEBIT -> WAITING_DEBIT_PAYMENT -> SHIPPING -> SHIPPED -> RECEIVED -> CLOSED', async () => {
    const created = (await admin('POST', '/_admin/orders', { lines: 2, shipping_type_code: 'STD' })).order as Json;
    const id = created.order_id as string;
    expect(created.order_state).toBe('STAGING');
    const wa = await nextEvent(id);
    expect(wa.order_state).toBe('WAITING_ACCEPTANCE');
    expect(wa.order_lines.map((l: Json) => l.order_line_state)).toEqual(['WAITING_ACCEPTANCE', 'WAITING_ACCEPTANCE']);
    expect(Date.parse(wa.last_updated_date)).toBeGreaterThan(Date.parse(created.last_updated_date));
    expect((await api('PUT', `/api/orders/${id}/accept`, allLines(wa, true))).status).toBe(204);
    const wd = await one(id);
    expect(wd).toMatchObject({ order_state: 'WAITING_DEBIT', acceptance_decision_date: new Date(now()).toISOString(), can_cancel: true, can_shop_ship: false });
    const profile = (await admin('GET', `/_admin/orders/${id}`)).profile;
    let next = await nextEvent(id);
    if (next.order_state === 'WAITING_DEBIT_PAYMENT') next = await nextEvent(id);
    else expect(profile.delays_ms).toBeDefined();
    expect(next).toMatchObject({ order_state: 'SHIPPING', can_shop_ship: true, customer_debited_date: new Date(now()).toISOString() });
    expect((await api('PUT', `/api/orders/${id}/tracking`, { carrier_code: 'DHL', tracking_number: 'JD0001' })).status).toBe(204);
    expect((await api('PUT', `/api/orders/${id}/ship`)).status).toBe(204);
    const shipped = await one(id);
    expect(shipped).toMatchObject({
      order_state: 'SHIPPED',
      shipping_company: 'DHL',
      shipping_carrier_code: 'DHL',
      shipping_tracking: 'JD0001',
      shipping_tracking_url: 'http://www.dhl.co.uk/en/express/tracking.html?AWB=JD0001&brand=DHL',
    });
    expect(shipped.order_lines.every((l: Json) => l.can_refund && l.shipped_date === new Date(now()).toISOString())).toBe(true);
    expect((await nextEvent(id)).order_state).toBe('RECEIVED');
    const closed = await nextEvent(id);
    expect(closed.order_state).toBe('CLOSED');
    expect((await admin('GET', `/_admin/orders/${id}`)).next_event_at).toBeNull();
  });

  it('walks WAITING_DEBIT_PAYMENT on an order whose debit goes through it', async () => {
    let id = '';
    for (let k = 0; k < 20 && id === ''; k++) {
      const o = await admin('POST', '/_admin/orders', { state: 'WAITING_DEBIT' });
      if (o.timeline.steps.some((s: Json) => s.state === 'WAITING_DEBIT_PAYMENT')) id = o.order.order_id;
    }
    expect(id).not.toBe('');
    expect((await nextEvent(id)).order_state).toBe('WAITING_DEBIT_PAYMENT');
    expect((await nextEvent(id)).order_state).toBe('SHIPPING');
  });

  it('pick-up orders pass through TO_COLLECT', async () => {
    const id = (await admin('POST', '/_admin/orders', { state: 'SHIPPING', shipping_type_code: 'PUDO' })).order.order_id as string;
    expect((await api('PUT', `/api/orders/${id}/ship`, {})).status).toBe(204);
    const toCollect = await nextEvent(id);
    expect(toCollect).toMatchObject({ order_state: 'TO_COLLECT', shipping_type_code: 'PUDO', shipping_pudo_id: expect.any(String) });
    expect((await nextEvent(id)).order_state).toBe('RECEIVED');
  });

  it('refused: every line refused; partly refused: the order goes on with the accepted lines', async () => {
    const a = (await admin('POST', '/_admin/orders', { state: 'WAITING_ACCEPTANCE', lines: 2 })).order as Json;
    expect((await api('PUT', `/api/orders/${a.order_id}/accept`, allLines(a, false))).status).toBe(204);
    const refused = await one(a.order_id);
    expect(refused.order_state).toBe('REFUSED');
    expect(refused.order_lines.map((l: Json) => l.order_line_state)).toEqual(['REFUSED', 'REFUSED']);
    expect(refused.order_state_reason_code).toBe('REFUSED_BY_SHOP');
    const b = (await admin('POST', '/_admin/orders', { state: 'WAITING_ACCEPTANCE', lines: 3 })).order as Json;
    expect((await api('PUT', `/api/orders/${b.order_id}/accept`, allLines(b, (k) => k !== 1))).status).toBe(204);
    const partial = await one(b.order_id);
    expect(partial.order_state).toBe('WAITING_DEBIT');
    expect(partial.order_lines.map((l: Json) => l.order_line_state)).toEqual(['WAITING_DEBIT', 'REFUSED', 'WAITING_DEBIT']);
  });

  it('auto-cancelled when nobody decides within the acceptance deadline (72 h)', async () => {
    const o = (await admin('POST', '/_admin/orders', { state: 'WAITING_ACCEPTANCE' })).order as Json;
    await advance(72 * HOUR - 1);
    expect((await one(o.order_id)).order_state).toBe('WAITING_ACCEPTANCE');
    await advance(1);
    const canceled = await one(o.order_id);
    expect(canceled).toMatchObject({ order_state: 'CANCELED', order_state_reason_code: 'AUTO_CANCELED' });
    expect(canceled.order_lines.every((l: Json) => l.order_line_state === 'CANCELED')).toBe(true);
    expect((await api('PUT', `/api/orders/${o.order_id}/accept`, allLines(o, true))).json?.message).toMatch(/^ORDER_INVALID_STATE/);
  });

  it('refunded: WAITING_REFUND -> WAITING_REFUND_PAYMENT -> REFUNDED; every line refunded -> fully_refunded', async () => {
    const o = (await admin('POST', '/_admin/orders', { state: 'SHIPPED', lines: 2 })).order as Json;
    const refunds = o.order_lines.map((l: Json) => ({
      order_line_id: l.order_line_id,
      amount: l.price,
      shipping_amount: l.shipping_price,
      reason_code: '16',
      taxes: l.taxes.map((t: Json) => ({ code: t.code, amount: t.amount })),
      shipping_taxes: l.shipping_taxes.map((t: Json) => ({ code: t.code, amount: t.amount })),
    }));
    const res = await api('PUT', '/api/orders/refund', { refunds });
    expect(res.status).toBe(200);
    expect(res.json?.refunds.map((r: Json) => [r.order_line_id, r.amount, r.quantity])).toEqual(o.order_lines.map((l: Json) => [l.order_line_id, l.price, l.quantity]));
    const states = async () => {
      const got = await one(o.order_id);
      return { lines: got.order_lines.map((l: Json) => [l.order_line_state, l.refunds[0].refund_state, l.refunds[0].state]), fully: got.fully_refunded, state: got.order_state };
    };
    expect(await states()).toEqual({ lines: [['SHIPPED', 'WAITING_REFUND', 'WAITING_REFUND'], ['SHIPPED', 'WAITING_REFUND', 'WAITING_REFUND']], fully: false, state: 'SHIPPED' });
    const internal = await admin('GET', `/_admin/orders/${o.order_id}`);
    await advance(Date.parse(internal.timeline.refunds[0].payment_at) - now());
    expect((await states()).lines[0]).toEqual(['SHIPPED', 'WAITING_REFUND_PAYMENT', 'WAITING_REFUND_PAYMENT']);
    await advance(Date.parse(internal.timeline.refunds[0].refunded_at) - now());
    expect(await states()).toMatchObject({ lines: [['REFUNDED', 'REFUNDED', 'REFUNDED'], ['REFUNDED', 'REFUNDED', 'REFUNDED']], fully: true });
    expect((await one(o.order_id)).order_lines.every((l: Json) => l.can_refund === false)).toBe(true);
  });
});

describe('action preconditions and error codes', () => {
  const codeOf = (res: { json: Json | undefined }) => (res.json?.message as string).split(':')[0];

  it('OR21: state, every line decided, duplicates, unknown lines, null elements, shape, unknown order', async () => {
    const o = (await admin('POST', '/_admin/orders', { state: 'WAITING_ACCEPTANCE', lines: 2 })).order as Json;
    const [l1, l2] = o.order_lines.map((l: Json) => l.order_line_id);
    const accept = (body: unknown, id = o.order_id) => api('PUT', `/api/orders/${id}/accept`, body);
    expect(codeOf(await accept({ order_lines: [{ id: l1, accepted: true }] }))).toBe('ORDER_LINE_ACCEPTANCE_DECISION_MISSING');
    expect(codeOf(await accept({ order_lines: [{ id: l1, accepted: true }, { id: l1, accepted: false }] }))).toBe('ORDER_LINE_DUPLICATE_ID');
    expect(codeOf(await accept({ order_lines: [{ id: l1, accepted: true }, { id: `${o.order_id}-7`, accepted: true }] }))).toBe('ORDER_LINE_NOT_FOUND');
    expect(codeOf(await accept({ order_lines: [null] }))).toBe('ORDER_LINE_NULL_ELEMENT');
    expect(codeOf(await accept({ order_lines: [{ id: l1, accepted: 'yes' }] }))).toBe('VALIDATION_ERROR');
    expect(codeOf(await accept({}))).toBe('VALIDATION_ERROR');
    const unknown = await accept({ order_lines: [{ id: 'x', accepted: true }] }, 'SIM000777777-A');
    expect([unknown.status, codeOf(unknown)]).toEqual([404, 'ORDER_NOT_FOUND']);
    expect((await one(o.order_id)).order_state).toBe('WAITING_ACCEPTANCE');
    expect((await accept({ order_lines: [{ id: l2, accepted: true }, { id: l1, accepted: true }] })).status).toBe(204);
    const again = await accept({ order_lines: [{ id: l2, accepted: true }, { id: l1, accepted: true }] });
    expect([again.status, codeOf(again)]).toEqual([400, 'ORDER_INVALID_STATE']);
    const staging = (await admin('POST', '/_admin/orders', {})).order as Json;
    expect(codeOf(await accept(allLines(staging, true), staging.order_id))).toBe('ORDER_INVALID_STATE');
  });

  it('OR24: only from SHIPPING; tolerates no body, {} and null', async () => {
    const o = (await admin('POST', '/_admin/orders', { state: 'WAITING_DEBIT' })).order as Json;
    expect(codeOf(await api('PUT', `/api/orders/${o.order_id}/ship`))).toBe('ORDER_INVALID_STATE');
    for (const body of [undefined, null, {}]) {
      const s = (await admin('POST', '/_admin/orders', { state: 'SHIPPING' })).order as Json;
      expect((await api('PUT', `/api/orders/${s.order_id}/ship`, body)).status).toBe(204);
      expect((await one(s.order_id)).order_state).toBe('SHIPPED');
    }
    const raw = await fetch(`${sim.baseUrl}/api/orders/${o.order_id}/ship`, { method: 'PUT', headers: { authorization: sim.credentials.apiKey as string, 'content-type': 'application/json' } });
    expect(raw.status).toBe(400);
  });

  it('OR23: registered carrier (URL computed) or free carrier name; SHIPPING or SHIPPED only', async () => {
    const o = (await admin('POST', '/_admin/orders', { state: 'SHIPPING' })).order as Json;
    const tracking = (body: unknown) => api('PUT', `/api/orders/${o.order_id}/tracking`, body);
    expect((await tracking({ carrier_code: 'XYZ', tracking_number: '1' })).json?.message).toContain("carrier_code 'XYZ' is not a registered carrier");
    expect(codeOf(await tracking({ carrier_code: 'UPS' }))).toBe('VALIDATION_ERROR');
    expect(codeOf(await tracking({ tracking_number: '1' }))).toBe('VALIDATION_ERROR');
    expect((await tracking({ carrier_name: 'Correos Express', carrier_url: 'https://s.correosexpress.com/?n=42', tracking_number: '42' })).status).toBe(204);
    expect(await one(o.order_id)).toMatchObject({ shipping_company: 'Correos Express', shipping_tracking: '42', shipping_tracking_url: 'https://s.correosexpress.com/?n=42' });
    expect((await tracking({ carrier_code: 'UPS', tracking_number: '1Z 9' })).status).toBe(204);
    expect((await one(o.order_id)).shipping_tracking_url).toBe('https://wwwapps.ups.com/WebTracking/track?track=yes&trackNums=1Z%209');
    const wa = (await admin('POST', '/_admin/orders', { state: 'WAITING_ACCEPTANCE' })).order as Json;
    expect(codeOf(await api('PUT', `/api/orders/${wa.order_id}/tracking`, { carrier_code: 'UPS', tracking_number: '1' }))).toBe('ORDER_INVALID_STATE');
  });

  it('OR28: reason of type REFUND, taxes when the order has taxes, shipped lines, amounts within the line', async () => {
    const taxed = (await admin('POST', '/_admin/orders', { state: 'SHIPPED', lines: 1 })).order as Json;
    const untaxed = (await admin('POST', '/_admin/orders', { state: 'SHIPPED', lines: 1, taxes: false })).order as Json;
    const line = taxed.order_lines[0];
    const refund = (item: Json) => api('PUT', '/api/orders/refund', { refunds: [{ order_line_id: line.order_line_id, amount: 1, shipping_amount: 0, reason_code: '15', taxes: [], shipping_taxes: [], ...item }] });
    expect((await refund({ reason_code: '34' })).json?.message).toContain("reason_code '34' is not a reason of type REFUND");
    expect((await refund({ taxes: undefined })).json?.message).toContain('taxes and shipping_taxes are required');
    expect((await refund({ amount: line.price + 0.01 })).json?.message).toContain('exceeds what is left');
    expect((await refund({ amount: 0 })).status).toBe(400);
    expect((await refund({ amount: 1.234 })).status).toBe(400);
    const noTaxes = await api('PUT', '/api/orders/refund', { refunds: [{ order_line_id: untaxed.order_lines[0].order_line_id, amount: 1, shipping_amount: 0, reason_code: '17' }] });
    expect(noTaxes.status).toBe(200);
    const waiting = (await admin('POST', '/_admin/orders', { state: 'SHIPPING' })).order as Json;
    const early = await api('PUT', '/api/orders/refund', { refunds: [{ order_line_id: waiting.order_lines[0].order_line_id, amount: 1, shipping_amount: 0, reason_code: '15', taxes: [], shipping_taxes: [] }] });
    expect(codeOf(early)).toBe('ORDER_LINE_INVALID_STATE');
    // Two refunds in one call that together exceed the line fail as a whole.
    const both = await api('PUT', '/api/orders/refund', {
      refunds: [0, 1].map(() => ({ order_line_id: line.order_line_id, amount: line.price, shipping_amount: 0, reason_code: '15', taxes: [], shipping_taxes: [] })),
    });
    expect(both.status).toBe(400);
    expect((await one(taxed.order_id)).order_lines[0].refunds).toEqual([]);
  });

  it('OR29: only when can_cancel; cancels every line', async () => {
    const o = (await admin('POST', '/_admin/orders', { state: 'SHIPPING', lines: 2 })).order as Json;
    expect(o.can_cancel).toBe(true);
    expect((await api('PUT', `/api/orders/${o.order_id}/cancel`)).status).toBe(204);
    const canceled = await one(o.order_id);
    expect(canceled).toMatchObject({ order_state: 'CANCELED', can_cancel: false });
    expect(canceled.order_lines.map((l: Json) => [l.order_line_state, l.cancelations.length])).toEqual([['CANCELED', 1], ['CANCELED', 1]]);
    const shipped = (await admin('POST', '/_admin/orders', { state: 'SHIPPED' })).order as Json;
    expect(shipped.can_cancel).toBe(false);
    expect(codeOf(await api('PUT', `/api/orders/${shipped.order_id}/cancel`))).toBe('ORDER_INVALID_STATE');
  });

  it('OR30: reason of type CANCELATION, quantities; all lines cancelled -> order CANCELED', async () => {
    const o = (await admin('POST', '/_admin/orders', { state: 'SHIPPING', lines: 2, taxes: false })).order as Json;
    const [a, b] = o.order_lines;
    const cancel = (items: Json[]) => api('PUT', '/api/orders/cancel', { cancelations: items });
    const item = (l: Json, extra: Json = {}) => ({ order_line_id: l.order_line_id, amount: l.price, shipping_amount: l.shipping_price, quantity: l.quantity, reason_code: '35', ...extra });
    expect((await cancel([item(a, { reason_code: '15' })])).json?.message).toContain('is not a reason of type CANCELATION');
    expect((await cancel([item(a, { quantity: a.quantity + 1 })])).json?.message).toContain('exceeds the quantity left');
    const first = await cancel([item(a)]);
    expect(first.status).toBe(200);
    expect(first.json?.cancelations[0]).toMatchObject({ order_line_id: a.order_line_id, cancelation_id: expect.any(String), reason_code: '35' });
    let now1 = await one(o.order_id);
    expect([now1.order_state, now1.order_lines[0].order_line_state, now1.order_lines[1].order_line_state]).toEqual(['SHIPPING', 'CANCELED', 'SHIPPING']);
    expect((await cancel([item(b)])).status).toBe(200);
    now1 = await one(o.order_id);
    expect(now1.order_state).toBe('CANCELED');
  });

  it('OR07: per-line results, read-only once the debit started, at most 100 lines', async () => {
    const o = (await admin('POST', '/_admin/orders', { state: 'WAITING_ACCEPTANCE', lines: 1 })).order as Json;
    const lineId = o.order_lines[0].order_line_id;
    const put = (lines: Json[]) => api('PUT', '/api/orders/shipping_from', { order_lines: lines });
    const ok = await put([{ id: lineId, shipping_from: { address: { country_iso_code: 'ESP' } } }]);
    expect(ok).toMatchObject({ status: 200, json: { order_lines: [{ id: lineId, updated: { address: { country_iso_code: 'ESP' } } }] } });
    expect((await one(o.order_id)).order_lines[0].shipping_from).toEqual({ address: { country_iso_code: 'ESP' } });
    expect((await put([{ id: lineId, shipping_from: { address: { country_iso_code: 'ES' } } }])).json?.order_lines[0].errors[0].code).toBe('02.invalid-value');
    expect((await put([{ id: 'SIM000000001-A-9', shipping_from: { warehouse: { code: 'W' } } }])).json?.order_lines[0].errors[0].code).toBe('04.not-found');
    await api('PUT', `/api/orders/${o.order_id}/accept`, allLines(o, true));
    expect((await put([{ id: lineId, shipping_from: { warehouse: { code: 'W' } } }])).json?.order_lines[0].errors[0]).toMatchObject({ code: '05.read-only', field: 'shipping_from.warehouse' });
    const tooMany = await put(Array.from({ length: 101 }, () => ({ id: lineId, shipping_from: { warehouse: { code: 'W' } } })));
    expect(tooMany).toMatchObject({ status: 400, json: { message: expect.stringContaining('Too many order lines') } });
  });
});
