/**
 * Migration NNN_ack_resource (SQLite; a no-op on PostgreSQL, whose feed renders acknowledgements in
 * JavaScript): acknowledgements stored before it get `resource`, the text the feed shows, and its
 * triggers keep it current on every later insert and change, so the feed serves each
 * acknowledgement as the order route does (test/api-feed-items.test.ts checks that over HTTP).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { shippedMigrations } from '../engine/store/migrations.ts';
import { SqliteDb } from '../engine/store/sqlite/db.ts';
import { migrateSqlite } from '../engine/store/sqlite/migrate.ts';
import { openSqliteStore } from '../engine/store/sqlite/index.ts';

const T = '2026-01-01T00:00:00.000Z';
const ACK_RESOURCE = shippedMigrations('sqlite').find((m) => m.name.endsWith('_ack_resource'))!;
const CLOSINGS = { absent: ',"c":0}', true: ',"c":1}', false: ',"c":2}' };

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe(`migration ${ACK_RESOURCE.name}`, () => {
  it('backfills the acknowledgements stored before it, and keeps them current after', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'orderwire-ack-resource-'));
    dirs.push(dir);
    const file = path.join(dir, 'store.sqlite');
    const db = new SqliteDb(file);
    migrateSqlite(db, shippedMigrations('sqlite').filter((m) => m.version < ACK_RESOURCE.version));
    ['o1', 'o2', 'o3'].forEach((id, i) => db.run(`INSERT INTO orders (id, account, channel, marketplace_order_id, status, marketplace_status, status_unknown, delivered_by_marketplace,
      created_at, updated_at, version, first_seen_at, last_changed_at, change_seq, content_hash, line_statuses, document, raw)
      VALUES (?, 'w', 'worten', ?, 'shipped', 'SHIPPED', 0, 0, ?, ?, 2, ?, ?, ?, ?, '{}', ?, '{}')`, id, id, T, T, T, T, i + 1, `h${id}`, JSON.stringify({ marketplace_order_id: id })));
    db.run(`INSERT INTO order_acks (order_id, account, reference, acknowledged_version, acknowledged_at, updated_at) VALUES ('o1', 'w', 'ERP "1"', 1, ?, ?)`, T, T);
    db.run(`INSERT INTO order_acks (order_id, account, import_error, import_error_at, updated_at) VALUES ('o2', 'w', 'SKU unknown', ?, ?)`, T, T);
    db.close();

    const store = await openSqliteStore(file);
    try {
      expect(await store.migrate()).toEqual([ACK_RESOURCE.name, ...shippedMigrations('sqlite').filter((m) => m.version > ACK_RESOURCE.version).map((m) => m.name)]);
      const feed = async () => {
        const page = await store.listOrderFeed({ limit: 10 }, { flag_action: 'upload_invoice', closings: CLOSINGS });
        if (!('body' in page)) throw new Error('expected a final page');
        return Object.fromEntries((JSON.parse(page.body.toString('utf8')) as { items: Array<{ id: string; acknowledgement: unknown }> }).items.map((i) => [i.id, i.acknowledgement]));
      };
      expect(await feed()).toEqual({
        o1: { reference: 'ERP "1"', acknowledged_version: 1, acknowledged_at: T },
        o2: { import_error: 'SKU unknown', import_error_at: T },
        o3: null,
      });
      await store.acknowledgeOrder({ order_id: 'o2', account: 'w', reference: 'ERP-2', version: 2 });
      await store.reportImportError({ order_id: 'o1', account: 'w', message: 'later' });
      await store.acknowledgeOrder({ order_id: 'o3', account: 'w', reference: 'ERP-3', version: 1 });
      const acks = await store.getAcknowledgements(['o1', 'o2', 'o3']);
      const resource = (id: string) => {
        const { order_id: _o, account: _a, ...rest } = acks.get(id)!;
        return rest;
      };
      expect(await feed()).toEqual({ o1: resource('o1'), o2: resource('o2'), o3: resource('o3') });
      expect(resource('o2')).toMatchObject({ reference: 'ERP-2', acknowledged_version: 2, import_error: 'SKU unknown' });
    } finally {
      await store.close();
    }
  });
});
