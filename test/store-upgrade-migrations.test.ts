/**
 * Upgrades of stores holding data, on both stores:
 * - 004 moves the unsure flag that earlier versions kept inside an action's `result` (which the
 *   API and webhooks serve) into the worker's own `progress`;
 * - 005 adds refund and cancelation events: on SQLite it rebuilds order_events and webhook_events
 *   (foreign keys off, checked before commit), keeping every row, every delivery and the
 *   sequences (a deleted event's seq never comes back).
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
import { createSchema, dropSchemas, execInSchema, PG_SKIP_REASON, requirePostgres, SKIP_PG, testSchemaName } from './helpers/postgres.ts';

const before = (dialect: 'sqlite' | 'postgres', version: number) => shippedMigrations(dialect).filter((m) => m.version < version);
const REQUEST = JSON.stringify({ channel: 'worten', account: 'w', marketplace_order_id: 'O1', action: 'accept', status: 'waiting_acceptance', lines: null, data: {} });
const T = '2026-01-01T00:00:00.000Z';

/** A fresh PostgreSQL schema migrated up to (not including) `version`, then `sql` run in it. */
async function postgresBefore(version: number, sql: string[]): Promise<{ url: string; schema: string }> {
  const url = requirePostgres();
  const schema = testSchemaName(`m${version}`);
  schemas.push(schema);
  await createSchema(url, schema);
  await execInSchema(url, schema, [
    'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL);',
    ...before('postgres', version).flatMap((m) => [m.sql, `INSERT INTO schema_migrations VALUES (${m.version}, '${m.name}', now());`]),
    ...sql,
  ].join('\n'));
  return { url, schema };
}

const dirs: string[] = [];
const schemas: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  const url = process.env.ORDERWIRE_TEST_PG_URL;
  if (url !== undefined && schemas.length > 0) await dropSchemas(url, schemas);
});

describe('migration 004: the unsure flag leaves the served result', () => {
  it('SQLite', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'orderwire-m004-'));
    dirs.push(dir);
    const file = path.join(dir, 'store.sqlite');
    const db = new SqliteDb(file);
    migrateSqlite(db, before('sqlite', 4));
    const insert = `INSERT INTO actions (id, idempotency_key, account, channel, marketplace_order_id, action, state, attempts, next_attempt_at, request, result, created_at, updated_at)
      VALUES (?, ?, 'w', 'worten', ?, 'accept', 'queued', 1, '${T}', '${REQUEST}', ?, '${T}', '${T}')`;
    db.run(insert, 'a1', 'k1', 'O1', JSON.stringify({ ambiguous: true, message: 'timeout (response)' }));
    db.run(insert, 'a2', 'k2', 'O2', JSON.stringify([{ endpoint: 'OR21', status: 204, body: null }]));
    db.close();
    const store = await openSqliteStore(file);
    try {
      expect(await store.migrate()).toContain('004_action_progress');
      const unsure = await store.getAction('a1');
      expect(unsure?.result).toBeUndefined();
      expect(unsure?.progress).toEqual({ unsure: { step: 0, message: 'timeout (response)' } });
      expect((await store.getAction('a2'))?.result).toEqual([{ endpoint: 'OR21', status: 204, body: null }]);
    } finally {
      await store.close();
    }
  });

  it.skipIf(SKIP_PG)(`PostgreSQL${SKIP_PG ? ` (${PG_SKIP_REASON})` : ''}`, async () => {
    const { url, schema } = await postgresBefore(4, [
      `INSERT INTO actions (id, idempotency_key, account, channel, marketplace_order_id, action, state, attempts, next_attempt_at, request, result, created_at, updated_at)
        VALUES ('a1', 'k1', 'w', 'worten', 'O1', 'accept', 'queued', 1, '${T}', '${REQUEST}', '{"ambiguous": true, "message": "reset"}', '${T}', '${T}');`,
    ]);
    const store = await openPostgresStore(url, { schema });
    try {
      expect(await store.migrate()).toContain('004_action_progress');
      const unsure = await store.getAction('a1');
      expect(unsure?.result).toBeUndefined();
      expect(unsure?.progress).toEqual({ unsure: { step: 0, message: 'reset' } });
    } finally {
      await store.close();
    }
  });
});

describe('migration 005: refund events on a store with data', () => {
  const ORDER_SQL = (id: string, seq: number, dialect: 'sqlite' | 'postgres' = 'sqlite') => `INSERT INTO orders (id, account, channel, marketplace_order_id, status, marketplace_status, status_unknown, delivered_by_marketplace, created_at, updated_at, version, first_seen_at, last_changed_at, change_seq, content_hash, line_statuses, document, raw)
    VALUES ('${id}', 'w', 'worten', 'M-${id}', 'shipped', 'SHIPPED', ${dialect === 'sqlite' ? '0, 0' : 'false, false'}, '${T}', '${T}', 1, '${T}', '${T}', ${seq}, 'h-${id}', '{}', '{}', '{}')`;
  const EVENT_SQL = (id: string) => `INSERT INTO order_events (order_id, account, channel, marketplace_order_id, type, to_status, at) VALUES ('${id}', 'w', 'worten', 'M-${id}', 'order.created', 'shipped', '${T}')`;

  it('SQLite: rows, deliveries and sequences kept; the new event types and their webhooks work', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'orderwire-m005-'));
    dirs.push(dir);
    const file = path.join(dir, 'store.sqlite');
    const db = new SqliteDb(file);
    migrateSqlite(db, before('sqlite', 5));
    db.run(`INSERT INTO webhook_endpoints (id, url, accounts, events, created_at) VALUES ('e1', 'http://127.0.0.1:9/h', '["w"]', '["order.created"]', '${T}')`);
    db.tx(() => {
      for (const [i, id] of ['o1', 'o2', 'o3'].entries()) {
        db.run(ORDER_SQL(id, i + 1));
        db.run(EVENT_SQL(id));
      }
    });
    // The newest event is gone (retention): its seq must never be handed out again.
    db.run('DELETE FROM webhook_deliveries WHERE event_seq = 3');
    db.run('DELETE FROM webhook_events WHERE seq = 3');
    db.run('DELETE FROM order_events WHERE seq = 3');
    db.close();

    const store = await openSqliteStore(file);
    try {
      expect(await store.migrate()).toContain('005_refund_events');
      expect((await store.listEvents({})).map((e) => e.seq)).toEqual([1, 2]);
      expect((await store.listWebhookDeliveries('e1')).map((d) => d.event.id)).toEqual(['evt_2', 'evt_1']);
      const endpoint = await store.createWebhookEndpoint({ url: 'http://127.0.0.1:9/r', accounts: ['w'], events: ['order.refunded'] });
      const shippedLine = { id: 'L1', sku: 'S', quantity: 1, unit_price: 10, shipping_price: 0, taxes: [], status: 'shipped' as const, marketplace_status: 'SHIPPED' };
      const order = { channel: 'worten', account: 'w', marketplace_order_id: 'M-new', status: 'shipped' as const, marketplace_status: 'SHIPPED', created_at: T, updated_at: T, currency: 'EUR', totals: { items: 10, shipping: 0, taxes: 0, total: 10 }, buyer: {}, lines: [shippedLine], delivered_by_marketplace: false, raw: {} };
      await store.commitOrders([order]);
      await store.commitOrders([{ ...order, updated_at: '2026-01-01T00:01:00.000Z', lines: [{ ...shippedLine, refunds: [{ quantity: 1, amount: 10 }], refunded: { quantity: 1, amount: 10, shipping_amount: 0 } }] }]);
      const events = await store.listEvents({ after: 2 });
      expect(events.map((e) => [e.seq, e.type])).toEqual([[4, 'order.created'], [5, 'order.refunded']]);
      const claimed = await store.claimWebhookDeliveries('d', 30_000, 10, new Date(Date.now() + 1_000));
      // The two older deliveries, the new order's creation (e1), and its refund (the new endpoint).
      expect(claimed.map((d) => [d.endpoint_id, d.event.type])).toEqual([['e1', 'order.created'], ['e1', 'order.created'], ['e1', 'order.created'], [endpoint.id, 'order.refunded']]);
      expect(claimed.at(-1)).toMatchObject({ endpoint_id: endpoint.id, event: { type: 'order.refunded', data: { lines: [{ line_id: 'L1', quantity: 1, amount: 10, shipping_amount: 0 }] } } });
    } finally {
      await store.close();
    }
  });

  it.skipIf(SKIP_PG)(`PostgreSQL${SKIP_PG ? ` (${PG_SKIP_REASON})` : ''}`, async () => {
    const { url, schema } = await postgresBefore(5, [
      `${ORDER_SQL('o1', 1, 'postgres')};`,
      `INSERT INTO order_events (seq, order_id, account, channel, marketplace_order_id, type, to_status, at) VALUES (1, 'o1', 'w', 'worten', 'M-o1', 'order.created', 'shipped', '${T}');`,
    ]);
    const store = await openPostgresStore(url, { schema });
    try {
      expect(await store.migrate()).toContain('005_refund_events');
      expect((await store.listEvents({})).map((e) => [e.seq, e.type])).toEqual([[1, 'order.created']]);
    } finally {
      await store.close();
    }
  });
});

describe('SQLite migrations that rebuild tables', () => {
  it('run with foreign keys off, and roll back when they leave a broken one', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'orderwire-fk-'));
    dirs.push(dir);
    const db = new SqliteDb(path.join(dir, 'fk.sqlite'));
    try {
      const base = { version: 1, name: '001_base', sql: 'CREATE TABLE parent (id INTEGER PRIMARY KEY) STRICT; CREATE TABLE child (parent INTEGER NOT NULL REFERENCES parent (id)) STRICT; INSERT INTO parent VALUES (1); INSERT INTO child VALUES (1);' };
      // Rebuilding the parent drops it for a moment: only possible with foreign keys off.
      const rebuild = { version: 2, name: '002_rebuild', sql: '-- orderwire: foreign_keys off\nCREATE TABLE parent_new (id INTEGER PRIMARY KEY, note TEXT) STRICT; INSERT INTO parent_new (id) SELECT id FROM parent; DROP TABLE parent; ALTER TABLE parent_new RENAME TO parent;' };
      const breaks = { version: 3, name: '003_breaks', sql: '-- orderwire: foreign_keys off\nINSERT INTO child VALUES (42);' };
      expect(migrateSqlite(db, [base, rebuild])).toEqual(['001_base', '002_rebuild']);
      expect(() => migrateSqlite(db, [base, rebuild, breaks])).toThrow(expect.objectContaining({ code: 'STORE_MIGRATION_FAILED', message: expect.stringContaining('003_breaks left 1 broken foreign key(s), first in child') }));
      expect(db.all('SELECT parent FROM child').map((r) => r.parent)).toEqual([1]);
      // Foreign keys are on again afterwards.
      expect(() => db.run('INSERT INTO child VALUES (7)')).toThrow();
    } finally {
      db.close();
    }
  });
});

/**
 * 011 drops the vocabulary from SQL (engine/vocabulary/ declares it once): actions.action and
 * orders.status take any non-empty name, so a new action kind or status needs no migration. On
 * SQLite both tables are rebuilt: rows, sequences, indexes and the action-outcome trigger kept.
 */
describe('migration 011: no action kind or status list in SQL', () => {
  const order = (id: string, seq: number, bools: string) => `INSERT INTO orders (id, account, channel, marketplace_order_id, status, marketplace_status, status_unknown, delivered_by_marketplace, created_at, updated_at, version, first_seen_at, last_changed_at, change_seq, content_hash, line_statuses, document, raw)
    VALUES ('${id}', 'w', 'worten', 'M-${id}', 'shipped', 'SHIPPED', ${bools}, '${T}', '${T}', 1, '${T}', '${T}', ${seq}, 'h-${id}', '{}', '{}', '{}')`;
  const action = (id: string, name: string, orderId: string) => `INSERT INTO actions (id, idempotency_key, account, channel, marketplace_order_id, action, state, attempts, next_attempt_at, request, created_at, updated_at)
    VALUES ('${id}', 'k-${id}', 'w', 'worten', 'M-${orderId}', '${name}', 'queued', 0, '${T}', '${REQUEST}', '${T}', '${T}')`;

  it('SQLite: rows and sequences kept, a new kind and status admitted, the outcome webhook still fires', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'orderwire-m011-'));
    dirs.push(dir);
    const file = path.join(dir, 'store.sqlite');
    const db = new SqliteDb(file);
    migrateSqlite(db, before('sqlite', 11));
    db.run(`INSERT INTO webhook_endpoints (id, url, accounts, events, created_at) VALUES ('e1', 'http://127.0.0.1:9/h', '["w"]', '["action.succeeded"]', '${T}')`);
    db.tx(() => {
      db.run(order('o1', 1, '0, 0'));
      db.run(order('o2', 2, '0, 0'));
      db.run(`INSERT INTO order_acks (order_id, account, updated_at) VALUES ('o1', 'w', '${T}')`);
      db.run(action('a1', 'ship', 'o1'));
      db.run(action('a2', 'refund', 'o2'));
    });
    expect(() => db.run(action('a9', 'hold', 'o1'))).toThrow(/CHECK/);
    db.run("DELETE FROM actions WHERE id = 'a2'");
    db.close();

    const store = await openSqliteStore(file);
    try {
      expect(await store.migrate()).toEqual(shippedMigrations('sqlite').filter((m) => m.version >= 11).map((m) => m.name));
    } finally {
      await store.close();
    }
    const migrated = new SqliteDb(file);
    try {
      expect(migrated.all('SELECT id, status FROM orders ORDER BY change_seq')).toEqual([{ id: 'o1', status: 'shipped' }, { id: 'o2', status: 'shipped' }]);
      expect(migrated.all('SELECT seq, id, action FROM actions')).toEqual([{ seq: 1, id: 'a1', action: 'ship' }]);
      // A kind and a status the engine may declare later pass the tables' constraints...
      migrated.run(action('a3', 'hold', 'o1'));
      migrated.run("UPDATE orders SET status = 'on_hold' WHERE id = 'o2'");
      // ...and a deleted action's seq is never handed out again.
      expect(migrated.all("SELECT seq FROM actions WHERE id = 'a3'")).toEqual([{ seq: 3 }]);
      expect(() => migrated.run(action('a4', '', 'o1'))).toThrow(/CHECK/);
      expect(migrated.all("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('orders', 'actions') AND name NOT LIKE 'sqlite_%' ORDER BY name").map((r) => r.name)).toEqual([
        'actions_due', 'actions_order', 'actions_pending_order', 'actions_upload_invoice', 'orders_account_feed', 'orders_account_updated', 'orders_feed', 'orders_personal_data_due', 'orders_status_feed',
      ]);
      migrated.run("UPDATE actions SET state = 'succeeded' WHERE id = 'a1'");
      const events = migrated.all("SELECT type, data FROM webhook_events WHERE type = 'action.succeeded'");
      expect(events).toHaveLength(1);
      expect(JSON.parse(String(events[0]!.data))).toMatchObject({ action_id: 'a1', order_id: 'o1', action: 'ship' });
      expect(migrated.all('PRAGMA foreign_key_check')).toEqual([]);
    } finally {
      migrated.close();
    }
  });

  it.skipIf(SKIP_PG)(`PostgreSQL${SKIP_PG ? ` (${PG_SKIP_REASON})` : ''}`, async () => {
    const { url, schema } = await postgresBefore(11, [`${order('o1', 1, 'false, false')};`, `${action('a1', 'ship', 'o1')};`]);
    const store = await openPostgresStore(url, { schema });
    try {
      expect(await store.migrate()).toContain('011_vocabulary_in_code');
    } finally {
      await store.close();
    }
    await execInSchema(url, schema, `${action('a2', 'hold', 'o1')}; UPDATE orders SET status = 'on_hold' WHERE id = 'o1';`);
    await expect(execInSchema(url, schema, `${action('a3', '', 'o1')};`)).rejects.toThrow(/actions_action_check/);
  });
});
