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
 */
import { parseArgs } from 'node:util';
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
const deps: SyncDeps = {
  store,
  connector,
  account,
  log: silentLogger(),
  now: () => now,
  windows: BENCH_WINDOWS,
  onPageCommitted: ({ orders, page }) => {
    seen += orders;
    if (page % sampleEvery === 0) rssSamples.push([seen, Math.round(process.memoryUsage.rss() / 1e5) / 10]);
  },
};

const startRssMb = Math.round(process.memoryUsage.rss() / 1e5) / 10;
const cpuBefore = process.cpuUsage();
const t0 = performance.now();
const outcome = await syncWindow(deps, 'incremental');
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpuBefore);
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
  }),
);
