/**
 * The soak: a 5,000-order catch-up through every listing fault at once (2 % truncated bodies, 2 %
 * malformed bodies, duplicate pages and shifting pages) completes in one run, with every order of
 * the window stored exactly once and one creation event each.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { syncWindow } from '../engine/sync/sync-window.ts';
import { createSchema, dropSchemas, requirePostgres, SKIP_PG, testSchemaName, urlInSchema } from './helpers/postgres.ts';
import { adminSetFaults } from './helpers/sim-admin.ts';
import { allStoredIds, simulatorOrderIds, startSyncHarness, type SyncHarness } from './helpers/sync-harness.ts';

let h: SyncHarness | undefined;
let drop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await h?.close();
  await drop?.();
  h = undefined;
  drop = undefined;
});

async function storeUrl(kind: 'sqlite' | 'postgres'): Promise<string | undefined> {
  if (kind === 'sqlite') return undefined;
  const url = requirePostgres();
  const schema = testSchemaName('soak');
  await createSchema(url, schema);
  drop = () => dropSchemas(url, [schema]);
  return urlInSchema(url, schema);
}

const STORES = (SKIP_PG ? ['sqlite'] : ['sqlite', 'postgres']) as Array<'sqlite' | 'postgres'>;

describe.each(STORES)('soak: a 5,000-order catch-up under every listing fault (%s)', (kind) => {
  it('completes with every order stored once', async () => {
    const url = await storeUrl(kind);
    h = await startSyncHarness({ kind: 'mirakl', ...(url && { storeUrl: url }), sim: { orders: 5_000, historyDays: 4, seed: 23 }, connector: { retry: { maxAttempts: 10, baseDelayMs: 2, maxDelayMs: 20 } } });
    await adminSetFaults(h.sim.baseUrl, 'truncate=0.02,malformed=0.02,duplicate-pages,shifting-pages');
    const outcome = await syncWindow(h.deps, 'catch_up');
    await adminSetFaults(h.sim.baseUrl, '');
    expect(outcome.run.state).toBe('succeeded');
    expect(outcome.cursorHeld).toBe(false);
    const truth = await simulatorOrderIds(h, outcome.window.from, outcome.window.to);
    expect(truth.size).toBeGreaterThan(4_500);
    const ids = await allStoredIds(h.store, h.account.id);
    expect(new Set(ids)).toEqual(truth);
    expect(ids.length).toBe(truth.size);
    const created: string[] = [];
    for (let after = 0; ; ) {
      const events = await h.store.listEvents({ account: h.account.id, after, limit: 1_000 });
      if (events.length === 0) break;
      created.push(...events.filter((e) => e.type === 'order.created').map((e) => e.marketplace_order_id));
      after = events.at(-1)!.seq;
    }
    expect(created.length).toBe(truth.size);
    expect(new Set(created).size).toBe(truth.size);
  }, 300_000);
});
