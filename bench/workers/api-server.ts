/**
 * The back-office API over a benchmark's SQLite store, in its own process: buildApiServer with
 * the worten channel and the benchmark account, the per-token rate limit raised out of the way
 * (600/min is a production guard, not a throughput limit), on 127.0.0.1 port 0. Prints one JSON
 * line {url} once listening, answers "usage" lines with its CPU time and peak RSS, and exits when
 * stdin closes.
 *
 *   npx node bench/workers/api-server.ts --store FILE
 */
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { buildApiServer } from '../../engine/api/server.ts';
import { loadChannel } from '../../engine/channel/load.ts';
import { openStore } from '../../engine/store/open.ts';
import type { AccountRuntime } from '../../engine/sync/account.ts';
import { BENCH_ACCOUNT } from '../lib/window.ts';

const { values } = parseArgs({ options: { store: { type: 'string' } } });
if (!values.store) throw new Error('api-server needs --store FILE');
const store = await openStore(values.store);
const channel = await loadChannel('worten');
const account: AccountRuntime = {
  id: BENCH_ACCOUNT,
  channel,
  baseUrl: 'http://127.0.0.1:9',
  credentials: {},
  enabled: true,
  importFulfilledOrders: false,
  pollEveryMs: channel.retrieval.incremental.everyMs,
  concurrency: 2,
};
const app = await buildApiServer(
  { store, channels: new Map([[channel.id, channel]]), accounts: new Map([[account.id, account]]), secretKey: undefined },
  { rateLimit: { max: 1_000_000_000, timeWindowMs: 60_000 } },
);
await app.listen({ host: '127.0.0.1', port: 0 });
console.log(JSON.stringify({ url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` }));

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() !== 'usage') return;
  const u = process.resourceUsage();
  console.log(JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssKb: u.maxRSS }));
});
lines.on('close', () => {
  void app
    .close()
    .then(() => store.close())
    .then(() => process.exit(0));
});
