/**
 * The order's document as text on PostgreSQL (migration 020): stored exactly as the engine wrote
 * it (no jsonb round trip), its deadlines in columns of their own written with every insert and
 * update (the due_before filter and the deadline alerts read them), updated rows compressed as
 * inserted ones (the updates' temporary table), and a store holding jsonb documents upgraded with
 * nothing lost.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { shippedMigrations } from '../engine/store/migrations.ts';
import { PgDb } from '../engine/store/postgres/db.ts';
import { openPostgresStore } from '../engine/store/postgres/index.ts';
import { migratePostgres } from '../engine/store/postgres/migrate.ts';
import { prepareOrder } from '../engine/store/shared/prepare-order.ts';
import type { Store } from '../engine/store/store.ts';
import { dropSchemas, PG_SKIP_REASON, requirePostgres, SKIP_PG, testSchemaName } from './helpers/postgres.ts';
import { at, line, order, T0 } from './helpers/store-orders.ts';

const ACCEPT_BY = '2025-03-02T10:00:00.000Z';
const SHIP_BY = '2025-03-04T18:00:00.000Z';
const LEADS = { acceptance: 3_600_000, shipping: 3_600_000 };

describe.skipIf(SKIP_PG)(`PostgreSQL document text${SKIP_PG ? ` (${PG_SKIP_REASON})` : ''}`, () => {
  const schemas: string[] = [];
  afterAll(async () => {
    if (!SKIP_PG) await dropSchemas(requirePostgres(), schemas);
  });

  async function open(): Promise<{ store: Store; db: PgDb }> {
    const schema = testSchemaName('doctext');
    schemas.push(schema);
    const db = new PgDb(requirePostgres(), { schema, max: 1 });
    const store = await openPostgresStore(requirePostgres(), { schema, max: 2 });
    return { store, db };
  }

  const stored = async (db: PgDb, id: string) =>
    (await db.query(`SELECT document, acceptance_deadline, shipping_deadline, pg_column_compression(document) AS compression FROM orders WHERE marketplace_order_id = $1`, [id])).rows[0]!;

  it('keeps the engine\'s document text byte for byte and its deadlines in columns, on insert and on update', async () => {
    const { store, db } = await open();
    try {
      await store.migrate();
      const hasLz4 = await db.query('CREATE TEMP TABLE lz4_probe (a text COMPRESSION lz4)').then(() => true, () => false);
      // Large enough (several KB) for the server to compress it; a deadline given with an offset is stored canonical.
      const lines = Array.from({ length: 40 }, (_, i) => ({ ...line(`D1-${i}`), title: `é\t"quoted"\\ ${i} `.repeat(20) }));
      const first = order('D1', { acceptance_deadline: '2025-03-02T11:00:00+01:00', shipping_deadline: SHIP_BY, lines });
      await store.commitOrders([first]);
      let row = await stored(db, 'D1');
      expect(row.document).toBe(prepareOrder(first, 'order').document);
      expect([row.acceptance_deadline, row.shipping_deadline]).toEqual([ACCEPT_BY, SHIP_BY]);
      if (hasLz4) expect(row.compression).toBe('lz4');

      const second = order('D1', { updated_at: at(T0, 60), shipping_deadline: '2025-03-05T18:00:00.000Z', lines });
      expect(await store.commitOrders([second])).toMatchObject({ updated: 1 });
      row = await stored(db, 'D1');
      expect(row.document).toBe(prepareOrder(second, 'order').document);
      expect([row.acceptance_deadline, row.shipping_deadline]).toEqual([null, '2025-03-05T18:00:00.000Z']);
      if (hasLz4) expect(row.compression).toBe('lz4');
      expect((await store.getOrder('worten-pt', 'worten', 'D1'))?.order).toEqual(second);
      // The feed serves the stored text as it is.
      expect((await store.listOrderDocuments({})).items[0]!.document).toBe(row.document);
    } finally {
      await db.end();
      await store.close();
    }
  });

  it('upgrades a store holding jsonb documents: deadlines extracted, documents kept, the filters and alerts find them', async () => {
    const { store, db } = await open();
    try {
      await migratePostgres(db, shippedMigrations('postgres').filter((m) => m.version < 20));
      const insert = `INSERT INTO orders (id, account, channel, marketplace_order_id, status, marketplace_status, status_unknown, delivered_by_marketplace, created_at, updated_at,
        version, first_seen_at, last_changed_at, change_seq, content_hash, line_statuses, document, raw)
        VALUES ($1, 'worten-pt', 'worten', $1, 'waiting_acceptance', 'WAITING_ACCEPTANCE', false, false, $2, $2, 1, $2, $2, $3, 'h', '{}', $4::jsonb, '{}')`;
      const due = order('OLD-DUE', { acceptance_deadline: ACCEPT_BY, shipping_deadline: SHIP_BY });
      const later = order('OLD-LATER');
      const { raw: _dueRaw, ...dueDocument } = due;
      const { raw: _laterRaw, ...laterDocument } = later;
      await db.query(insert, ['OLD-DUE', T0, 1, JSON.stringify(dueDocument)]);
      await db.query(insert, ['OLD-LATER', T0, 2, JSON.stringify(laterDocument)]);

      expect(await store.migrate()).toContain('020_document_text');
      const type = await db.query(`SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attname = 'document'`);
      expect(type.rows[0]!.type).toBe('text');
      expect([(await stored(db, 'OLD-DUE')).acceptance_deadline, (await stored(db, 'OLD-DUE')).shipping_deadline]).toEqual([ACCEPT_BY, SHIP_BY]);
      expect((await stored(db, 'OLD-LATER')).acceptance_deadline).toBeNull();
      expect((await store.getOrderById('OLD-DUE'))?.order).toEqual({ ...due, raw: {} });
      expect(JSON.parse((await store.listOrderDocuments({})).items[1]!.document)).toEqual(laterDocument);

      expect((await store.listOrders({ due_before: '2025-03-03T00:00:00.000Z' })).items.map((o) => o.id)).toEqual(['OLD-DUE']);
      const alerts = await store.recordDeadlineAlerts(new Date('2025-03-02T09:30:00.000Z'), LEADS);
      expect(alerts.map((a) => [a.order_id, a.kind, a.deadline])).toEqual([['OLD-DUE', 'acceptance', ACCEPT_BY]]);
    } finally {
      await db.end();
      await store.close();
    }
  });

  it('finds an erased buyer by an e-mail JSON escapes, and stores (and passes over) a document holding \\u0000 as SQLite does', async () => {
    const { store, db } = await open();
    try {
      await store.migrate();
      const odd = order('E1', { buyer: { first_name: 'Seán', last_name: "O'Brien", email: ' Sean"O\\Brien@Example.IE ' } });
      const nul = order('E2', { buyer: { first_name: 'a\u0000b', last_name: 'Silva', email: 'other@example.pt' } });
      expect(await store.commitOrders([odd, nul])).toMatchObject({ inserted: 2 });
      expect((await store.getOrder('worten-pt', 'worten', 'E2'))?.order.buyer?.first_name).toBe('a\u0000b');
      expect(await store.erasePersonalData({ buyer_email: 'sean"o\\brien@example.ie' })).toEqual([(await store.getOrder('worten-pt', 'worten', 'E1'))!.id]);
      expect(JSON.stringify((await store.getOrder('worten-pt', 'worten', 'E1'))?.order)).not.toContain('Brien');
      expect((await store.getOrder('worten-pt', 'worten', 'E2'))?.personal_data_redacted_at).toBeUndefined();
    } finally {
      await db.end();
      await store.close();
    }
  });
});
