/**
 * Per-record isolation: real-shaped Mirakl orders (from the simulator, checked against Mirakl's
 * OpenAPI) served by a plain OR11 server with poison records planted among them. Each bad record
 * is quarantined with its reason and id, never blocks its page or batch, does not hold the cursor
 * back, is logged, counted in the run, listed by the CLI, the API and /metrics, and leaves the
 * quarantine once the marketplace sends a good version or a later window stores it.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadChannel } from '../engine/channel/load.ts';
import type { Channel } from '../engine/channel/model.ts';
import { createConnector, loadPlatform } from '../engine/connector/declarative.ts';
import { createLogger } from '../engine/log.ts';
import { openStore } from '../engine/store/open.ts';
import { openPostgresStore } from '../engine/store/postgres/index.ts';
import type { Store } from '../engine/store/store.ts';
import type { AccountRuntime } from '../engine/sync/account.ts';
import { syncWindow, type SyncDeps } from '../engine/sync/sync-window.ts';
import { startApiHarness } from './helpers/api-server.ts';
import { runCli } from './helpers/cli-process.ts';
import { realShapedMiraklOrders, startStaticMirakl, STATIC_API_KEY, type RawOrder, type StaticMirakl } from './helpers/mirakl-static.ts';
import { dropSchemas, execInSchema, PG_SKIP_REASON, requirePostgres, SKIP_PG, testSchemaName } from './helpers/postgres.ts';
import { allStoredIds } from './helpers/sync-harness.ts';

type StoreKind = 'sqlite' | 'postgres';

const clone = <T>(v: T): T => structuredClone(v);
const lines = (o: RawOrder) => o.order_lines as RawOrder[];

/** Every poison kind of the issue that must end in quarantine, planted in a copy of `good`. */
function poison(good: readonly RawOrder[]): { served: RawOrder[]; bad: Map<string, { code: string; reason: RegExp }> } {
  const served = good.map(clone);
  const bad = new Map<string, { code: string; reason: RegExp }>();
  const plant = (i: number, code: string, reason: RegExp, change: (o: RawOrder) => void) => {
    change(served[i]!);
    bad.set(String(good[i]!.order_id), { code, reason });
  };
  plant(3, 'STORE_ORDER_INVALID', /^order\.lines\[\d+\]\.id duplicates line id/, (o) => lines(o).push(clone(lines(o)[0]!)));
  plant(17, 'ORDER_UNMAPPABLE', /^marketplace_status: missing/, (o) => (o.order_state = null));
  plant(29, 'ORDER_UNMAPPABLE', /^updated_at: missing/, (o) => (o.last_updated_date = null));
  plant(41, 'ORDER_UNMAPPABLE', /^currency: missing/, (o) => (o.currency_iso_code = null));
  plant(53, 'ORDER_UNMAPPABLE', /^lines\[0\]\.unit_price: missing/, (o) => (lines(o)[0]!.price_unit = null));
  plant(65, 'ORDER_UNMAPPABLE', /^totals\.taxes|^lines\[0\]\.taxes\[0\]\.amount/, (o) => {
    const taxes = lines(o)[0]!.taxes as RawOrder[];
    if (taxes.length === 0) taxes.push({ code: 'VAT_23', amount: 1, rate: 23 });
    taxes[0]!.amount = null;
  });
  // Mapped, but not a normalized order the back office could trust (schemas/order.schema.json).
  plant(89, 'ORDER_UNMAPPABLE', /^the normalized order breaks its schema .*`currency` "Euro" is not in the required form/, (o) => (o.currency_iso_code = 'Euro'));
  plant(101, 'ORDER_UNMAPPABLE', /^the normalized order breaks its schema .*`lines\[0\]\.quantity` must be >= 0/, (o) => (lines(o)[0]!.quantity = -1));
  // No order id at all: quarantined under a hash of its payload.
  served[77]!.order_id = '';
  bad.set('', { code: 'ORDER_UNMAPPABLE', reason: /^marketplace_order_id: / });
  return { served, bad };
}

let good: RawOrder[];
let simNow: Date;
let channel: Channel;
beforeAll(async () => {
  ({ orders: good, now: simNow } = await realShapedMiraklOrders(120));
  channel = await loadChannel('worten');
});

interface Stack {
  store: Store;
  deps: SyncDeps;
  logs: Array<Record<string, unknown>>;
  server: StaticMirakl;
  /** Runs SQL on the store's own database (SQLite file or PostgreSQL schema). */
  sql(text: string): Promise<void>;
  close(): Promise<void>;
}

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function startStack(kind: StoreKind, orders: () => readonly RawOrder[]): Promise<Stack> {
  const dir = await mkdtemp(path.join(tmpdir(), 'orderwire-quarantine-'));
  const storeFile = path.join(dir, 'orderwire.sqlite');
  const schema = kind === 'postgres' ? testSchemaName('quarantine') : undefined;
  const store = schema ? await openPostgresStore(requirePostgres(), { schema, max: 4 }) : await openStore(storeFile);
  await store.migrate();
  const sql = async (text: string) => {
    if (schema) return execInSchema(requirePostgres(), schema, text);
    const db = new DatabaseSync(storeFile);
    try {
      db.exec(text);
    } finally {
      db.close();
    }
  };
  const server = await startStaticMirakl(orders);
  const logs: Array<Record<string, unknown>> = [];
  const log = createLogger({ level: 'info', destination: new Writable({ write(chunk, _enc, done) { logs.push(JSON.parse(String(chunk)) as Record<string, unknown>); done(); } }) });
  const account: AccountRuntime = { id: 'worten-pt', channel, baseUrl: server.baseUrl, credentials: { api_key: STATIC_API_KEY }, enabled: true, importFulfilledOrders: true, pollEveryMs: 900_000, concurrency: 2 };
  const connector = createConnector({ account: account.id, channel, baseUrl: server.baseUrl, credentials: account.credentials }, await loadPlatform('mirakl'), { budgets: false });
  let now = simNow.getTime();
  const deps: SyncDeps = { store, connector, account, log, now: () => new Date((now += 60_000)), windows: { overlapMs: 120_000, safetyMarginMs: 30_000 }, commitBatch: 50 };
  return {
    store, deps, logs, server, sql,
    async close() {
      await connector.close();
      await store.close();
      await server.close();
      if (schema) await dropSchemas(requirePostgres(), [schema]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

for (const kind of ['sqlite', 'postgres'] as const) {
describe.skipIf(kind === 'postgres' && SKIP_PG)(`per-record isolation and quarantine (${kind})${kind === 'postgres' && SKIP_PG ? `: ${PG_SKIP_REASON}` : ''}`, () => {
  it('every poison record is quarantined with its reason; every good order is stored; the cursor moves', async () => {
    const { served, bad } = poison(good);
    stack = await startStack(kind, () => served);
    const { store, deps, logs } = stack;
    const outcome = await syncWindow(deps, 'incremental');

    expect(outcome.run.state).toBe('succeeded');
    expect(await store.getCursor('worten-pt', 'worten', 'incremental')).toMatchObject({ position: outcome.window.to.toISOString() });
    const stored = new Set(await allStoredIds(store, 'worten-pt'));
    const goodIds = good.map((o) => String(o.order_id)).filter((id) => !bad.has(id) && id !== String(good[77]!.order_id));
    expect([...stored].sort()).toEqual(goodIds.sort());
    expect(stored.size).toBe(good.length - bad.size);

    const held = (await store.listQuarantine({ account: 'worten-pt' })).items;
    expect(held).toHaveLength(bad.size);
    for (const record of held) {
      const expected = bad.get(record.marketplace_order_id ?? '');
      expect(expected, `unexpected record ${record.marketplace_order_id}`).toBeDefined();
      expect(record.code, record.marketplace_order_id).toBe(expected!.code);
      expect(record.reason, record.marketplace_order_id).toMatch(expected!.reason);
      expect(record.raw).toEqual(served.find((o) => String(o.order_id) === (record.marketplace_order_id ?? ''))!);
      expect(record.last_run).toBe(outcome.run.id);
    }
    expect(outcome.quarantined).toBe(bad.size);
    expect((await store.listRuns({ account: 'worten-pt' }))[0]).toMatchObject({ state: 'succeeded', quarantined: bad.size });
    // One warning per record, with its quarantine id, order id and code.
    const warned = logs.filter((l) => l.msg?.toString().startsWith('record quarantined'));
    expect(warned.map((l) => l.quarantine_id).sort()).toEqual(held.map((q) => q.id).sort());
    expect(warned.map((l) => l.order ?? '').sort()).toEqual([...bad.keys()].sort());
  });

  it('a record leaves the quarantine when the marketplace sends a good version; the others stay, counted again', async () => {
    const { served, bad } = poison(good);
    let current = served;
    stack = await startStack(kind, () => current);
    const { store, deps } = stack;
    await syncWindow(deps, 'incremental');
    // The marketplace corrects the orders (a newer update date), except the one without an id.
    current = served.map((o, i) => (bad.has(String(good[i]!.order_id)) && i !== 77 ? { ...clone(good[i]!), last_updated_date: new Date(simNow.getTime() + 90_000).toISOString() } : o));
    const second = await syncWindow(deps, 'incremental');
    expect(second.run.state).toBe('succeeded');
    const held = (await store.listQuarantine({ account: 'worten-pt' })).items;
    expect(held.map((q) => q.marketplace_order_id ?? null)).toEqual([null]);
    expect(held[0]).toMatchObject({ attempts: 2, last_run: second.run.id });
    expect(second.quarantined).toBe(1);
    expect(new Set(await allStoredIds(store, 'worten-pt')).size).toBe(good.length - 1);
  });

  it('a batch the store refuses is isolated to its bad order, and a later window stores it from quarantine', async () => {
    stack = await startStack(kind, () => good);
    const { store, deps, sql } = stack;
    const victim = String(good[10]!.order_id);
    await sql(kind === 'sqlite'
      ? `CREATE TRIGGER refuse BEFORE INSERT ON orders WHEN NEW.marketplace_order_id = '${victim}' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`
      : `CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.marketplace_order_id = '${victim}' THEN RAISE check_violation USING MESSAGE = 'refused by the test'; END IF; RETURN NEW; END $$;
         CREATE TRIGGER refuse BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION refuse();`);
    const first = await syncWindow(deps, 'incremental');
    expect(first.quarantined).toBe(1);
    expect((await store.listQuarantine({})).items).toEqual([expect.objectContaining({ marketplace_order_id: victim, code: 'STORE_CONSTRAINT_VIOLATION', reason: expect.stringContaining('refused by the test') })]);
    expect(new Set(await allStoredIds(store, 'worten-pt')).size).toBe(good.length - 1);
    await sql(kind === 'sqlite' ? 'DROP TRIGGER refuse' : 'DROP TRIGGER refuse ON orders');
    // The next window does not list it again (its update is older): the quarantine retry stores it.
    const second = await syncWindow(deps, 'incremental');
    expect(second).toMatchObject({ quarantined: 0, released: 1 });
    expect((await store.listQuarantine({})).items).toEqual([]);
    expect(await store.getOrder('worten-pt', 'worten', victim)).toBeDefined();
  });
});
}

describe('the quarantine from the outside: orderwire sync, orderwire orders --quarantined, GET /v1/quarantine, /metrics', () => {
  let dir: string;
  let config: string;
  let server: StaticMirakl;
  let bad: Map<string, { code: string; reason: RegExp }>;
  beforeAll(async () => {
    const planted = poison(good);
    bad = planted.bad;
    server = await startStaticMirakl(() => planted.served);
    dir = await mkdtemp(path.join(tmpdir(), 'orderwire-quarantine-cli-'));
    config = path.join(dir, 'orderwire.yaml');
    await writeFile(config, `store: orders.sqlite\naccounts:\n  - id: w\n    channel: worten\n    base_url: ${server.baseUrl}\n    credentials:\n      api_key: { env: Q_TEST_KEY }\n`);
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('sync says how many were quarantined and exits 1; orders --quarantined lists them with their reasons', async () => {
    const sync = await runCli(['sync', 'w', '--config', config, '--since', new Date(simNow.getTime() - 5 * 86_400_000).toISOString()], { env: { Q_TEST_KEY: STATIC_API_KEY } });
    expect(sync.code, sync.stderr).toBe(1);
    expect(sync.stdout).toContain(`${bad.size} records quarantined (they could not be stored; the others were): see \`orderwire orders --quarantined --account w\``);
    const table = await runCli(['orders', '--config', config, '--quarantined']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/QUARANTINE ID\s+ACCOUNT\s+ORDER\s+CODE\s+ATTEMPTS\s+LAST SEEN\s+REASON/);
    for (const id of bad.keys()) if (id) expect(table.stdout).toContain(id);
    expect(table.stdout).toContain('(no id)');
    const json = await runCli(['orders', '--config', config, '--quarantined', '--json']);
    const items = (JSON.parse(json.stdout) as { items: Array<{ code: string; raw: RawOrder; marketplace_order_id?: string }> }).items;
    expect(items).toHaveLength(bad.size);
    expect(items.every((q) => typeof q.raw === 'object' && q.raw !== null)).toBe(true);
    const misuse = await runCli(['orders', '--config', config, '--quarantined', '--status', 'shipped']);
    expect(misuse.code).toBe(2);
  });

  it('GET /v1/quarantine lists the records of the token\'s accounts only; /metrics counts them', async () => {
    const api = await startApiHarness();
    try {
      await api.store.quarantineRecords([
        { account: 'worten-pt', channel: 'worten', marketplace_order_id: 'W1', code: 'ORDER_UNMAPPABLE', reason: 'currency: missing', raw: { order_id: 'W1' } },
        { account: 'cd-fr', channel: 'cdiscount', marketplace_order_id: 'C1', code: 'STORE_ORDER_INVALID', reason: 'lines[1].id duplicates', raw: { orderId: 'C1' } },
      ]);
      const token = await api.token(['worten-pt']);
      const list = await api.call('GET', '/v1/quarantine', { token });
      expect(list.status).toBe(200);
      expect(list.body).toEqual({ items: [expect.objectContaining({ account: 'worten-pt', marketplace_order_id: 'W1', code: 'ORDER_UNMAPPABLE', reason: 'currency: missing', raw: { order_id: 'W1' }, attempts: 1 })], next: null });
      expect((await api.call('GET', '/v1/quarantine?account=cd-fr', { token })).status).toBe(403);
      expect((await api.call('GET', '/v1/quarantine')).status).toBe(401);
      const metrics = await api.call('GET', '/metrics');
      expect(metrics.body).toContain('orderwire_quarantined_records{account="worten-pt",code="ORDER_UNMAPPABLE"} 1');
      expect(metrics.body).toContain('orderwire_quarantined_records{account="cd-fr",code="STORE_ORDER_INVALID"} 1');
    } finally {
      await api.close();
    }
  });
});
