/**
 * The feed-flags migration (NNN_feed_flags, both stores) backfills `has_invoice` and
 * `lists_documents` of orders stored before it, so the feed (listOrderFeed) closes their items by
 * their stored documents: has_invoice true, false or absent, and an order listing documents (even
 * none: the key alone) flagged for the API to render.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { shippedMigrations } from '../engine/store/migrations.ts';
import { openPostgresStore } from '../engine/store/postgres/index.ts';
import { SqliteDb } from '../engine/store/sqlite/db.ts';
import { migrateSqlite } from '../engine/store/sqlite/migrate.ts';
import { openSqliteStore } from '../engine/store/sqlite/index.ts';
import type { Store } from '../engine/store/store.ts';
import { createSchema, dropSchemas, execInSchema, PG_SKIP_REASON, requirePostgres, SKIP_PG, testSchemaName } from './helpers/postgres.ts';

const T = '2026-01-01T00:00:00.000Z';
const FEED_FLAGS = shippedMigrations('sqlite').find((m) => m.name.endsWith('_feed_flags'))!;
const before = (dialect: 'sqlite' | 'postgres') => shippedMigrations(dialect).filter((m) => m.version < FEED_FLAGS.version);

/** Orders as a store before the migration kept them: the flags only inside the documents. */
const ORDERS: Array<[id: string, document: Record<string, unknown>]> = [
  ['o1', { has_invoice: true }],
  ['o2', { has_invoice: false, buyer: { first_name: '"has_invoice":true "documents":[]' } }],
  ['o3', {}],
  ['o4', { has_invoice: false, documents: [{ id: 'D1', type: 'CUSTOMER_INVOICE' }] }],
  ['o5', { documents: [] }],
];
const CLOSINGS = { absent: ',"c":"absent"}', true: ',"c":true}', false: ',"c":false}' };

function insertSql(quote: (text: string) => string, bool: (b: boolean) => string): string[] {
  return ORDERS.map(([id, extra], i) => {
    const document = JSON.stringify({ account: 'w', channel: 'worten', marketplace_order_id: id, status: 'shipped', lines: [], ...extra });
    return `INSERT INTO orders (id, account, channel, marketplace_order_id, status, marketplace_status, status_unknown, delivered_by_marketplace, created_at, updated_at,
      version, first_seen_at, last_changed_at, change_seq, content_hash, line_statuses, document, raw)
      VALUES ('${id}', 'w', 'worten', '${id}', 'shipped', 'SHIPPED', ${bool(false)}, ${bool(false)}, '${T}', '${T}', 1, '${T}', '${T}', ${i + 1}, 'h${id}', '{}', ${quote(document)}, '{}');`;
  });
}

/** What the feed makes of the backfilled orders: o1-o3 closed by their has_invoice, o4 and o5 flagged. */
async function expectBackfilled(store: Store): Promise<void> {
  const final = await store.listOrderFeed({ limit: 3 }, { flag_action: 'upload_invoice', closings: CLOSINGS });
  if (!('body' in final)) throw new Error('expected the first three orders final');
  const { items } = JSON.parse(final.body.toString('utf8')) as { items: Array<{ id: string; c: unknown }> };
  expect(items.map((item) => [item.id, item.c])).toEqual([['o1', true], ['o2', false], ['o3', 'absent']]);
  const rest = await store.listOrderFeed({ limit: 3, after: final.next! }, { flag_action: 'upload_invoice', closings: CLOSINGS });
  if (!('items' in rest)) throw new Error('expected the orders listing documents flagged');
  expect([rest.count, rest.flagged]).toEqual([2, [0, 1]]);
}

const dirs: string[] = [];
const schemas: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  const url = process.env.ORDERWIRE_TEST_PG_URL;
  if (url !== undefined && schemas.length > 0) await dropSchemas(url, schemas);
});

describe(`migration ${FEED_FLAGS.name}: the feed's flags of stored orders`, () => {
  it('SQLite', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'orderwire-feed-flags-'));
    dirs.push(dir);
    const file = path.join(dir, 'store.sqlite');
    const db = new SqliteDb(file);
    migrateSqlite(db, before('sqlite'));
    for (const sql of insertSql((text) => `'${text.replaceAll("'", "''")}'`, (b) => (b ? '1' : '0'))) db.run(sql);
    db.close();
    const store = await openSqliteStore(file);
    try {
      expect(await store.migrate()).toContain(FEED_FLAGS.name);
      await expectBackfilled(store);
    } finally {
      await store.close();
    }
  });

  it.skipIf(SKIP_PG)(`PostgreSQL${SKIP_PG ? ` (${PG_SKIP_REASON})` : ''}`, async () => {
    const url = requirePostgres();
    const schema = testSchemaName('feedflags');
    schemas.push(schema);
    await createSchema(url, schema);
    await execInSchema(url, schema, [
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL);',
      ...before('postgres').flatMap((m) => [m.sql, `INSERT INTO schema_migrations VALUES (${m.version}, '${m.name}', now());`]),
      ...insertSql((text) => `'${text.replaceAll("'", "''")}'`, (b) => String(b)),
    ].join('\n'));
    const store = await openPostgresStore(url, { schema });
    try {
      expect(await store.migrate()).toContain(FEED_FLAGS.name);
      await expectBackfilled(store);
    } finally {
      await store.close();
    }
  });
});
