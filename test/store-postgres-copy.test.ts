/**
 * The PostgreSQL store's write path below the Store contract: COPY (engine/store/postgres/db.ts
 * copyIn) with large streams, a server refusal in the middle, and a row source that throws, each
 * leaving the transaction's connection usable; the orders table's storage (migrations 018, 019, 020);
 * the webhook events made from a page's events (migration 021).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { PgDb } from '../engine/store/postgres/db.ts';
import { openPostgresStore } from '../engine/store/postgres/index.ts';
import { copyRow } from '../engine/store/postgres/copy-text.ts';
import { at, line, order, T0 } from './helpers/store-orders.ts';
import { dropSchemas, PG_SKIP_REASON, requirePostgres, SKIP_PG, testSchemaName } from './helpers/postgres.ts';

describe.skipIf(SKIP_PG)(`PostgreSQL COPY${SKIP_PG ? ` (${PG_SKIP_REASON})` : ''}`, () => {
  const schemas: string[] = [];
  afterAll(async () => {
    if (!SKIP_PG) await dropSchemas(requirePostgres(), schemas);
  });

  async function freshDb(): Promise<PgDb> {
    const schema = testSchemaName('copy');
    schemas.push(schema);
    const db = new PgDb(requirePostgres(), { schema, max: 1 });
    await db.query(`CREATE SCHEMA ${schema}`);
    await db.query('CREATE TABLE t (n int PRIMARY KEY, body text NOT NULL, doc jsonb)');
    return db;
  }

  /** A migrated store in a schema of its own, and a connection to look at its tables. */
  async function withMigratedStore(test: (store: Awaited<ReturnType<typeof openPostgresStore>>, db: PgDb) => Promise<void>): Promise<void> {
    const schema = testSchemaName('copy');
    schemas.push(schema);
    const store = await openPostgresStore(requirePostgres(), { schema, max: 1 });
    const db = new PgDb(requirePostgres(), { schema, max: 1 });
    try {
      await store.migrate();
      await test(store, db);
    } finally {
      await db.end();
      await store.close();
    }
  }

  const body = (n: number): string => `row ${n}\twith tab\\and backslash\n${'x'.repeat(n % 5000)}`;

  it('streams many chunks (several MB) in one COPY, every text kept exactly', async () => {
    const db = await freshDb();
    try {
      function* rows(): Generator<string> {
        for (let n = 1; n <= 3000; n++) yield copyRow([n, body(n), JSON.stringify({ n, s: body(n) })]);
      }
      await db.tx((q) => q.copyIn('COPY t (n, body, doc) FROM STDIN', rows()));
      const { rows: stored } = await db.query('SELECT n, body, doc FROM t ORDER BY n');
      expect(stored).toHaveLength(3000);
      for (const row of stored) {
        const n = Number(row.n);
        expect(row.body).toBe(body(n));
        expect(row.doc).toEqual({ n, s: body(n) });
      }
    } finally {
      await db.end();
    }
  });

  it('a row the server refuses mid-stream rejects with its SQLSTATE; nothing of the transaction stays and the connection serves the next one', async () => {
    const db = await freshDb();
    try {
      function* rows(): Generator<string> {
        for (let n = 1; n <= 3000; n++) yield copyRow([n === 1500 ? 1 : n, body(n), null]);
      }
      await expect(db.tx(async (q) => {
        await q.query("INSERT INTO t VALUES (0, 'before', null)");
        await q.copyIn('COPY t (n, body, doc) FROM STDIN', rows());
      })).rejects.toMatchObject({ code: 'STORE_CONSTRAINT_VIOLATION' });
      expect((await db.query('SELECT count(*)::int AS n FROM t')).rows[0]!.n).toBe(0);
      await db.tx((q) => q.copyIn('COPY t (n, body, doc) FROM STDIN', [copyRow([7, 'ok', null])]));
      expect((await db.query('SELECT n FROM t')).rows).toEqual([{ n: 7 }]);
    } finally {
      await db.end();
    }
  });

  it('a row source that throws aborts the COPY with its own error; the connection serves the next transaction', async () => {
    const db = await freshDb();
    try {
      function* rows(): Generator<string> {
        for (let n = 1; n <= 3000; n++) {
          if (n === 2000) throw new Error('row source broke');
          yield copyRow([n, body(n), null]);
        }
      }
      await expect(db.tx((q) => q.copyIn('COPY t (n, body, doc) FROM STDIN', rows()))).rejects.toThrow('row source broke');
      await db.tx((q) => q.copyIn('COPY t (n, body, doc) FROM STDIN', [copyRow([8, 'ok', null])]));
      expect((await db.query('SELECT n FROM t')).rows).toEqual([{ n: 8 }]);
    } finally {
      await db.end();
    }
  });

  it('stores document and raw as text and compresses them with lz4 when the server has it (else its default)', async () => {
    await withMigratedStore(async (store, db) => {
      const hasLz4 = await db.query('CREATE TEMP TABLE lz4_probe (a text COMPRESSION lz4)').then(() => true, () => false);
      const { rows } = await db.query(`SELECT attname, format_type(atttypid, atttypmod) AS type, attcompression FROM pg_attribute
        WHERE attrelid = 'orders'::regclass AND attname IN ('document', 'raw') ORDER BY attname`);
      expect(rows).toEqual([
        { attname: 'document', type: 'text', attcompression: hasLz4 ? 'l' : '' },
        { attname: 'raw', type: 'text', attcompression: hasLz4 ? 'l' : '' },
      ]);
    });
  });

  it('turns a page of events into webhook events in seq order, only those worth a webhook (migration 021: once per statement)', async () => {
    await withMigratedStore(async (store, db) => {
      const ids = Array.from({ length: 60 }, (_, i) => `W${i}`);
      await store.commitOrders(ids.slice(0, 30).map((id) => order(id)));
      await store.createWebhookEndpoint({ url: 'http://127.0.0.1:9/hook', accounts: ['worten-pt'], events: ['order.created', 'order.status_changed'] });
      // One page: 30 new orders, 10 accepted (order and line status changes), 20 otherwise changed.
      await store.commitOrders(ids.map((id, i) => (i >= 30 ? order(id)
        : i < 10 ? order(id, { updated_at: at(T0, 60), status: 'accepted', marketplace_status: 'ACCEPTED', lines: [line(`${id}-1`, 'accepted', 'ACCEPTED')] })
          : order(id, { updated_at: at(T0, 60), buyer: { first_name: 'Rita', last_name: 'Silva' } }))));
      const worth = await db.query(`SELECT type, marketplace_order_id FROM order_events WHERE seq > (SELECT max(seq) FROM order_events WHERE marketplace_order_id = 'W29' AND type = 'order.created')
        AND type IN ('order.created', 'order.status_changed') ORDER BY seq`);
      const hooks = await db.query(`SELECT type, data->>'marketplace_order_id' AS marketplace_order_id FROM webhook_events ORDER BY seq`);
      expect(worth.rows).toHaveLength(40);
      expect(hooks.rows).toEqual(worth.rows);
      expect((await db.query('SELECT count(*)::int AS n FROM webhook_deliveries')).rows[0]!.n).toBe(40);
    });
  });
});
