/**
 * Fault modes of the Octopia simulator (through PUT /_admin/faults and the faults option), and
 * the call log that records what the marketplace saw, secrets redacted.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OctopiaClient } from '../octopia/client.ts';
import { startOctopiaSimulator, type RunningOctopiaSimulator } from '../octopia/index.ts';
import type { ApiOrder } from '../octopia/render.ts';
import { assertValid, octopiaValidators } from '../octopia/schemas.ts';

const v = octopiaValidators();
const START = new Date('2024-05-15T10:00:00Z');

let sim: RunningOctopiaSimulator;
let client: OctopiaClient;

beforeAll(async () => {
  sim = await startOctopiaSimulator({ orders: 120, seed: 4, speed: 0, start: START });
  client = new OctopiaClient(sim);
  await client.token();
});
afterAll(async () => sim.close());
afterEach(async () => setFaults({ text: '' }));

async function setFaults(body: unknown): Promise<Response> {
  return fetch(`${sim.baseUrl}/_admin/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function raw(path: string): Promise<Response> {
  return fetch(`${sim.apiUrl}${path}`, { headers: await client.headers() });
}

async function lastCall(): Promise<{ fault?: string; status: number | null; path: string }> {
  const res = await fetch(`${sim.baseUrl}/_admin/calls`);
  return ((await res.json()) as { calls: { fault?: string; status: number | null; path: string }[] }).calls.at(-1) as never;
}

describe('fault modes', () => {
  it('5xx: 500/502/503 with a problem body, on the API and the token endpoint, never on /_admin', async () => {
    await setFaults({ text: '5xx=1' });
    const res = await raw('/orders');
    expect([500, 502, 503]).toContain(res.status);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    assertValid(v.problem, await res.json(), 'problem');
    expect([500, 502, 503]).toContain((await client.requestToken()).status);
    expect((await fetch(`${sim.baseUrl}/_admin/health`)).status).toBe(200);
    // The admin call is neither faulted nor logged: the last logged call is the token request.
    expect(await lastCall()).toMatchObject({ path: '/auth/realms/maas/protocol/openid-connect/token', fault: '5xx' });
  });

  it('timeout: the call is never answered (the client gives up)', async () => {
    await setFaults({ text: 'timeout=1' });
    const call = fetch(`${sim.apiUrl}/carriers`, { headers: await client.headers(), signal: AbortSignal.timeout(300) });
    await expect(call).rejects.toThrow(/abort|timeout/i);
    expect(await lastCall()).toMatchObject({ path: '/seller/v2/carriers', fault: 'timeout', status: null });
  });

  it('slow: the call is answered normally, and logged as slowed', async () => {
    await setFaults({ slowMs: 20 });
    expect((await raw('/carriers')).status).toBe(200);
    expect((await lastCall()).fault).toBe('slow');
  });

  it('truncate: the body is cut mid-way and content-length matches what is sent', async () => {
    await setFaults({ text: 'truncate=1' });
    const res = await raw('/orders?pageSize=5');
    const text = await res.text();
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    expect(() => JSON.parse(text)).toThrow();
    expect(text.startsWith('{"itemsPerPage":5')).toBe(true);
  });

  it('malformed: the body is not JSON', async () => {
    await setFaults({ text: 'malformed=1' });
    const res = await raw('/orders?pageSize=2');
    expect(res.status).toBe(200);
    await expect(res.json()).rejects.toThrow();
  });

  it('reset: the connection is dropped', async () => {
    await setFaults({ text: 'reset=1' });
    await expect(raw('/carriers')).rejects.toThrow();
    expect((await lastCall()).fault).toBe('reset');
  });

  it('ratelimit: 429 with Retry-After once the calls per minute are spent, on the simulated clock', async () => {
    await setFaults({ text: 'ratelimit=2/min' });
    expect((await raw('/carriers')).status).toBe(200);
    expect((await raw('/carriers')).status).toBe(200);
    const limited = await raw('/carriers');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    assertValid(v.problem, await limited.json(), 'problem');
    sim.clock.advance(60_000);
    expect((await raw('/carriers')).status).toBe(200);
  });

  it('duplicate-pages: a page repeats the end of the previous one', async () => {
    await setFaults({ duplicatePages: true });
    const p1 = (await client.get<{ items: ApiOrder[] }>('/orders', { pageSize: 10, pageIndex: 1 })).body.items;
    const p2 = (await client.get<{ items: ApiOrder[] }>('/orders', { pageSize: 10, pageIndex: 2 })).body.items;
    expect(p2.slice(0, 2).map((o) => o.orderId)).toEqual(p1.slice(-2).map((o) => o.orderId));
  });

  it('shifting-pages: an offset-paging client misses orders and sees others twice', async () => {
    const clean = (await client.listAll<ApiOrder>({}, 25)).map((o) => o.orderId);
    await setFaults({ shiftingPages: true });
    const shifted = (await client.listAll<ApiOrder>({}, 25)).map((o) => o.orderId);
    expect(clean.filter((id) => !shifted.includes(id)).length).toBeGreaterThan(0);
    expect(new Set(shifted).size).toBeLessThan(shifted.length);
  });

  it('skew: dates run ahead by the skew, and date filters are read in the skewed clock', async () => {
    const plain = (await client.get<{ items: ApiOrder[] }>('/orders', { pageSize: 1, pageIndex: 50 })).body.items[0] as ApiOrder;
    await setFaults({ text: 'skew=90s' });
    const skewed = (await client.get<ApiOrder>(`/orders/${plain.orderId}`)).body;
    expect(Date.parse(skewed.createdAt) - Date.parse(plain.createdAt)).toBe(90_000);
    expect(Date.parse(skewed.updatedAt) - Date.parse(plain.updatedAt)).toBe(90_000);
    const found = await client.listAll<ApiOrder>({ createdAtMin: skewed.createdAt, createdAtMax: skewed.createdAt });
    expect(found.map((o) => o.orderId)).toContain(plain.orderId);
  });

  it('rejects a bad fault spec with SIM_BAD_FAULTS, and accepts the --faults syntax at start', async () => {
    const res = await setFaults({ text: '5xx=2' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('SIM_BAD_FAULTS');
    await expect(startOctopiaSimulator({ orders: 1, faults: 'explode=1' })).rejects.toMatchObject({ code: 'SIM_BAD_FAULTS' });
    const faulty = await startOctopiaSimulator({ orders: 1, speed: 0, faults: '5xx=1' });
    try {
      expect([500, 502, 503]).toContain((await new OctopiaClient(faulty).requestToken()).status);
    } finally {
      await faulty.close();
    }
  });
});

describe('call log', () => {
  it('records method, path, query, body and status of every call, with secrets redacted', async () => {
    await fetch(`${sim.baseUrl}/_admin/calls`, { method: 'DELETE' });
    const token = await client.requestToken();
    const accessToken = token.body.access_token as string;
    const page = await client.get<{ items: ApiOrder[] }>('/orders', { pageSize: 3, status: 'Delivered' });
    const id = page.body.items[0]?.orderId as string;
    await client.post(`/orders/${id}/approval-status`, { approval_status: 'Accepted' });
    const text = await (await fetch(`${sim.baseUrl}/_admin/calls`)).text();
    const calls = (JSON.parse(text) as { calls: { method: string; path: string; query: Record<string, string>; body: unknown; status: number; headers: Record<string, string> }[] }).calls;
    expect(calls.map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual([
      'POST /auth/realms/maas/protocol/openid-connect/token 200',
      'GET /seller/v2/orders 200',
      `POST /seller/v2/orders/${id}/approval-status 400`,
    ]);
    expect(calls[1]?.query).toEqual({ pageSize: '3', status: 'Delivered' });
    expect(calls[1]?.headers.sellerid).toBe(sim.credentials.sellerId);
    expect(calls[1]?.headers.authorization).toBe('[redacted]');
    expect(calls[2]?.body).toEqual({ approval_status: 'Accepted' });
    expect(text).not.toContain(sim.credentials.clientSecret as string);
    expect(text).not.toContain(accessToken);
  });
});
