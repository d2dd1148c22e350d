/**
 * Contract: every body the Mirakl simulator sends — successes and errors, on every endpoint —
 * validates against the response schemas of Mirakl's seller OpenAPI, and the request bodies it
 * accepts validate against the request schemas. The spec has no error schema; errors must be
 * exactly {status, message} with status equal to the HTTP status.
 */
import path from 'node:path';
import { readFileSync } from 'node:fs';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMiraklSimulator } from '../mirakl/index.ts';
import type { RunningMiraklSimulator } from '../mirakl/index.ts';

const SPEC_PATH = path.resolve(import.meta.dirname, 'fixtures/reference/mirakl-seller-orders.openapi.json');
const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;

type Json = Record<string, unknown>;
const spec = JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as { paths: Record<string, Record<string, Json>> };
const ajv = new Ajv2020({ strict: false, allErrors: true, logger: false });
addFormats(ajv);
ajv.addSchema(spec, 'mirakl');
const ERROR_SCHEMA = {
  type: 'object',
  required: ['status', 'message'],
  properties: { status: { type: 'integer' }, message: { type: 'string', minLength: 1 } },
  additionalProperties: false,
};
const validateError = ajv.compile(ERROR_SCHEMA);

/** The operation a request hits, by the spec's own path templates. */
function operation(method: string, path: string): { template: string; op: Json } {
  const candidates = Object.keys(spec.paths).filter((template) => {
    const re = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    return re.test(path) && spec.paths[template]?.[method.toLowerCase()];
  });
  // Static segments win over {order_id}, as in the server.
  candidates.sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0));
  const template = candidates[0];
  if (!template) throw new Error(`no operation for ${method} ${path} in the spec`);
  return { template, op: spec.paths[template]?.[method.toLowerCase()] as Json };
}

function responseValidator(method: string, path: string, status: number) {
  const { template } = operation(method, path);
  const pointer = `mirakl#/paths/${template.replace(/~/g, '~0').replace(/\//g, '~1')}/${method.toLowerCase()}/responses/${status}/content/application~1json/schema`;
  return ajv.getSchema(pointer);
}

function requestValidator(method: string, path: string) {
  const { template } = operation(method, path);
  return ajv.getSchema(`mirakl#/paths/${template.replace(/\//g, '~1')}/${method.toLowerCase()}/requestBody/content/application~1json/schema`);
}

let sim: RunningMiraklSimulator;
const checked = { responses: 0, errors: 0, requests: new Set<string>(), operations: new Set<string>() };

/** Calls the simulator and validates the answer against the contract before returning it. */
async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Json | undefined }> {
  const res = await fetch(`${sim.baseUrl}${path}`, {
    method,
    headers: { authorization: sim.credentials.apiKey as string, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  const pathOnly = path.split('?')[0] as string;
  const { op } = operation(method, pathOnly);
  checked.operations.add(`${op.operationId as string} ${res.status}`);
  if (res.status === 204) {
    expect(text).toBe('');
    checked.responses++;
    if (body !== undefined && body !== null) expectValidRequest(method, pathOnly, body);
    return { status: 204, json: undefined };
  }
  const json = JSON.parse(text) as Json;
  if (res.status >= 400) {
    const ok = validateError(json);
    expect(ok, `${method} ${path} -> ${res.status}: ${JSON.stringify(validateError.errors)} ${text}`).toBe(true);
    expect(json.status).toBe(res.status);
    checked.errors++;
    return { status: res.status, json };
  }
  const validate = responseValidator(method, pathOnly, res.status);
  expect(validate, `no ${res.status} schema for ${method} ${pathOnly}`).toBeDefined();
  const ok = validate?.(json);
  expect(ok, `${method} ${path}: ${JSON.stringify(validate?.errors?.slice(0, 5))}`).toBe(true);
  checked.responses++;
  if (body !== undefined && body !== null) expectValidRequest(method, pathOnly, body);
  return { status: res.status, json };
}

/** A body the simulator accepted must satisfy the spec's request schema. */
function expectValidRequest(method: string, path: string, body: unknown): void {
  const validate = requestValidator(method, path);
  if (!validate) return;
  expect(validate(body), `${method} ${path} accepted a body the spec rejects: ${JSON.stringify(validate.errors)}`).toBe(true);
  checked.requests.add(operation(method, path).op.operationId as string);
}

async function admin(method: string, path: string, body?: unknown): Promise<Json> {
  const res = await fetch(`${sim.baseUrl}${path}`, {
    method,
    ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
  return (await res.json()) as Json;
}

const lineIds = (order: Json) => (order.order_lines as Json[]).map((l) => l.order_line_id as string);

beforeAll(async () => {
  sim = await startMiraklSimulator({ orders: 400, seed: 9, speed: 0, start: new Date('2025-03-10T12:00:00Z'), newOrdersPerHour: 12 });
});
afterAll(async () => {
  await sim.close();
});

describe('Mirakl simulator contract (seller OpenAPI)', () => {
  it('the validators do reject what the spec forbids', () => {
    const order = responseValidator('GET', '/api/orders', 200);
    expect(order?.({ orders: [], total_count: 0 })).toBe(true);
    expect(order?.({ orders: [{ order_id: 'x' }], total_count: 1 })).toBe(false);
    expect(order?.({ orders: [] })).toBe(false);
    expect(requestValidator('PUT', '/api/orders/X-A/accept')?.({ order_lines: [{ id: 'X-A-1' }] })).toBe(false);
    expect(validateError({ status: 400, message: 'm', code: 'X' })).toBe(false);
  });

  it('OR11: every generated order in every state validates, on every filter and page', async () => {
    const seen = new Set<string>();
    for (let offset = 0; offset < 400; offset += 100) {
      const { json } = await call('GET', `/api/orders?max=100&offset=${offset}`);
      for (const o of json?.orders as Json[]) seen.add(o.order_state as string);
    }
    expect(seen.size).toBeGreaterThanOrEqual(7);
    await call('GET', '/api/orders');
    await call('GET', '/api/orders?order_state_codes=WAITING_ACCEPTANCE,SHIPPING&max=50&sort=dateCreated&order=desc');
    await call('GET', '/api/orders?channel_codes=WRT_PT_ONLINE&start_date=2025-03-05T00:00:00Z&end_date=2025-03-08T00:00:00Z');
    await call('GET', '/api/orders?start_update_date=2025-03-10T00:00:00Z&only_null_channel=true&customer_debited=true&paginate=false');
    await call('GET', '/api/orders?order_ids=SIM000000001-A,SIM000000002-A&has_incident=false&payment_workflow=PAY_ON_ACCEPTANCE&order_tax_mode=TAX_INCLUDED&shop_id=2001');
    await call('GET', '/api/orders?fulfillment_center_code=FC_LISBOA&fulfillment_center_code=FC_MADRID&locale=pt_PT');
  });

  it('OR11, OR12: errors are {status, message}', async () => {
    const tooMany = Array.from({ length: 101 }, (_, i) => `SIM${String(i + 1).padStart(9, '0')}-A`).join(',');
    expect((await call('GET', `/api/orders?order_ids=${tooMany}`)).json?.message).toBe('The limit of 100 is exceeded for the parameter : order_ids');
    for (const q of ['order_state_codes=REFUNDED', 'max=101', 'sort=dateUpdated', 'order=up', 'start_date=yesterday', 'offset=-1', 'paginate=maybe']) {
      expect((await call('GET', `/api/orders?${q}`)).status).toBe(400);
    }
    expect((await call('GET', '/api/orders', undefined, { authorization: 'wrong' })).status).toBe(401);
    expect((await call('GET', '/api/orders/SIM000000001-A')).status).toBe(200);
    expect((await call('GET', '/api/orders/SIM999999999-A')).status).toBe(404);
  });

  it('RE01 and SH21: the instance own lists (the examples and more), sorted as documented', async () => {
    const reasons = (await call('GET', '/api/reasons?shop_id=1')).json?.reasons as Json[];
    expect(reasons.map((r) => `${r.type}:${r.code}`)).toEqual(expect.arrayContaining(['REFUND:15', 'REFUND:16', 'REFUND:17', 'REFUND:18', 'REFUND:19', 'CANCELATION:34', 'CANCELATION:37']));
    // "Reasons are sorted by type then sort index".
    const types = reasons.map((r) => r.type as string);
    expect(types.filter((t, i) => types.indexOf(t) !== i && types[i - 1] !== t)).toEqual([]);
    const carriers = (await call('GET', '/api/shipping/carriers')).json?.carriers as Json[];
    // "Results are sorted alphabetically by carrier label"; CTT and SEUR are not in Mirakl's example.
    expect(carriers.map((c) => c.label)).toEqual(['CTT Expresso', 'DHL', 'DPD', 'Fed Ex', 'SEUR', 'TNT', 'UPS']);
  });

  it('actions: every success and error body, and the orders they leave behind', async () => {
    const created = async (overrides: Json) => (await admin('POST', '/_admin/orders', overrides)).order as Json;
    const o1 = await created({ state: 'WAITING_ACCEPTANCE', lines: 3 });
    const id1 = o1.order_id as string;
    const [l1, l2, l3] = lineIds(o1) as [string, string, string];

    // OR07 before acceptance: updates, per-line errors, then too many lines.
    const sf = await call('PUT', '/api/orders/shipping_from', {
      order_lines: [
        { id: l1, shipping_from: { address: { country_iso_code: 'PRT', city: 'Lisboa', zip_code: '1000-001' } } },
        { id: l2, shipping_from: { warehouse: { code: 'WH1' } } },
        { id: `${id1}-9`, shipping_from: { address: { country_iso_code: 'PRT' } } },
        { id: l3, shipping_from: { address: { country_iso_code: 'XXX' } } },
      ],
    });
    expect((sf.json?.order_lines as Json[]).map((l) => Boolean(l.errors))).toEqual([false, false, true, true]);
    const tooMany = { order_lines: Array.from({ length: 101 }, () => ({ id: l1, shipping_from: { address: { country_iso_code: 'PRT' } } })) };
    expect((await call('PUT', '/api/orders/shipping_from', tooMany)).status).toBe(400);
    expect((await call('PUT', '/api/orders/shipping_from', { order_lines: [{ id: l1 }] })).status).toBe(400);

    // OR21 errors, then a partial acceptance.
    expect((await call('PUT', `/api/orders/${id1}/accept`, { order_lines: [{ id: l1, accepted: true }] })).status).toBe(400);
    expect((await call('PUT', `/api/orders/${id1}/accept`, { order_lines: [{ id: l1 }] })).status).toBe(400);
    expect((await call('PUT', `/api/orders/${id1}/accept`, { order_lines: [null] })).status).toBe(400);
    expect((await call('PUT', '/api/orders/SIM999999999-A/accept', { order_lines: [{ id: 'x', accepted: true }] })).status).toBe(404);
    const decisions = { order_lines: [{ id: l1, accepted: true }, { id: l2, accepted: true }, { id: l3, accepted: false }] };
    expect((await call('PUT', `/api/orders/${id1}/accept?shop_id=1`, decisions)).status).toBe(204);
    expect((await call('PUT', `/api/orders/${id1}/accept`, decisions)).status).toBe(400);
    expect((await call('PUT', '/api/orders/shipping_from', { order_lines: [{ id: l1, shipping_from: { address: { country_iso_code: 'ESP' } } }] })).json?.order_lines).toEqual([
      { id: l1, errors: [{ code: '05.read-only', field: 'shipping_from.address', message: 'cannot update shipping_from data once the customer debit workflow has started' }] },
    ]);

    // Debit happens on the clock; then OR23, OR24.
    expect((await call('PUT', `/api/orders/${id1}/ship`)).status).toBe(400);
    await admin('POST', '/_admin/clock', { advance_ms: 60 * 60_000 });
    expect((await call('PUT', `/api/orders/${id1}/tracking`, { carrier_code: 'NOPE', tracking_number: '1' })).status).toBe(400);
    expect((await call('PUT', `/api/orders/${id1}/tracking`, { tracking_number: '1' })).status).toBe(400);
    expect((await call('PUT', `/api/orders/${id1}/tracking`, { carrier_code: 'UPS', tracking_number: '1Z999AA10123456784' })).status).toBe(204);
    expect((await call('PUT', `/api/orders/${id1}/ship`, null)).status).toBe(204);

    // OR28: errors, then refunds of one line (taxes required: the order has taxes).
    const refundBody = (overrides: Json = {}) => ({
      refunds: [{ order_line_id: l1, amount: 1, shipping_amount: 0, reason_code: '15', quantity: 0, taxes: [{ code: 'VAT_23', amount: 0.19 }], shipping_taxes: [], ...overrides }],
    });
    expect((await call('PUT', '/api/orders/refund', refundBody({ reason_code: '34' }))).status).toBe(400);
    expect((await call('PUT', '/api/orders/refund', { refunds: [{ order_line_id: l1, amount: 1, shipping_amount: 0, reason_code: '15' }] })).status).toBe(400);
    expect((await call('PUT', '/api/orders/refund', refundBody({ order_line_id: l3 }))).status).toBe(400);
    expect((await call('PUT', '/api/orders/refund', refundBody({ amount: 999_999 }))).status).toBe(400);
    expect((await call('PUT', '/api/orders/refund', refundBody({ order_line_id: 'nope-1' }))).status).toBe(400);
    expect((await call('PUT', '/api/orders/refund', refundBody())).status).toBe(200);
    expect((await call('PUT', '/api/orders/refund', { order_tax_mode: 'TAX_INCLUDED', ...refundBody({ amount: 2, shipping_amount: 0.5, currency_iso_code: 'EUR' }) })).status).toBe(200);

    // OR29 / OR30 on fresh orders.
    const o2 = await created({ state: 'SHIPPING', lines: 2 });
    const o3 = await created({ state: 'SHIPPING', lines: 2, taxes: false });
    expect((await call('PUT', `/api/orders/${id1}/cancel`)).status).toBe(400);
    expect((await call('PUT', `/api/orders/${o2.order_id as string}/cancel`)).status).toBe(204);
    const [m1, m2] = lineIds(o3) as [string, string];
    const cancel = (overrides: Json = {}) => ({ cancelations: [{ order_line_id: m1, amount: 1, shipping_amount: 0, quantity: 1, reason_code: '34', ...overrides }] });
    expect((await call('PUT', '/api/orders/cancel', cancel({ reason_code: '15' }))).status).toBe(400);
    expect((await call('PUT', '/api/orders/cancel', cancel({ quantity: 99 }))).status).toBe(400);
    expect((await call('PUT', '/api/orders/cancel', { cancelations: [{ order_line_id: m2, amount: 1, shipping_amount: 0, reason_code: '34' }] })).status).toBe(400);
    expect((await call('PUT', '/api/orders/cancel', cancel())).status).toBe(200);

    // The orders now carry refunds, cancelations, tracking, shipping origins: list them over time.
    const ids = [id1, o2.order_id, o3.order_id].join(',');
    for (const advance of [0, 30 * 60_000, 24 * 60 * 60_000, 30 * 24 * 60 * 60_000]) {
      await admin('POST', '/_admin/clock', { advance_ms: advance });
      const listed = (await call('GET', `/api/orders?order_ids=${ids}`)).json?.orders as Json[];
      expect(listed).toHaveLength(3);
      for (const id of [id1, o2.order_id, o3.order_id]) await call('GET', `/api/orders/${id as string}`);
    }
    const final = ((await call('GET', `/api/orders?order_ids=${id1}`)).json?.orders as Json[])[0] as Json;
    const line1 = (final.order_lines as Json[])[0] as Json;
    expect(((line1.refunds as Json[])[0] as Json).refund_state).toBe('REFUNDED');
    expect(line1.shipping_from).toEqual({ address: { city: 'Lisboa', country_iso_code: 'PRT', zip_code: '1000-001' } });
  });

  it('covered every operation with successes and errors', () => {
    const ops = [...checked.operations];
    for (const op of ['OR11', 'OR12', 'OR07', 'OR21', 'OR23', 'OR24', 'OR28', 'OR29', 'OR30', 'RE01', 'SH21']) {
      expect(ops.some((o) => o.startsWith(`${op} 2`)), `${op} success`).toBe(true);
    }
    for (const op of ['OR11', 'OR12', 'OR07', 'OR21', 'OR23', 'OR24', 'OR28', 'OR29', 'OR30']) {
      expect(ops.some((o) => o.startsWith(`${op} 4`)), `${op} error`).toBe(true);
    }
    expect([...checked.requests].sort()).toEqual(['OR07', 'OR21', 'OR23', 'OR28', 'OR30']);
  });

  // Last: its admin-created order would shift the generated content of the orders above.
  it('RE01 and SH21: an instance that withdraws and adds values serves them, and OR23/OR28 follow', async () => {
    const before = await admin('GET', '/_admin/reference-lists');
    try {
      await admin('PUT', '/_admin/reference-lists', {
        carriers: [{ code: 'GLS', label: 'GLS', tracking_url: 'https://gls.example/{trackingId}' }, { code: 'UPS', label: 'UPS', tracking_url: 'https://ups.example/{trackingId}' }],
        reasons: [{ code: '15', label: 'Out of stock', type: 'REFUND' }, { code: '40', label: 'Damaged on arrival', type: 'REFUND' }],
      });
      expect(((await call('GET', '/api/shipping/carriers')).json?.carriers as Json[]).map((c) => c.code)).toEqual(['GLS', 'UPS']);
      expect(((await call('GET', '/api/reasons')).json?.reasons as Json[]).map((r) => r.code)).toEqual(['15', '40']);
      const order = (await admin('POST', '/_admin/orders', { state: 'SHIPPING' })).order as Json;
      const id = order.order_id as string;
      expect((await call('PUT', `/api/orders/${id}/tracking`, { carrier_code: 'FED', tracking_number: '1' })).status).toBe(400);
      expect((await call('PUT', `/api/orders/${id}/tracking`, { carrier_code: 'GLS', tracking_number: 'G1' })).status).toBe(204);
      const read = (await call('GET', `/api/orders?order_ids=${id}`)).json?.orders as Json[];
      expect(read[0]).toMatchObject({ shipping_carrier_code: 'GLS', shipping_company: 'GLS', shipping_tracking_url: 'https://gls.example/G1' });
      const bad = await admin('PUT', '/_admin/reference-lists', { reasons: [{ code: '1', label: 'x', type: 'NOPE' }] });
      expect(bad.error).toMatchObject({ code: 'SIM_BAD_ADMIN_REQUEST', field: 'reasons[0].type' });
    } finally {
      await admin('PUT', '/_admin/reference-lists', before);
    }
  });
});
