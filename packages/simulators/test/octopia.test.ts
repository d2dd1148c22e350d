/**
 * Contract tests of the Octopia simulator: every endpoint's shape (validated against
 * packages/simulators/octopia/schemas with ajv) and error codes, the token lifecycle and SellerId.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OctopiaClient, type CallResult } from '../octopia/client.ts';
import { startOctopiaSimulator, type RunningOctopiaSimulator } from '../octopia/index.ts';
import { assertValid, octopiaValidators } from '../octopia/schemas.ts';
import type { ApiOrder } from '../octopia/render.ts';

const v = octopiaValidators();
const START = new Date('2024-05-15T10:00:00Z');
const HOUR = 3_600_000;

let sim: RunningOctopiaSimulator;
let client: OctopiaClient;

beforeAll(async () => {
  sim = await startOctopiaSimulator({ orders: 400, seed: 11, speed: 0, start: START });
  client = new OctopiaClient(sim);
});
afterAll(async () => sim.close());

function expectProblem(res: CallResult, status: number, slug: string): void {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  assertValid(v.problem, res.body, `${status} problem`);
  expect((res.body as { type: string }).type).toBe(`urn:orderwire:octopia-simulator:${slug}`);
  expect((res.body as { status: number }).status).toBe(status);
}

async function anOrder(status: string): Promise<ApiOrder> {
  const res = await fetch(`${sim.baseUrl}/_admin/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status, lines: 2 }) });
  expect(res.status).toBe(201);
  return ((await res.json()) as { order: ApiOrder }).order;
}

describe('token endpoint', () => {
  it('issues a 2-hour Bearer token for form credentials and for HTTP Basic client auth', async () => {
    for (const basic of [false, true]) {
      const res = await client.requestToken({}, { basic });
      expect(res.status).toBe(200);
      assertValid(v.token, res.body, 'token');
      expect(res.body).toMatchObject({ expires_in: 7200, token_type: 'Bearer' });
    }
  });

  it('answers OAuth2 errors: 401 invalid_client, 400 invalid_request and unsupported_grant_type', async () => {
    const wrong = await client.requestToken({ client_secret: 'not-the-secret' });
    expect(wrong.status).toBe(401);
    assertValid(v.token, wrong.body, 'oauth error');
    expect(wrong.body.error).toBe('invalid_client');
    const wrongBasic = await new OctopiaClient({ baseUrl: sim.baseUrl, credentials: { ...sim.credentials, clientSecret: 'nope' } }).requestToken({}, { basic: true });
    expect(wrongBasic.status).toBe(401);
    expect(wrongBasic.headers.get('www-authenticate')).toMatch(/^Basic/);
    const grant = await client.requestToken({ grant_type: 'password' });
    expect(grant.status).toBe(400);
    expect(grant.body.error).toBe('unsupported_grant_type');
    const json = await fetch(sim.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { error: string }).error).toBe('invalid_request');
    const missing = await fetch(sim.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'client_id=x' });
    expect(missing.status).toBe(400);
  });

  it('limits tokens per client per hour (429 + Retry-After) when a quota is set', async () => {
    const limited = await startOctopiaSimulator({ orders: 1, speed: 0, start: START, tokenQuotaPerHour: 2 });
    try {
      const c = new OctopiaClient(limited);
      expect((await c.requestToken()).status).toBe(200);
      expect((await c.requestToken()).status).toBe(200);
      const third = await c.requestToken();
      expect(third.status).toBe(429);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
      limited.clock.advance(HOUR);
      expect((await c.requestToken()).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('authentication of the seller API', () => {
  it('accepts a token for 2 simulated hours, then answers 401 until a new token is used', async () => {
    const c = new OctopiaClient({ baseUrl: sim.baseUrl, credentials: sim.credentials, refresh: false });
    expect((await c.get('/carriers')).status).toBe(200);
    sim.clock.advance(2 * HOUR - 1);
    expect((await c.get('/carriers')).status).toBe(200);
    sim.clock.advance(1);
    const expired = await c.get('/carriers');
    expectProblem(expired, 401, 'unauthorized');
    expect((expired.body as { detail: string }).detail).toMatch(/expired/);
    c.forgetToken();
    expect((await c.get('/carriers')).status).toBe(200);
  });

  it('answers 401 without a Bearer token or with an unknown one', async () => {
    const none = await client.get('/orders', {}, { authorization: undefined });
    expectProblem(none, 401, 'unauthorized');
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expectProblem(await client.get('/orders', {}, { authorization: 'Bearer forged' }), 401, 'unauthorized');
  });

  it('requires the SellerId header: 400 when missing, 403 for another seller', async () => {
    expectProblem(await client.get('/orders', {}, { sellerid: undefined }), 400, 'missing-seller-id');
    expectProblem(await client.get('/orders', {}, { sellerid: `${sim.credentials.sellerId}9` }), 403, 'forbidden-seller');
  });
});

describe('GET /seller/v2/orders and /orders/{id}', () => {
  it('serves pages and orders that match the schemas', async () => {
    const page = await client.get<{ itemsPerPage: number; items: ApiOrder[] }>('/orders', { pageSize: 100 });
    expect(page.status).toBe(200);
    assertValid(v.orderList, page.body, 'order page');
    expect(Object.keys(page.body).sort()).toEqual(['items', 'itemsPerPage']);
    const one = page.body.items[17] as ApiOrder;
    const got = await client.get<ApiOrder>(`/orders/${one.orderId}`);
    expect(got.status).toBe(200);
    assertValid(v.order, got.body, 'order');
    expect(got.body).toEqual(one);
  });

  it('defaults to 50 per page and rejects bad paging, filters and sorts with 400 problems', async () => {
    const page = await client.get<{ itemsPerPage: number; items: unknown[] }>('/orders');
    expect(page.body.itemsPerPage).toBe(50);
    expect(page.body.items).toHaveLength(50);
    const bad: Record<string, string>[] = [
      { pageSize: '101' },
      { pageSize: '0' },
      { pageIndex: '0' },
      { pageIndex: 'two' },
      { status: 'Pending' },
      { status: 'shipped' },
      { sort: 'asc:reference' },
      { createdAtMin: '2024-05-01T00:00:00' },
      { updatedAtMin: 'yesterday' },
      { createdAtMin: '2024-05-10T00:00:00Z', createdAtMax: '2024-05-01T00:00:00Z' },
      { offset: '100' },
    ];
    for (const query of bad) {
      const res = await client.get('/orders', query);
      expectProblem(res, 400, 'invalid-parameter');
      expect((res.body as { detail: string }).detail).toContain(Object.keys(query).at(-1) === 'createdAtMax' ? 'createdAtMin' : (Object.keys(query)[0] as string));
    }
  });

  it('answers 404 for an unknown order id, a forged check code, and an unknown route', async () => {
    const { items } = (await client.get<{ items: ApiOrder[] }>('/orders', { pageSize: 1 })).body;
    const id = (items[0] as ApiOrder).orderId;
    const forged = id.slice(0, -2) + (id.endsWith('AA') ? 'BB' : 'AA');
    expectProblem(await client.get(`/orders/${forged}`), 404, 'not-found');
    expectProblem(await client.get('/orders/NOPE'), 404, 'not-found');
    expectProblem(await client.get('/orders-archive'), 404, 'not-found');
  });
});

describe('reference lists', () => {
  it('lists the supported carriers', async () => {
    const res = await client.get<{ items: { code: string; label: string }[] }>('/carriers');
    assertValid(v.carriers, res.body, 'carriers');
    expect(res.body.items).toContainEqual({ code: '14', label: 'Colissimo' });
    // The instance's own list: one carrier more than Cdiscount publishes.
    expect(res.body.items).toContainEqual({ code: '33', label: 'Kuehne + Nagel' });
  });

  it('serves the carriers the instance is given, and ships only with those', async () => {
    const admin = async (method: string, body?: unknown) => {
      const res = await fetch(`${sim.baseUrl}/_admin/reference-lists`, { method, ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
      return { status: res.status, body: (await res.json()) as { carriers: { code: string; label: string }[]; error?: { field: string } } };
    };
    const before = (await admin('GET')).body;
    try {
      expect((await admin('PUT', { carriers: [{ code: '14', label: 'Colissimo' }, { code: '40', label: 'Paack' }] })).status).toBe(200);
      const res = await client.get<{ items: { code: string; label: string }[] }>('/carriers');
      assertValid(v.carriers, res.body, 'carriers');
      expect(res.body.items).toEqual([{ code: '14', label: 'Colissimo' }, { code: '40', label: 'Paack' }]);
      const order = await anOrder('InPreparation');
      const items = order.lines.map((l) => ({ orderLineId: l.orderLineId, quantity: l.quantity }));
      expectProblem(await client.post(`/orders/${order.orderId}/shipments`, [{ parcelNumber: 'P1', carrierCode: '13', items }]), 400, 'unsupported-carrier');
      expect((await client.post(`/orders/${order.orderId}/shipments`, [{ parcelNumber: 'P1', carrierCode: '40', items }])).status).toBe(201);
      expect((await admin('PUT', { carriers: [{ code: '' }] })).body.error).toMatchObject({ field: 'carriers[0]' });
    } finally {
      await admin('PUT', { carriers: before.carriers });
    }
  });

  it('lists cancellation reasons per status (before shipment, after shipment, none)', async () => {
    const codes = async (status?: string) => {
      const res = await client.get<{ items: { code: string }[] }>('/cancellation-reasons', status ? { status } : {});
      expect(res.status).toBe(200);
      assertValid(v.cancellationReasons, res.body, 'reasons');
      return res.body.items.map((r) => r.code);
    };
    expect(await codes('InPreparation')).toContain('ProductStockUnavailable');
    expect(await codes('InPreparation')).not.toContain('ClientRetraction');
    expect(await codes('Delivered')).toContain('ClientRetraction');
    expect(await codes('WaitingAcceptance')).toEqual([]);
    expect(await codes()).toHaveLength(8);
    expectProblem(await client.get('/cancellation-reasons', { status: 'Lost' }), 400, 'invalid-parameter');
  });
});

describe('action errors', () => {
  it('approval: 400 for a bad body and for an order not WaitingAcceptance', async () => {
    const waiting = await anOrder('WaitingAcceptance');
    expectProblem(await client.post(`/orders/${waiting.orderId}/approval-status`, { approval_status: 'Maybe' }), 400, 'invalid-body');
    expectProblem(await client.post(`/orders/${waiting.orderId}/approval-status`, { approvalStatus: 'Accepted' }), 400, 'invalid-body');
    const accepted = await anOrder('Accepted');
    const res = await client.post(`/orders/${accepted.orderId}/approval-status`, { approval_status: 'Accepted' });
    expectProblem(res, 400, 'invalid-state');
    expect((res.body as { detail: string }).detail).toMatch(/Accepted.*WaitingAcceptance/);
    expectProblem(await client.post('/orders/240101000000XX/approval-status', { approval_status: 'Accepted' }), 404, 'not-found');
  });

  it('shipments: 400 for unsupported carriers, unknown lines, excess quantity, wrong status', async () => {
    const order = await anOrder('InPreparation');
    const line = order.lines[0] as ApiOrder['lines'][number];
    const parcel = (over: Record<string, unknown>) => [{ parcelNumber: 'TRK1', carrierName: 'Colissimo', items: [{ orderLineId: line.orderLineId, quantity: 1 }], ...over }];
    expectProblem(await client.post(`/orders/${order.orderId}/shipments`, parcel({ carrierName: 'Pigeon Post' })), 400, 'unsupported-carrier');
    expectProblem(await client.post(`/orders/${order.orderId}/shipments`, parcel({ carrierName: undefined, carrierCode: '4' })), 400, 'unsupported-carrier');
    expectProblem(await client.post(`/orders/${order.orderId}/shipments`, parcel({ carrierCode: '13' })), 400, 'invalid-body');
    expectProblem(await client.post(`/orders/${order.orderId}/shipments`, parcel({ items: [{ orderLineId: 'x', quantity: 1 }] })), 400, 'invalid-body');
    expectProblem(await client.post(`/orders/${order.orderId}/shipments`, parcel({ items: [{ orderLineId: line.orderLineId, quantity: line.quantity + 1 }] })), 400, 'invalid-body');
    expectProblem(await client.post(`/orders/${order.orderId}/shipments`, parcel({ trackingUrl: 'not a url' })), 400, 'invalid-body');
    expectProblem(await client.post(`/orders/${order.orderId}/shipments`, { parcelNumber: 'TRK1' }), 400, 'invalid-body');
    const accepted = await anOrder('Accepted');
    const res = await client.post(`/orders/${accepted.orderId}/shipments`, [{ parcelNumber: 'T', carrierCode: '14', items: [{ orderLineId: accepted.lines[0]?.orderLineId, quantity: 1 }] }]);
    expectProblem(res, 400, 'invalid-state');
    expect((res.body as { detail: string }).detail).toMatch(/Cannot switch to shipped status/);
  });

  it('cancellation of lines: whole lines before shipment; the order is Cancelled once every line is', async () => {
    const order = await anOrder('InPreparation');
    const [first, second] = order.lines.map((l) => l.orderLineId) as [string, string];
    const path = `/orders/${order.orderId}/cancellation-requests`;
    expectProblem(await client.post(path, { reasonCode: 'VendorRejection', lines: [{ orderLineId: 'nope' }] }), 400, 'invalid-line');
    expectProblem(await client.post(path, { reasonCode: 'VendorRejection', lines: [{ orderLineId: first }, { orderLineId: first }] }), 400, 'invalid-line');
    expectProblem(await client.post(path, { reasonCode: 'VendorRejection', lines: [{ orderLineId: first, quantity: 1 }] }), 400, 'partial-cancellation-not-supported');
    expectProblem(await client.post(path, { reasonCode: 'VendorRejection', lines: [] }), 400, 'invalid-body');
    expectProblem(await client.post(path, { reasonCode: 'VendorRejection', lines: [{ orderLineId: first, reasonCode: 'ClientClaim' }] }), 400, 'invalid-reason');
    const one = await client.post(path, { reasonCode: 'VendorRejection', lines: [{ orderLineId: first, reasonCode: 'ProductStockUnavailable' }] });
    expect(one.status).toBe(201);
    const open = (await client.get(`/orders/${order.orderId}`)).body as ApiOrder;
    expect(open.status).toBe('InPreparation');
    expect(open.lines.map((l) => [l.status, l.cancellation?.reasonCode])).toEqual([['Cancelled', 'ProductStockUnavailable'], ['InPreparation', undefined]]);
    expect(open.lines[0]?.cancellation).toMatchObject({ requestedBy: 'Seller', quantity: order.lines[0]?.quantity, amount: order.lines[0]?.totalPrice.sellingPrice });
    expectProblem(await client.post(path, { reasonCode: 'VendorRejection', lines: [{ orderLineId: first }] }), 400, 'invalid-line');
    const ship = await client.post(`/orders/${order.orderId}/shipments`, { parcelNumber: 'P1', carrierName: 'Colissimo', orderLineIds: [first] });
    expectProblem(ship, 400, 'invalid-state');
    expect(await client.post(path, { reasonCode: 'VendorRejection', lines: [{ orderLineId: second }] })).toMatchObject({ status: 201 });
    const done = (await client.get(`/orders/${order.orderId}`)).body as ApiOrder;
    expect(done.status).toBe('Cancelled');
    expect(done.lines.map((l) => l.status)).toEqual(['Cancelled', 'Cancelled']);
    expect(done.cancellationDetails).toMatchObject({ reasonCode: 'VendorRejection', requestedBy: 'Seller' });
    const shipped = await anOrder('Shipped');
    expectProblem(await client.post(`/orders/${shipped.orderId}/cancellation-requests`, { reasonCode: 'ClientClaim', lines: [{ orderLineId: shipped.lines[0]?.orderLineId }] }), 400, 'invalid-state');
  });

  it('cancellation: whole order, a reason valid for the status, from Accepted..Delivered', async () => {
    const shipped = await anOrder('Shipped');
    const path = `/orders/${shipped.orderId}/cancellation-requests`;
    const wrongReason = await client.post(path, { reasonCode: 'ProductStockUnavailable' });
    expectProblem(wrongReason, 400, 'invalid-reason');
    expect((wrongReason.body as { detail: string }).detail).toContain('ClientClaim');
    expectProblem(await client.post(path, { reasonCode: 'ClientClaim', refundShipping: 'yes' }), 400, 'invalid-body');
    expectProblem(await client.post(path, {}), 400, 'invalid-body');
    const waiting = await anOrder('WaitingAcceptance');
    expectProblem(await client.post(`/orders/${waiting.orderId}/cancellation-requests`, { reasonCode: 'VendorRejection' }), 400, 'invalid-state');
  });

  it('answers a body that is not JSON with a 400 problem', async () => {
    const order = await anOrder('WaitingAcceptance');
    const res = await fetch(`${sim.apiUrl}/orders/${order.orderId}/approval-status`, {
      method: 'POST',
      headers: { ...(await client.headers()), 'content-type': 'application/json' },
      body: '{"approval_status": ',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    assertValid(v.problem, await res.json(), 'problem');
  });
});
