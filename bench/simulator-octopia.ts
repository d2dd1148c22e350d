/**
 * Octopia simulator listing throughput, in orders served per second in pages of 100, so we know
 * the simulator is never a benchmark's bottleneck. The simulator runs as `orderwire simulate` in
 * its own process (as a marketplace would); autocannon drives it:
 *  - scan:   GET /orders pages in creation order, no filter (pages cycle over the whole history);
 *  - status: ?status=Delivered pages (a filter that evaluates every order once, then is cached);
 *  - update: an incremental poll, ?updatedAtMin=<now-15min>&sort=asc:updatedAt, page 1.
 *
 *   npx node bench/simulator-octopia.ts [--orders 1000000] [--seconds 5] [--connections 1,4]
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { OctopiaClient } from '@orderwire/simulators';

/** The part of autocannon's API used here (it ships no type declarations). */
interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}
type Autocannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  headers: Record<string, string>;
  requests: { setupRequest: (req: Record<string, unknown>) => Record<string, unknown> }[];
}) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '1000000' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '1,4' },
  },
});
const ORDERS = Number(values.orders);
const SECONDS = Number(values.seconds);
const CONNECTIONS = values.connections.split(',').map(Number);
const PAGE_SIZE = 100;

const cli = path.resolve(import.meta.dirname, '../engine/cli/orderwire.ts');
const child = spawn(process.execPath, [cli, 'simulate', 'octopia', '--orders', String(ORDERS), '--speed', '0', '--start', '2024-05-15T10:00:00Z', '--json'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const firstLine = await new Promise<string>((resolve, reject) => {
  createInterface({ input: child.stdout }).once('line', resolve);
  child.once('exit', (code) => reject(new Error(`simulate exited with ${code}`)));
});
const info = JSON.parse(firstLine) as Record<string, string>;
const client = new OctopiaClient({ baseUrl: info.base_url as string, credentials: { clientId: info.client_id as string, clientSecret: info.client_secret as string, sellerId: info.seller_id as string } });
const headers = await client.headers();

async function measure(name: string, pathFor: (i: number) => string, connections: number): Promise<void> {
  // One warm-up call fills the simulator's listing cache and tells how many orders a page holds.
  const sample = await fetch(`${info.base_url}${pathFor(0)}`, { headers });
  const perPage = ((await sample.json()) as { items: unknown[] }).items.length;
  let i = 0;
  const result = await autocannon({
    url: info.base_url as string,
    connections,
    duration: SECONDS,
    headers,
    requests: [{ setupRequest: (req) => ({ ...req, method: 'GET', path: pathFor(i++) }) }],
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${name}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  const ordersPerSecond = Math.round(result.requests.average * perPage);
  console.log(`${name.padEnd(7)} c=${connections}  ${String(Math.round(result.requests.average)).padStart(5)} pages/s x ${perPage} = ${String(ordersPerSecond).padStart(7)} orders/s  (latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms)`);
}

const pages = Math.max(1, Math.floor(ORDERS / PAGE_SIZE));
const since = new Date(Date.parse('2024-05-15T10:00:00Z') - 15 * 60_000).toISOString();
console.log(`Octopia simulator: ${ORDERS} generated orders, pages of ${PAGE_SIZE}, ${SECONDS} s per run`);
for (const c of CONNECTIONS) {
  await measure('scan', (i) => `/seller/v2/orders?pageSize=${PAGE_SIZE}&pageIndex=${1 + ((i * 7919) % pages)}`, c);
  await measure('status', (i) => `/seller/v2/orders?pageSize=${PAGE_SIZE}&status=Delivered&pageIndex=${1 + (i % 1000)}`, c);
  await measure('update', () => `/seller/v2/orders?pageSize=${PAGE_SIZE}&updatedAtMin=${encodeURIComponent(since)}&sort=asc:updatedAt`, c);
}
child.kill('SIGTERM');
