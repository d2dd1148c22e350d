/**
 * Migration 004 moves the unsure flag that earlier versions kept inside an action's `result`
 * (which the API and webhooks serve) into the worker's own `progress`, on both stores.
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

const VERSION = 4;
const before = (dialect: 'sqlite' | 'postgres') => shippedMigrations(dialect).filter((m) => m.version < VERSION);
const REQUEST = JSON.stringify({ channel: 'worten', account: 'w', marketplace_order_id: 'O1', action: 'accept', status: 'waiting_acceptance', lines: null, data: {} });
const T = '2026-01-01T00:00:00.000Z';

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
    migrateSqlite(db, before('sqlite'));
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
    const url = requirePostgres();
    const schema = testSchemaName('m004');
    schemas.push(schema);
    await createSchema(url, schema);
    const sql = [
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL);',
      ...before('postgres').flatMap((m) => [m.sql, `INSERT INTO schema_migrations VALUES (${m.version}, '${m.name}', now());`]),
      `INSERT INTO actions (id, idempotency_key, account, channel, marketplace_order_id, action, state, attempts, next_attempt_at, request, result, created_at, updated_at)
        VALUES ('a1', 'k1', 'w', 'worten', 'O1', 'accept', 'queued', 1, '${T}', '${REQUEST}', '{"ambiguous": true, "message": "reset"}', '${T}', '${T}');`,
    ].join('\n');
    await execInSchema(url, schema, sql);
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
