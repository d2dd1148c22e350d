/**
 * Where the PostgreSQL server's time goes when the engine writes a first sync's pages: real
 * orders (the Mirakl simulator listed through the worten channel's declarative connector, as the
 * first-sync benchmark does), held in memory, then committed in batches of --batch (the sync's
 * commit batch, 1,000) through the store's own `commitOrders`, each statement timed from this side
 * (the server runs it while this process waits) and grouped by kind; one batch is sent as
 * `EXPLAIN (ANALYZE, BUFFERS)` of each of its statements instead (same effect: ANALYZE executes
 * it), whose plans are printed. Listing is not timed: only the writes are.
 *
 * With --resync, every order is first written once (untimed), then written again changed (its
 * updated_at an hour later: an update and an `order.updated` event each), and only that second pass
 * is timed: a re-sync where every order changed.
 *
 *   ORDERWIRE_TEST_PG_URL=postgres://... npx node bench/pg-page-write.ts [--orders 20000] [--batch 1000] [--explain-batch 10] [--resync] [--sql 'DROP INDEX ...']
 *
 * Runs in a throwaway schema (dropped afterwards). Prints a table of statement kinds: count, total
 * ms, ms per 1,000 orders, share of the write time.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadChannel } from '../engine/channel/load.ts';
import { createConnector, loadPlatform } from '../engine/connector/declarative.ts';
import type { NormalizedOrder } from '../engine/order/model.ts';
import { PgDb, type PgTx } from '../engine/store/postgres/db.ts';
import { migratePostgres } from '../engine/store/postgres/migrate.ts';
import { commitOrders } from '../engine/store/postgres/orders.ts';
import { SimulatorProcess } from './lib/simulator-handle.ts';
import { SIM_HISTORY_DAYS, SIM_SEED, SIM_START } from './lib/sync-runs.ts';
import { BENCH_ACCOUNT, firstSyncWindow } from './lib/window.ts';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '20000' },
    batch: { type: 'string', default: '1000' },
    'explain-batch': { type: 'string', default: '10' },
    resync: { type: 'boolean', default: false },
    // SQL run after the migrations, to try a schema change (an index dropped, a column's compression).
    sql: { type: 'string' },
  },
});
const url = process.env.ORDERWIRE_BENCH_PG_URL || process.env.ORDERWIRE_TEST_PG_URL;
if (!url) throw new Error('pg-page-write needs ORDERWIRE_BENCH_PG_URL or ORDERWIRE_TEST_PG_URL');
const total = Number(values.orders);
const batchSize = Number(values.batch);
const explainBatch = Number(values['explain-batch']);

// 1. Real orders, as the connector maps them.
const sim = await SimulatorProcess.start({ orders: total, seed: SIM_SEED, historyDays: SIM_HISTORY_DAYS, start: SIM_START });
const orders: NormalizedOrder[] = [];
try {
  const channel = await loadChannel('worten');
  const connector = createConnector({ account: BENCH_ACCOUNT, channel, baseUrl: sim.baseUrl, credentials: { api_key: sim.apiKey } }, await loadPlatform(channel.platform), { budgets: false });
  await connector.listOrders(firstSyncWindow(await sim.now()), async (page) => {
    orders.push(...page.orders);
  });
  await connector.close();
} finally {
  await sim.close();
}

// 2. The store's writes, each statement timed.
const schema = `bench_pg_page_write_${process.pid}`;
const kinds = new Map<string, { count: number; ms: number }>();
let explaining = false;
const plans: string[] = [];

/** utime + stime of a process in ms (/proc/PID/stat, clock ticks of 10 ms), or undefined when not readable. */
function serverCpuMs(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

function kindOf(sql: string): string {
  const s = sql.replace(/\s+/g, ' ').trim();
  if (s.startsWith('SELECT pg_advisory_xact_lock')) return 'feed lock';
  if (s.startsWith('SELECT nextval')) return 'next seqs';
  if (s.startsWith('SELECT id, account')) return 'select existing';
  if (s.startsWith('DELETE FROM quarantine')) return 'quarantine delete';
  if (s.startsWith('UPDATE orders')) return 'update orders';
  if (s.startsWith('CREATE TEMP TABLE')) return 'create temp table';
  return s.slice(0, 40);
}

class TimedDb extends PgDb {
  override async tx<T>(fn: (q: PgTx) => Promise<T>): Promise<T> {
    return super.tx((q) =>
      fn({
        query: async (sql, params) => {
          const explain = explaining && /^\s*(INSERT|UPDATE|DELETE|SELECT id)/.test(sql);
          const result = await timed(kindOf(sql), () => q.query(explain ? `EXPLAIN (ANALYZE, BUFFERS, WAL) ${sql}` : sql, params));
          if (!explain) return result;
          plans.push(`-- ${kindOf(sql)}\n${result.rows.map((r) => String(r['QUERY PLAN'])).join('\n')}`);
          // A SELECT's rows steer what follows (the existing orders): read them for real too.
          return /^\s*SELECT/.test(sql) ? q.query(sql, params) : { rows: [], rowCount: 0 };
        },
        copyIn: (sql, rows) => timed(kindOf(sql), () => q.copyIn(sql, rows)),
      }),
    );
  }
}

async function timed<T>(kind: string, run: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await run();
  } finally {
    const entry = kinds.get(kind) ?? { count: 0, ms: 0 };
    entry.count++;
    entry.ms += performance.now() - t0;
    kinds.set(kind, entry);
  }
}

// One connection, so its server process's CPU (from /proc, when the server runs on this machine)
// is the server's work for these writes, whatever else loads the machine.
const db = new TimedDb(url, { schema, max: 1 });
try {
  await migratePostgres(db);
  if (values.sql) await db.query(values.sql);
  const cursor = { account: BENCH_ACCOUNT, channel: 'worten', kind: 'incremental' as const, position: new Date(Date.UTC(2025, 2, 10)).toISOString() };
  let timedOrders = orders;
  if (values.resync) {
    for (let i = 0; i < orders.length; i += batchSize) await commitOrders(db, orders.slice(i, i + batchSize), cursor);
    kinds.clear();
    timedOrders = orders.map((o) => ({ ...o, updated_at: new Date(Date.parse(o.updated_at) + 3_600_000).toISOString() }));
  }
  const backend = Number((await db.query('SELECT pg_backend_pid() AS pid')).rows[0]!.pid);
  const server0 = serverCpuMs(backend);
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  let batches = 0;
  for (let i = 0; i < timedOrders.length; i += batchSize) {
    batches++;
    explaining = batches === explainBatch;
    // BEGIN/COMMIT are sent by tx itself, untimed: they are the remainder of the batch's time.
    const before = [...kinds.values()].reduce((sum, k) => sum + k.ms, 0);
    const b0 = performance.now();
    const result = await commitOrders(db, timedOrders.slice(i, i + batchSize), cursor);
    if (values.resync && result.updated !== Math.min(batchSize, timedOrders.length - i)) throw new Error(`re-sync batch ${batches}: ${JSON.stringify(result)}, expected every order updated`);
    const spent = performance.now() - b0;
    const inStatements = [...kinds.values()].reduce((sum, k) => sum + k.ms, 0) - before;
    const rest = kinds.get('BEGIN/COMMIT + client') ?? { count: 0, ms: 0 };
    rest.count++;
    rest.ms += spent - inStatements;
    kinds.set('BEGIN/COMMIT + client', rest);
  }
  const wall = performance.now() - t0;
  const client = process.cpuUsage(client0);
  const server1 = serverCpuMs(backend);
  const sum = [...kinds.values()].reduce((s, k) => s + k.ms, 0);
  console.log(`${orders.length} orders${values.resync ? ' re-synced (every one changed)' : ''} in ${batches} batches of ${batchSize}: ${wall.toFixed(0)} ms of writes (${((wall * 1000) / orders.length).toFixed(0)} µs an order)`);
  const perOrder = (ms: number): string => `${((ms * 1000) / orders.length).toFixed(0)} µs`;
  console.log(`CPU per order: this process ${perOrder((client.user + client.system) / 1000)}, server ${server0 === undefined || server1 === undefined ? 'not on this machine' : perOrder(server1 - server0)}`);
  console.log('statement | count | total ms | ms per 1,000 orders | share');
  for (const [kind, k] of [...kinds.entries()].sort((a, b) => b[1].ms - a[1].ms)) {
    console.log(`${kind} | ${k.count} | ${k.ms.toFixed(0)} | ${((k.ms * 1000) / orders.length).toFixed(1)} | ${((100 * k.ms) / sum).toFixed(0)} %`);
  }
  const sizes = await db.query(`SELECT relname, pg_size_pretty(pg_total_relation_size(c.oid)) AS size FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = $1 AND relname IN ('orders', 'order_events') ORDER BY relname`, [schema]);
  console.log(sizes.rows.map((r) => `${String(r.relname)}: ${String(r.size)}`).join(', '));
  console.log(`\nbatch ${explainBatch}, EXPLAIN (ANALYZE, BUFFERS, WAL):\n${plans.join('\n\n')}`);
} finally {
  await db.end();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
}
