/**
 * The API fuzzed from its own OpenAPI document (/openapi.json), on both stores: requests drawn
 * from every operation's parameter and body schemas (test/helpers/openapi-fuzz.ts), mostly with a
 * valid token, against a store holding an order, an action and a webhook endpoint to aim at. No
 * answer is a 5xx, and every error is application/problem+json whose code, and the code of each
 * field error, is in the catalogue. The live stream (GET /v1/stream) never ends and is left out.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isErrorCode } from '../engine/errors.ts';
import { startApiHarness, type ApiHarness } from './helpers/api-server.ts';
import { fuzzOperations, requestFor, type FuzzOperation, type FuzzRequest } from './helpers/openapi-fuzz.ts';
import { PG_SKIP_REASON, SKIP_PG } from './helpers/postgres.ts';
import { order } from './store-suite.ts';

// A fixed seed keeps the suite deterministic; FC_SEED=<n> explores other inputs.
const SEED = Number(process.env.FC_SEED ?? 20261113);
const RUNS = Number(process.env.FUZZ_RUNS ?? 600);

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && SKIP_PG)(`API fuzzed from /openapi.json (${kind})${kind === 'postgres' && SKIP_PG ? `: ${PG_SKIP_REASON}` : ''}`, () => {
    let h: ApiHarness;
    let token: string;
    let operations: FuzzOperation[];
    const known: Record<string, string[]> = {};
    beforeAll(async () => {
      // Limits high enough that the fuzz explores routes rather than the rate limiters (tested on their own).
      h = await startApiHarness({ store: kind, rateLimit: { max: 100_000, timeWindowMs: 60_000 }, authFailures: { max: 100_000, windowMs: 60_000 } });
      token = await h.token(['worten-pt', 'cd-fr']);
      await h.store.commitOrders([order('A1'), order('A2', { status: 'waiting_shipment', marketplace_status: 'SHIPPING' })]);
      const a1 = (await h.store.getOrder('worten-pt', 'worten', 'A1'))!.id;
      const a2 = (await h.store.getOrder('worten-pt', 'worten', 'A2'))!.id;
      const action = (await h.call('POST', `/v1/orders/${a1}/actions`, { token, body: { action: 'accept' } })).body as { id: string };
      const endpoint = await h.store.createWebhookEndpoint({ url: 'https://erp.example.com/hooks', accounts: ['worten-pt'], events: ['order.created'] });
      known.id = [a1, a2, action.id, endpoint.id, 'worten', 'cdiscount', 'worten-pt', 'cd-fr'];
      known.account = ['worten-pt', 'cd-fr', 'worten-es'];
      known.channel = ['worten', 'cdiscount'];
      known.marketplace_order_id = ['A1', 'A2'];
      const doc = (await h.call('GET', '/openapi.json')).body as Parameters<typeof fuzzOperations>[0];
      operations = fuzzOperations(doc, (_method, path) => path === '/v1/stream');
    });
    afterAll(() => h?.close());

    it('answers every generated request below 500, every error as problem+json with catalogue codes', async () => {
      const statuses = new Map<number, number>();
      const send = async (r: FuzzRequest, auth: 'valid' | 'none' | 'bad'): Promise<void> => {
        const headers = { ...r.headers, ...(auth === 'valid' && { authorization: `Bearer ${token}` }), ...(auth === 'bad' && { authorization: 'Bearer ow_not-a-real-token' }) };
        const res = await fetch(`${h.url}${r.url}`, { method: r.method, headers, ...(r.body !== undefined && r.method !== 'GET' && r.method !== 'DELETE' && { body: r.body }) });
        const text = await res.text();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const what = `${r.operation} as ${r.method} ${r.url} ${r.body ?? ''} -> ${res.status} ${text.slice(0, 300)}`;
        expect(res.status, what).toBeLessThan(500);
        if (res.status >= 400) {
          expect(res.headers.get('content-type'), what).toContain('application/problem+json');
          const problem = JSON.parse(text) as { code: string; status: number; errors?: Array<{ code: string }> };
          expect(isErrorCode(problem.code), what).toBe(true);
          expect(problem.status, what).toBe(res.status);
          for (const e of problem.errors ?? []) expect(isErrorCode(e.code), `${what}: field code ${e.code}`).toBe(true);
        }
      };
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...operations).chain((op) => requestFor(op, known)),
          fc.constantFrom('valid', 'valid', 'valid', 'valid', 'valid', 'valid', 'none', 'bad'),
          (request, auth) => send(request, auth as 'valid' | 'none' | 'bad'),
        ),
        { numRuns: RUNS, seed: SEED },
      );
      // The fuzz reached handlers (2xx) and their errors, not only the schema's 400s.
      const count = (from: number, to: number): number => [...statuses].filter(([s]) => s >= from && s < to).reduce((n, [, c]) => n + c, 0);
      expect(count(200, 300), JSON.stringify([...statuses])).toBeGreaterThan(RUNS / 20);
      expect(count(400, 500)).toBeGreaterThan(RUNS / 5);
      expect(statuses.get(404) ?? 0).toBeGreaterThan(0);
    });
  });
}
