/**
 * Issue 8 part 5: the back-office API's orders feed with N orders stored. Once per benchmark: a
 * first sync of N orders from the simulator into a SQLite file, an API token for the account,
 * and one walk of the whole feed (GET /v1/orders?limit=100 following `next`), which checks that
 * the feed holds every stored order and collects the page cursors. Each run: the API in a fresh
 * process (bench/workers/api-server.ts) and autocannon on loopback, from this process, requesting
 * feed pages at cursors spread over the whole feed, for a fixed duration; then (order alternated
 * between runs) the serving floor (bench/workers/api-floor.ts: the same pages as one SELECT of the
 * stored document text written to the socket) over the same paths for the same duration, so the
 * engine/floor ratio is measured within one run.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createToken } from '../../engine/api/tokens.ts';
import { openStore } from '../../engine/store/open.ts';
import { LineChild, benchScript, daemonEnv, daemonNodeFlags } from '../lib/child.ts';
import { SimulatorProcess } from '../lib/simulator-handle.ts';
import { SIM_HISTORY_DAYS, SIM_SEED, SIM_START, runEngineSync } from '../lib/sync-runs.ts';
import type { BenchContext, Benchmark, Size } from '../lib/types.ts';
import { BENCH_ACCOUNT } from '../lib/window.ts';

/** The part of autocannon's API used here (it ships no type declarations). */
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}
type Autocannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  headers: Record<string, string>;
  requests: Array<{ setupRequest: (req: Record<string, unknown>) => Record<string, unknown> }>;
}) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const ORDERS: Record<Size, number> = { quick: 5_000, default: 100_000, full: 100_000 };
const SECONDS: Record<Size, number> = { quick: 2, default: 10, full: 10 };
const CONNECTIONS = 4;
const PAGE = 100;

interface Prepared {
  token: string;
  /** Feed paths, one per page of the whole feed. */
  paths: string[];
  stored: number;
  walkSeconds: number;
}
/** Per benchmark directory: the store is filled once and read by every run. */
const prepared = new Map<string, Prepared>();

const API_WORKER = 'workers/api-server.ts';

/**
 * The API runs as the daemon does: with its Node flags (the `orderwire` shebang) and its module
 * compile cache; the serving floor is not engine code and runs with Node's defaults.
 */
async function startApi(store: string, worker = API_WORKER): Promise<{ child: LineChild; url: string }> {
  const engine = worker === API_WORKER && { nodeFlags: daemonNodeFlags(), env: daemonEnv() };
  const child = new LineChild(benchScript(worker), ['--store', store], { measured: true, ...engine });
  const { url } = JSON.parse(await child.nextLine()) as { url: string };
  return { child, url };
}

async function prepare(ctx: BenchContext, orders: number, store: string): Promise<Prepared> {
  const known = prepared.get(ctx.dir);
  if (known && existsSync(store)) return known;
  const sim = await SimulatorProcess.start({ orders, seed: SIM_SEED, historyDays: SIM_HISTORY_DAYS, start: SIM_START });
  let stored: number;
  try {
    stored = (await runEngineSync(sim, store, await sim.now(), 'backfill', orders)).inserted;
  } finally {
    await sim.close();
  }
  const s = await openStore(store);
  const { token } = await createToken(s, { name: 'bench', accounts: [BENCH_ACCOUNT] });
  await s.close();
  // One walk of the whole feed: it must return every stored order once; its cursors feed the runs.
  const api = await startApi(store);
  const paths: string[] = [];
  let seen = 0;
  const began = performance.now();
  try {
    for (let next: string | null = null; ; ) {
      const p: string = `/v1/orders?limit=${PAGE}${next ? `&after=${encodeURIComponent(next)}` : ''}`;
      const res = await fetch(`${api.url}${p}`, { headers: { authorization: `Bearer ${token}` } });
      if (!res.ok) throw new Error(`GET ${p}: ${res.status} ${(await res.text()).slice(0, 300)}`);
      const body = (await res.json()) as { items: unknown[]; next: string | null };
      paths.push(p);
      seen += body.items.length;
      next = body.next;
      if (!next) break;
    }
  } finally {
    await api.child.close();
  }
  if (seen !== stored) throw new Error(`the feed listed ${seen} orders, the store holds ${stored}`);
  const result = { token, paths, stored, walkSeconds: (performance.now() - began) / 1000 };
  ctx.log(`${stored} orders stored; one walk of the feed (${paths.length} pages) took ${result.walkSeconds.toFixed(1)} s`);
  prepared.set(ctx.dir, result);
  return result;
}

interface Serving {
  requestsPerS: number;
  total: number;
  p50: number;
  p99: number;
  cpuMsPerRequest: number;
}

/** One side (the API or the floor) in a fresh process, under autocannon for the run's duration. */
async function serve(ctx: BenchContext, store: string, worker: string, token: string, paths: string[]): Promise<Serving> {
  const api = await startApi(store, worker);
  try {
    const before = JSON.parse(await api.child.request('usage')) as { cpuMs: number };
    let i = 0;
    const result = await autocannon({
      url: api.url,
      connections: CONNECTIONS,
      duration: SECONDS[ctx.size],
      headers: { authorization: `Bearer ${token}` },
      // A stride coprime with most page counts walks the feed in a scattered order.
      requests: [{ setupRequest: (req) => ({ ...req, method: 'GET', path: paths[(i++ * 7919) % paths.length] }) }],
    });
    const after = JSON.parse(await api.child.request('usage')) as { cpuMs: number };
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`api-feed (${worker}): ${result.non2xx} non-2xx answers, ${result.errors} errors`);
    return {
      requestsPerS: result.requests.average,
      total: result.requests.total,
      p50: result.latency.p50,
      p99: result.latency.p99,
      cpuMsPerRequest: (after.cpuMs - before.cpuMs) / result.requests.total,
    };
  } finally {
    await api.child.close();
  }
}

export const apiFeed: Benchmark = {
  name: 'api-feed',
  title: 'Back-office API orders feed (GET /v1/orders, pages of 100) with N orders stored',
  description: 'autocannon on loopback, 4 connections, feed pages at cursors spread over the whole feed of a store filled by a first sync; the API in its own process, then the serving floor (one SELECT of stored text to the socket) on the same pages in the same run.',
  figures: [
    { key: 'requests_per_s', label: 'feed requests', unit: 'req/s' },
    { key: 'orders_per_s', label: 'orders served', unit: 'orders/s' },
    { key: 'p50_ms', label: 'p50 latency', unit: 'ms' },
    { key: 'p99_ms', label: 'p99 latency', unit: 'ms' },
    { key: 'api_cpu_ms_per_request', label: 'API CPU per request', unit: 'ms', decimals: 2, target: { op: '<=', value: 1 } },
    { key: 'floor_orders_per_s', label: 'serving floor: orders served', unit: 'orders/s' },
    { key: 'engine_floor', label: 'orders served, engine/floor', unit: 'ratio', decimals: 2, target: { op: '>=', value: 0.5 } },
    { key: 'floor_cpu_ms_per_request', label: 'serving floor CPU per request', unit: 'ms', decimals: 2 },
    { key: 'floor_p99_ms', label: 'serving floor p99 latency', unit: 'ms' },
  ],
  parameters: (size, orders) => ({ orders: orders ?? ORDERS[size], page_size: PAGE, connections: CONNECTIONS, seconds: SECONDS[size] }),
  async run(ctx) {
    const orders = ctx.orders ?? ORDERS[ctx.size];
    const store = path.join(ctx.dir, 'api.sqlite');
    const { token, paths, stored, walkSeconds } = await prepare(ctx, orders, store);
    const perPage = stored / paths.length;
    // Alternate which side goes first, so neither always gets the warmer page cache.
    const engineFirst = ctx.run % 2 === 1;
    const sides = engineFirst ? (['engine', 'floor'] as const) : (['floor', 'engine'] as const);
    const measured: Partial<Record<'engine' | 'floor', Serving>> = {};
    for (const side of sides) measured[side] = await serve(ctx, store, side === 'engine' ? API_WORKER : 'workers/api-floor.ts', token, paths);
    const engine = measured.engine!;
    const floor = measured.floor!;
    return {
      values: {
        requests_per_s: engine.requestsPerS,
        orders_per_s: engine.requestsPerS * perPage,
        floor_orders_per_s: floor.requestsPerS * perPage,
        engine_floor: engine.requestsPerS / floor.requestsPerS,
        p50_ms: engine.p50,
        p99_ms: engine.p99,
        api_cpu_ms_per_request: engine.cpuMsPerRequest,
        floor_cpu_ms_per_request: floor.cpuMsPerRequest,
        floor_p99_ms: floor.p99,
      },
      details: { requests: engine.total, floor_requests: floor.total, engine_first: engineFirst, stored, feed_pages: paths.length, walk_seconds: walkSeconds },
    };
  },
};
