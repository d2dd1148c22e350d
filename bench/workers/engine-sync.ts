/**
 * One sync window run by the real engine, in its own process: the worten channel, the
 * declarative Mirakl connector (budgets off: the OR11 once-a-minute ceiling is a production
 * contract, not a throughput limit), syncWindow, and the SQLite store. Prints one JSON line.
 *
 *   ORDERWIRE_BENCH_API_KEY=... npx node bench/workers/engine-sync.ts --base-url URL --store FILE --now ISO [--kind backfill|incremental]
 *   ORDERWIRE_BENCH_API_KEY=... ORDERWIRE_BENCH_PG_URL=postgres://... npx node bench/workers/engine-sync.ts --base-url URL --pg-schema NAME --now ISO
 *
 * With --pg-schema the store is PostgreSQL (the URL, which holds a password, comes from the
 * environment only), in that schema.
 *
 * The engine's clock is frozen at --now (the simulator's frozen time), so its window is the one
 * the benchmark computed for the floor. `seconds` times syncWindow only (not process start or
 * migrations); RSS is sampled every --sample-every pages and the peak is the process's maxRSS.
 * `memory` breaks the resident set down (process.memoryUsage and V8's heap spaces, MB) before the
 * first request and at the sample with the highest RSS: where a peak comes from.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { getHeapSpaceStatistics } from 'node:v8';
import { loadChannel } from '../../engine/channel/load.ts';
import { createConnector, loadPlatform } from '../../engine/connector/declarative.ts';
import { silentLogger } from '../../engine/log.ts';
import { openStore } from '../../engine/store/open.ts';
import type { AccountRuntime } from '../../engine/sync/account.ts';
import { syncWindow, type SyncDeps } from '../../engine/sync/sync-window.ts';
import { BENCH_ACCOUNT, BENCH_WINDOWS } from '../lib/window.ts';

const { values } = parseArgs({
  options: {
    'base-url': { type: 'string' },
    store: { type: 'string' },
    'pg-schema': { type: 'string' },
    now: { type: 'string' },
    kind: { type: 'string', default: 'backfill' },
    'sample-every': { type: 'string', default: '20' },
    /** Orders per store transaction (SyncDeps.commitBatch); the engine's default when absent. */
    'commit-batch': { type: 'string' },
  },
});
const apiKey = process.env.ORDERWIRE_BENCH_API_KEY;
const pgUrl = process.env.ORDERWIRE_BENCH_PG_URL;
const schema = values['pg-schema'];
if (!values['base-url'] || !(values.store || (schema && pgUrl)) || !values.now || !apiKey) {
  throw new Error('engine-sync needs --base-url, --store FILE (or --pg-schema and ORDERWIRE_BENCH_PG_URL), --now and ORDERWIRE_BENCH_API_KEY');
}
const now = new Date(values.now);
const sampleEvery = Number(values['sample-every']);

const channel = await loadChannel('worten');
const platform = await loadPlatform(channel.platform);
const store = schema && pgUrl ? await openStore(pgUrl, { postgres: { schema } }) : await openStore(values.store!);
await store.migrate();
const account: AccountRuntime = {
  id: BENCH_ACCOUNT,
  channel,
  baseUrl: values['base-url'],
  credentials: { api_key: apiKey },
  enabled: true,
  importFulfilledOrders: false,
  pollEveryMs: channel.retrieval.incremental.everyMs,
  concurrency: 2,
};
const connector = createConnector({ account: account.id, channel, baseUrl: account.baseUrl, credentials: account.credentials }, platform, { budgets: false });

const rssSamples: Array<[orders: number, rssMb: number]> = [];
let seen = 0;

/** The resident set broken down: what V8 holds (per heap space), external memory, and the rest (binary, SQLite, malloc, workers). */
interface MemoryBreakdown {
  orders: number;
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  /** RSS not in V8's heap: the binary's code, SQLite's page cache, malloc, the checkpoint worker. */
  outsideHeap: number;
  spaces: Record<string, { size: number; used: number }>;
}
const toMb = (bytes: number): number => Math.round(bytes / 1e5) / 10;
function memoryBreakdown(orders: number): MemoryBreakdown {
  const m = process.memoryUsage();
  const spaces: MemoryBreakdown['spaces'] = {};
  for (const s of getHeapSpaceStatistics()) spaces[s.space_name] = { size: toMb(s.space_size), used: toMb(s.space_used_size) };
  return { orders, rss: toMb(m.rss), heapTotal: toMb(m.heapTotal), heapUsed: toMb(m.heapUsed), external: toMb(m.external), arrayBuffers: toMb(m.arrayBuffers), outsideHeap: toMb(m.rss - m.heapTotal), spaces };
}
let peakMemory: MemoryBreakdown | undefined;

/**
 * CPU time (ms) of the process's threads by name, from /proc (Linux; empty elsewhere): the main
 * thread against V8's helpers (concurrent marking, compilers), libuv's pool and worker threads.
 */
function cpuByThread(): Record<string, number> {
  const out: Record<string, number> = {};
  let tasks: string[];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  const tick = 10; // ms per clock tick (USER_HZ is 100 on Linux)
  for (const tid of tasks) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const name = tid === String(process.pid) ? 'main' : stat.slice(stat.indexOf('(') + 1, close).trim();
      const fields = stat.slice(close + 2).split(' ');
      out[name] = (out[name] ?? 0) + (Number(fields[11]) + Number(fields[12])) * tick;
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}
const deps: SyncDeps = {
  store,
  connector,
  account,
  log: silentLogger(),
  now: () => now,
  windows: BENCH_WINDOWS,
  ...(values['commit-batch'] && { commitBatch: Number(values['commit-batch']) }),
  onPageCommitted: ({ orders, page }) => {
    seen += orders;
    if (page % sampleEvery !== 0) return;
    const sample = memoryBreakdown(seen);
    rssSamples.push([seen, sample.rss]);
    if (!peakMemory || sample.rss > peakMemory.rss) peakMemory = sample;
  },
};

const startMemory = memoryBreakdown(0);
const startRssMb = startMemory.rss;
const threadsBefore = cpuByThread();
const cpuBefore = process.cpuUsage();
const t0 = performance.now();
const outcome = await syncWindow(deps, 'incremental');
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const threadsAfter = cpuByThread();
const threadCpuMs = Object.fromEntries(Object.entries(threadsAfter).map(([name, ms]) => [name, ms - (threadsBefore[name] ?? 0)]));
await connector.close();
await store.close();
if (values.kind !== outcome.window.kind) throw new Error(`expected a ${values.kind} window, the engine planned ${outcome.window.kind}`);

console.log(
  JSON.stringify({
    kind: outcome.window.kind,
    window: { from: outcome.window.from.toISOString(), to: outcome.window.to.toISOString() },
    orders: outcome.run.orders,
    pages: outcome.run.pages,
    requests: outcome.run.requests,
    inserted: outcome.inserted,
    updated: outcome.updated,
    seconds,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssKb: process.resourceUsage().maxRSS,
    startRssMb,
    rssSamples,
    memory: { start: startMemory, peak: peakMemory },
    threadCpuMs,
  }),
);
