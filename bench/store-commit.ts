/**
 * Store write throughput: commits generated normalized orders in pages (as a sync does) to SQLite
 * and, when a URL is given, PostgreSQL; three passes: new orders, the same orders again
 * (unchanged), and a status change on every order (update + events).
 *
 *   npx node bench/store-commit.ts [--orders 100000] [--page 100] [--pg postgres://...] [--json]
 *
 * --pg defaults to $ORDERWIRE_BENCH_PG_URL or $ORDERWIRE_TEST_PG_URL; PostgreSQL runs in a
 * throwaway schema that is dropped afterwards. --json prints only one JSON line of the passes
 * (`npm run bench -- store-commit` uses it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { NormalizedOrder } from '../engine/order/model.ts';
import { openPostgresStore } from '../engine/store/postgres/index.ts';
import { redactStoreUrl } from '../engine/store/redact.ts';
import { openSqliteStore } from '../engine/store/sqlite/index.ts';
import type { Store } from '../engine/store/store.ts';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '100000' },
    page: { type: 'string', default: '100' },
    pg: { type: 'string', default: process.env.ORDERWIRE_BENCH_PG_URL ?? process.env.ORDERWIRE_TEST_PG_URL ?? '' },
    json: { type: 'boolean', default: false },
  },
});
const print = values.json ? () => {} : (line: string) => console.log(line);
const results: Array<PassResult & { store: string }> = [];
const TOTAL = Number(values.orders);
const PAGE = Number(values.page);

function generate(i: number, pass: 'new' | 'update'): NormalizedOrder {
  const id = `BENCH-${String(i).padStart(7, '0')}`;
  const shipped = pass === 'update';
  const status = shipped ? 'shipped' : 'waiting_acceptance';
  const mkpStatus = shipped ? 'SHIPPED' : 'WAITING_ACCEPTANCE';
  const lines = [1, 2].map((n) => ({
    id: `${id}-${n}`, sku: `SKU-${(i * 7 + n) % 5000}`, title: `Product ${n} of order ${i}`, quantity: n, unit_price: 19.9, shipping_price: 3.5,
    taxes: [{ code: 'VAT', amount: 4.58, rate: 0.23 }], status, marketplace_status: mkpStatus,
  })) as NormalizedOrder['lines'];
  const updated = new Date(Date.UTC(2025, 2, 1) + i * 1000 + (shipped ? 86_400_000 : 0)).toISOString();
  return {
    channel: 'worten', account: 'worten-pt', marketplace_order_id: id, status, marketplace_status: mkpStatus,
    created_at: new Date(Date.UTC(2025, 2, 1) + i * 1000).toISOString(), updated_at: updated, currency: 'EUR',
    totals: { items: 59.7, shipping: 7, taxes: 13.73, total: 66.7 },
    buyer: { id: `C${i}`, first_name: 'Ana', last_name: 'Silva', email: `buyer${i}@example.com` },
    billing_address: { name: 'Ana Silva', street_1: 'Rua Augusta 100', zip_code: '1100-053', city: 'Lisboa', country: 'PT' },
    shipping_address: { name: 'Ana Silva', street_1: 'Rua Augusta 100', zip_code: '1100-053', city: 'Lisboa', country: 'PT', phone: '+351210000000' },
    lines, delivered_by_marketplace: false,
    raw: {
      order_id: id, order_state: mkpStatus, created_date: updated, last_updated_date: updated, currency_iso_code: 'EUR', channel: { code: 'WRT_PT_ONLINE' },
      customer: { customer_id: `C${i}`, firstname: 'Ana', lastname: 'Silva', billing_address: { street_1: 'Rua Augusta 100', city: 'Lisboa', country_iso_code: 'PRT' } },
      order_lines: lines.map((l) => ({ order_line_id: l.id, offer_sku: l.sku, quantity: l.quantity, price: l.unit_price, order_line_state: mkpStatus, taxes: [{ code: 'VAT', amount: 4.58 }] })),
    },
  };
}

interface PassResult { pass: string; seconds: number; perSecond: number; p50: number; p99: number }

async function runPass(store: Store, pass: 'new' | 'unchanged' | 'update'): Promise<PassResult> {
  const pageMs: number[] = [];
  const started = performance.now();
  for (let from = 0; from < TOTAL; from += PAGE) {
    const page = Array.from({ length: Math.min(PAGE, TOTAL - from) }, (_, k) => generate(from + k, pass === 'update' ? 'update' : 'new'));
    const t = performance.now();
    const result = await store.commitOrders(page, { account: 'worten-pt', channel: 'worten', kind: 'incremental', position: page.at(-1)!.updated_at });
    pageMs.push(performance.now() - t);
    const expected = pass === 'new' ? result.inserted : pass === 'unchanged' ? result.unchanged : result.updated;
    if (expected !== page.length) throw new Error(`${pass}: unexpected result ${JSON.stringify(result)}`);
  }
  const seconds = (performance.now() - started) / 1000;
  pageMs.sort((a, b) => a - b);
  const q = (p: number) => pageMs[Math.min(pageMs.length - 1, Math.floor(p * pageMs.length))]!;
  return { pass, seconds, perSecond: TOTAL / seconds, p50: q(0.5), p99: q(0.99) };
}

async function bench(label: string, store: Store): Promise<void> {
  await store.migrate();
  for (const pass of ['new', 'unchanged', 'update'] as const) {
    const r = await runPass(store, pass);
    results.push({ store: label, ...r });
    print(`${label.padEnd(10)} ${r.pass.padEnd(9)} ${String(TOTAL).padStart(7)} orders in ${r.seconds.toFixed(2).padStart(6)} s = ${Math.round(r.perSecond).toString().padStart(6)} orders/s; page of ${PAGE}: p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms`);
  }
  await store.close();
}

print(`store-commit: ${TOTAL} orders (2 lines each) in pages of ${PAGE}, node ${process.version}; times include generating and hashing the page`);
const dir = mkdtempSync(join(tmpdir(), 'orderwire-bench-'));
try {
  await bench('sqlite', await openSqliteStore(join(dir, 'bench.sqlite')));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (values.pg) {
  const schema = `bench_${process.pid}`;
  print(`postgres: ${redactStoreUrl(values.pg)} (schema ${schema})`);
  try {
    await bench('postgres', await openPostgresStore(values.pg, { schema }));
  } finally {
    const client = new pg.Client({ connectionString: values.pg });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  }
} else {
  print('postgres: skipped (no --pg, $ORDERWIRE_BENCH_PG_URL or $ORDERWIRE_TEST_PG_URL)');
}
if (values.json) console.log(JSON.stringify({ orders: TOTAL, page: PAGE, passes: results }));
