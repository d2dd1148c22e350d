/**
 * Real-shaped data from Mirakl's own contract: Stoplight Prism generates OR11 answers from Mirakl's
 * seller OpenAPI document (dynamic mode, seeded; the copy's tweaks are in helpers/mirakl-prism.ts:
 * bounded arrays, a pinned total_count, and each order drawn either from the schema as published,
 * types only, or with the forms Mirakl documents in words). `orderwire sync` (the CLI, a real
 * SQLite file) syncs a Worten account through a loopback tap that records every answer, and the
 * store is then compared with what Prism returned:
 * - every order the engine can map is stored exactly once, as received;
 * - every other one (an odd currency, a negative quantity, a repeated order_line_id) is in the
 *   quarantine with its id, its raw record and its reason; stored + quarantined = returned;
 * - the run succeeds (exit 0, or 1 when records wait in quarantine; never a failure) and the cursor
 *   is exactly the end of the window the run proved, never beyond;
 * - Prism, validating every request against the document, found nothing off the contract in the
 *   engine's OR11 queries (and does refuse one that is off it).
 * The seeds make every run reproducible; ORDERWIRE_PRISM_SEEDS=<n> runs n of them (the default 3).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderProblems } from '../engine/order/schema.ts';
import { openStore } from '../engine/store/open.ts';
import type { QuarantinedRecord, StoredOrder } from '../engine/store/store.ts';
import { runCli } from './helpers/cli-process.ts';
import { startTap, writeBoundedMiraklSpec, type Tap } from './helpers/mirakl-prism.ts';
import { startPrism, type Prism } from './helpers/prism.ts';

type RawOrder = Record<string, unknown>;

const SEEDS = Array.from({ length: Number(process.env.ORDERWIRE_PRISM_SEEDS ?? 3) }, (_, i) => `orderwire-${i + 1}`);
const API_KEY = 'prism-shop-key';
const ISO_CURRENCY = /^[A-Z]{3}$/;

let dir: string;
let spec: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'orderwire-prism-mirakl-'));
  spec = await writeBoundedMiraklSpec(dir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const linesOf = (o: RawOrder): RawOrder[] => (Array.isArray(o.order_lines) ? (o.order_lines as RawOrder[]) : []);
const countsOf = (o: RawOrder): unknown[] => linesOf(o).flatMap((l) => [l.quantity, ...['refunds', 'cancelations'].flatMap((k) => (Array.isArray(l[k]) ? (l[k] as RawOrder[]).map((r) => r.quantity) : []))]);
const repeatsLineId = (o: RawOrder): boolean => new Set(linesOf(o).map((l) => l.order_line_id)).size < linesOf(o).length;
/** What the engine cannot store truthfully, judged from the record alone. */
const oddCurrency = (o: RawOrder): boolean => typeof o.currency_iso_code !== 'string' || !ISO_CURRENCY.test(o.currency_iso_code);
const oddCount = (o: RawOrder): boolean => countsOf(o).some((q) => !Number.isInteger(q) || (q as number) < 0);

/** Within one listing the engine takes the first record of an id (the marketplace's pages overlap). */
function distinct(returned: readonly RawOrder[]): { first: Map<string, RawOrder>; withoutId: RawOrder[] } {
  const first = new Map<string, RawOrder>();
  const withoutId: RawOrder[] = [];
  for (const o of returned) {
    if (typeof o.order_id !== 'string' || o.order_id === '') withoutId.push(o);
    else if (!first.has(o.order_id)) first.set(o.order_id, o);
  }
  return { first, withoutId };
}

interface Synced {
  code: number | null;
  stdout: string;
  stderr: string;
  run: { state: string; quarantined: number; skipped: number; cursor_held: boolean; window_from: string; window_to: string };
  returned: RawOrder[];
  tap: Tap;
  stored: Map<string, StoredOrder>;
  quarantined: QuarantinedRecord[];
  cursor?: string;
}

/** One `orderwire sync` of a Worten account against Prism (seeded), through the tap; then the store read back. */
async function syncFromPrism(seed: string): Promise<Synced & { prism: Prism }> {
  const prism = await startPrism({ mode: 'mock', document: spec, dynamic: true, seed });
  const tap = await startTap(prism.url);
  const work = await mkdtemp(path.join(dir, 'run-'));
  const config = path.join(work, 'orderwire.yaml');
  await writeFile(config, `store: orders.sqlite\naccounts:\n  - id: w\n    channel: worten\n    base_url: ${tap.url}\n    credentials:\n      api_key: { env: PRISM_MIRAKL_KEY }\n`);
  const cli = await runCli(['sync', 'w', '--config', config, '--json'], { env: { PRISM_MIRAKL_KEY: API_KEY, ORDERWIRE_LOG_LEVEL: 'warn' } });
  const run = JSON.parse(cli.stdout || 'null') as Synced['run'];
  const returned = tap.exchanges.filter((e) => e.status === 200).flatMap((e) => (e.body as { orders?: RawOrder[] }).orders ?? []);
  const store = await openStore(path.join(work, 'orders.sqlite'));
  try {
    const stored = new Map<string, StoredOrder>();
    for (let after: string | undefined, first = true; first || after; first = false) {
      const page = await store.listOrders({ account: 'w', limit: 1_000, ...(after && { after }) });
      for (const s of page.items) stored.set(s.order.marketplace_order_id, s);
      after = page.next;
    }
    const quarantined = (await store.listQuarantine({ account: 'w', limit: 1_000 })).items;
    const cursor = (await store.getCursor('w', 'worten', 'incremental'))?.position;
    return { ...cli, run, returned, tap, stored, quarantined, ...(cursor !== undefined && { cursor }), prism };
  } finally {
    await store.close();
  }
}

describe.each(SEEDS)('Worten synced from Prism\'s dynamic mock of Mirakl\'s OpenAPI (seed %s), with orderwire sync and a SQLite file', (seed) => {
  let s: Synced & { prism: Prism };
  beforeAll(async () => {
    s = await syncFromPrism(seed);
  }, 300_000);
  afterAll(async () => {
    await s?.tap.close();
    await s?.prism.close();
  });

  it('the run succeeds whatever the data: exit 0, or 1 when records wait in quarantine; never a failed run', () => {
    expect(s.run, s.stderr).not.toBeNull();
    expect(s.run.state).toBe('succeeded');
    expect(s.code, s.stderr).toBe(s.run.quarantined > 0 ? 1 : 0);
    expect(s.run.skipped).toBe(0);
    expect(s.run.cursor_held).toBe(false);
    // The generated page is not empty: the test has records to follow.
    expect(s.returned.length).toBeGreaterThan(0);
  });

  it('stored + quarantined = returned: each distinct order exactly once, in one place, as Prism sent it', () => {
    const { first, withoutId } = distinct(s.returned);
    const held = new Map(s.quarantined.filter((q) => q.marketplace_order_id !== undefined).map((q) => [q.marketplace_order_id!, q]));
    expect(held.size, 'one quarantine record per order id').toBe(s.quarantined.length - withoutId.length);
    expect([...s.stored.keys()].filter((id) => held.has(id)), 'stored and quarantined at once').toEqual([]);
    expect([...s.stored.keys(), ...held.keys()].sort()).toEqual([...first.keys()].sort());
    expect(s.quarantined.filter((q) => q.marketplace_order_id === undefined)).toHaveLength(withoutId.length);
    expect(s.stored.size + s.quarantined.length).toBe(first.size + withoutId.length);
    for (const [id, stored] of s.stored) expect(stored.order.raw, id).toEqual(first.get(id));
    for (const [id, q] of held) expect(q.raw, id).toEqual(first.get(id));
  });

  it('every stored order is a valid normalized order; every order the engine can map is stored', () => {
    for (const [id, stored] of s.stored) {
      expect(orderProblems(stored.order), id).toEqual([]);
      expect(new Set(stored.order.lines.map((l) => l.id)).size, id).toBe(stored.order.lines.length);
    }
    // Judged from the record alone: an ISO currency, whole non-negative counts, distinct line ids.
    const good = [...distinct(s.returned).first].filter(([, o]) => !oddCurrency(o) && !oddCount(o) && !repeatsLineId(o)).map(([id]) => id);
    expect(good.filter((id) => !s.stored.has(id)), 'good orders not stored').toEqual([]);
  });

  it('every order that cannot be stored is quarantined with its id and a reason naming the field', () => {
    const byId = new Map(s.quarantined.map((q) => [q.marketplace_order_id, q]));
    for (const [id, o] of distinct(s.returned).first) {
      const q = byId.get(id);
      if (oddCurrency(o) || oddCount(o)) {
        expect(q, `order ${id}`).toMatchObject({ code: 'ORDER_UNMAPPABLE', last_run: expect.any(String) });
        expect(q!.reason).toMatch(oddCurrency(o) ? /`currency` / : /quantity` must be >= 0|quantity` must be integer/);
      } else if (repeatsLineId(o)) {
        expect(q, `order ${id}`).toMatchObject({ code: 'STORE_ORDER_INVALID' });
        expect(q!.reason).toMatch(/duplicates line id/);
      }
    }
    for (const q of s.quarantined) expect(q.reason.length).toBeGreaterThan(0);
    // One warning per record on the command's log, with its quarantine id and order id; never the API key.
    const warned = s.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg?: string; quarantine_id?: string; order?: string | null })
      .filter((l) => l.msg?.startsWith('record quarantined'));
    expect(warned.map((l) => `${l.quarantine_id} ${l.order}`).sort()).toEqual(s.quarantined.map((q) => `${q.id} ${q.marketplace_order_id ?? null}`).sort());
    expect(s.stderr).not.toContain(API_KEY);
    // `orderwire sync` says how many, and where to look.
    if (s.quarantined.length > 0) expect(s.run.quarantined).toBe(s.quarantined.length);
  });

  it('the cursor is the end of the window the run proved, never beyond it nor beyond the run\'s clock', () => {
    expect(s.cursor).toBe(s.run.window_to);
    // The window ends at the run's clock, read before now (the safety margin widens the next
    // window's start instead: engine/sync/windows.ts).
    expect(Date.parse(s.cursor!)).toBeLessThanOrEqual(Date.now());
    // Records quarantined or not, the run moved the cursor over a window that began 5 days back (Worten's lookback).
    expect(Date.parse(s.cursor!) - Date.parse(s.run.window_from)).toBeGreaterThanOrEqual(5 * 86_400_000 - 60_000);
  });

  it('Prism found no request of the engine off Mirakl\'s contract (OR11 query, paging, dates, API key)', async () => {
    const listings = s.tap.exchanges.filter((e) => e.method === 'GET' && e.url.startsWith('/api/orders?'));
    expect(listings.length).toBe(s.tap.exchanges.length);
    for (const e of listings) {
      expect(e.violations, e.url).toBeUndefined();
      expect(e.status, e.url).toBe(200);
      const q = new URL(e.url, 'http://x').searchParams;
      expect(q.get('start_update_date')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      expect(q.get('end_update_date')).toBe(s.run.window_to.replace(/\.\d{3}Z$/, 'Z'));
    }
    expect(s.prism.output()).not.toMatch(/did not pass the validation rules/);
    // The same Prism refuses a query off the contract, and a request without the API key: its
    // silence above means something.
    const off = await fetch(`${s.tap.url}/api/orders?start_update_date=yesterday&order_state_codes=SHIPPING`, { headers: { authorization: API_KEY } });
    expect(off.status).toBe(422);
    expect(((await off.json()) as { validation: Array<{ location: string[] }> }).validation.map((v) => v.location.join('.'))).toEqual(['query.start_update_date']);
    expect((await fetch(`${s.tap.url}/api/orders`)).status).toBe(401);
  });
});
