/**
 * The physical floor of a first sync: what listing the same window costs with nothing but the
 * unavoidable work. Same simulator, same OR11 query and pages as the engine's Mirakl connector
 * (channels/platforms/mirakl.yaml: paginate, sort=dateCreated asc, start/end_update_date,
 * offset/max=100 until total_count), then `fetch` + JSON.parse + one INSERT of each order's raw
 * JSON into a one-table node:sqlite database, all in one transaction. No mapping, no
 * validation, no hashing, no events, no cursor, no retries. Prints one JSON line.
 *
 *   ORDERWIRE_BENCH_API_KEY=... npx node bench/floor-first-sync.ts --base-url URL --from ISO --to ISO --db FILE
 */
import { DatabaseSync } from 'node:sqlite';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { 'base-url': { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, db: { type: 'string' }, 'sample-every': { type: 'string', default: '20' } },
});
const apiKey = process.env.ORDERWIRE_BENCH_API_KEY;
if (!values['base-url'] || !values.from || !values.to || !values.db || !apiKey) {
  throw new Error('floor-first-sync needs --base-url, --from, --to, --db and ORDERWIRE_BENCH_API_KEY');
}
const PAGE = 100;
const sampleEvery = Number(values['sample-every']);

const db = new DatabaseSync(values.db);
db.exec('CREATE TABLE IF NOT EXISTS raw_orders (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)');
const insert = db.prepare('INSERT INTO raw_orders (payload) VALUES (?)');

const base = `${values['base-url']}/api/orders?paginate=true&sort=dateCreated&order=asc&start_update_date=${encodeURIComponent(values.from)}&end_update_date=${encodeURIComponent(values.to)}&max=${PAGE}`;
const rssSamples: Array<[orders: number, rssMb: number]> = [];
const cpuBefore = process.cpuUsage();
const t0 = performance.now();
let orders = 0;
let requests = 0;
db.exec('BEGIN');
for (let offset = 0; ; ) {
  const res = await fetch(`${base}&offset=${offset}`, { headers: { authorization: apiKey } });
  requests++;
  if (!res.ok) throw new Error(`OR11 offset ${offset}: ${res.status}`);
  const body = JSON.parse(await res.text()) as { orders: unknown[]; total_count: number };
  for (const order of body.orders) insert.run(JSON.stringify(order));
  orders += body.orders.length;
  offset += body.orders.length;
  if (requests % sampleEvery === 0) rssSamples.push([orders, Math.round(process.memoryUsage.rss() / 1e5) / 10]);
  if (body.orders.length === 0 || offset >= body.total_count) break;
}
db.exec('COMMIT');
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpuBefore);
db.close();
console.log(JSON.stringify({ orders, requests, seconds, cpuMs: (cpu.user + cpu.system) / 1000, maxRssKb: process.resourceUsage().maxRSS, rssSamples }));
