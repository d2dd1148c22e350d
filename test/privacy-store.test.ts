/**
 * Personal data retention and erasure in the store, on SQLite and PostgreSQL: what is redacted
 * (every table is dumped and searched for the buyer's values), what stays, the mark, and that a
 * redacted order polled again (same or changed) never brings the personal data back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { NormalizedOrder } from '../engine/order/model.ts';
import { openPostgresStore } from '../engine/store/postgres/index.ts';
import { openSqliteStore } from '../engine/store/sqlite/index.ts';
import type { Store } from '../engine/store/store.ts';
import { dropSchemas, PG_SKIP_REASON, requirePostgres, SKIP_PG, testSchemaName, urlInSchema } from './helpers/postgres.ts';
import { line, order } from './store-suite.ts';

const ANA = { email: 'Ana.Silva@example.pt', first: 'Ana-Maria', last: 'Silvestre', phone: '+351911222333', street: 'Rua Augusta 12', zip: '1100-053', city: 'Lisboa', customer: 'CUST-99172' };
const BOB = { email: 'bob.marley@example.fr', first: 'Robert', last: 'Marleyson', phone: '+33611223344', street: '12 rue de Rivoli', zip: '75004', city: 'Paris', customer: 'CUST-55120' };
type Person = typeof ANA;

function personal(p: Person): string[] {
  return [p.email, p.first, p.last, p.phone, p.street, p.zip, p.customer].map((v) => v.toLowerCase());
}

function mirakl(id: string, p: Person, status: NormalizedOrder['status'], overrides: Partial<NormalizedOrder> = {}): NormalizedOrder {
  const address = { firstname: p.first, lastname: p.last, street_1: p.street, zip_code: p.zip, city: p.city, phone: p.phone, country_iso_code: 'PRT' };
  return order(id, {
    status,
    marketplace_status: status.toUpperCase(),
    lines: [line(`${id}-1`, status, status.toUpperCase())],
    buyer: { id: p.customer, first_name: p.first, last_name: p.last, email: p.email, phone: p.phone, locale: 'pt_PT' },
    billing_address: { name: `${p.first} ${p.last}`, street_1: p.street, zip_code: p.zip, city: p.city, country: 'PT', phone: p.phone },
    shipping_address: { name: `${p.first} ${p.last}`, street_1: p.street, zip_code: p.zip, city: p.city, country: 'PT' },
    raw: {
      order_id: id,
      order_state: status.toUpperCase(),
      customer_notification_email: p.email,
      customer: { customer_id: p.customer, firstname: p.first, lastname: p.last, billing_address: address, shipping_address: address },
      order_lines: [{ offer_sku: 'KETTLE-1', product_title: 'Electric kettle 1.7 l', quantity: 1, price: 10 }],
      note: `deliver to ${p.first} ${p.last}`,
    },
    ...overrides,
  });
}

interface Harness {
  open(): Promise<Store>;
  /** Every row of every table, as JSON text, lowercased. */
  dump(store: Store): Promise<string>;
}

function suite(name: string, harness: () => Harness): void {
  describe(`personal data retention and erasure: ${name}`, () => {
    it('redacts orders in a final status whose retention passed, in the order, its raw payload and every table; the rest stays', async () => {
      const h = harness();
      const store = await h.open();
      try {
        await store.commitOrders([mirakl('R-1', ANA, 'closed'), mirakl('R-2', BOB, 'shipped')]);
        expect(await store.redactExpiredPersonalData('2000-01-01T00:00:00Z')).toBe(0);
        const before = await h.dump(store);
        for (const value of [...personal(ANA), ...personal(BOB)]) expect(before).toContain(value);

        const cutoff = new Date(Date.now() + 60_000).toISOString();
        expect(await store.redactExpiredPersonalData(cutoff)).toBe(1);
        expect(await store.redactExpiredPersonalData(cutoff)).toBe(0);

        const after = await h.dump(store);
        for (const value of personal(ANA)) expect(after, value).not.toContain(value);
        // Not in a final status: kept.
        for (const value of personal(BOB)) expect(after, value).toContain(value);

        const redacted = (await store.getOrder('worten-pt', 'worten', 'R-1'))!;
        expect(redacted.personal_data_redacted_at).toMatch(/^\d{4}-\d\d-\d\dT/);
        expect(redacted.order.buyer).toEqual({ locale: 'pt_PT' });
        expect(redacted.order.shipping_address).toEqual({ country: 'PT' });
        expect(redacted.order.lines[0]!.title).toBe('Item R-1-1');
        expect(redacted.order.totals.total).toBe(12);
        const raw = redacted.order.raw as { order_lines: { product_title: string }[]; customer: { billing_address: Record<string, unknown> }; order_state: string };
        expect(raw.order_lines[0]!.product_title).toBe('Electric kettle 1.7 l');
        expect(raw.order_state).toBe('CLOSED');
        expect(raw.customer.billing_address.city).toBe('[redacted]');
        expect((await store.getOrder('worten-pt', 'worten', 'R-2'))!.personal_data_redacted_at).toBeUndefined();
      } finally {
        await store.close();
      }
    });

    it('keeps a redacted order redacted when the marketplace sends it again, unchanged or changed', async () => {
      const h = harness();
      const store = await h.open();
      try {
        const closed = mirakl('R-3', ANA, 'closed');
        await store.commitOrders([closed]);
        expect(await store.redactExpiredPersonalData(new Date(Date.now() + 60_000).toISOString())).toBe(1);
        const marked = (await store.getOrder('worten-pt', 'worten', 'R-3'))!;

        expect(await store.commitOrders([closed])).toMatchObject({ unchanged: 1 });
        const changed = mirakl('R-3', ANA, 'refunded', { updated_at: '2025-03-09T10:00:00.000Z' });
        expect(await store.commitOrders([changed])).toMatchObject({ updated: 1 });

        const stored = (await store.getOrder('worten-pt', 'worten', 'R-3'))!;
        expect(stored.version).toBe(2);
        expect(stored.order.status).toBe('refunded');
        expect(stored.personal_data_redacted_at).toBe(marked.personal_data_redacted_at);
        const dump = await h.dump(store);
        for (const value of personal(ANA)) expect(dump, value).not.toContain(value);
      } finally {
        await store.close();
      }
    });

    it('erases a data subject by e-mail, whatever the case and status, within the accounts given', async () => {
      const h = harness();
      const store = await h.open();
      try {
        await store.commitOrders([
          mirakl('E-1', ANA, 'waiting_acceptance'),
          mirakl('E-2', { ...ANA, email: ANA.email.toUpperCase() }, 'shipped'),
          mirakl('E-3', BOB, 'closed'),
          mirakl('E-4', ANA, 'closed', { account: 'worten-es' }),
        ]);
        const scoped = await store.erasePersonalData({ buyer_email: ' ana.silva@EXAMPLE.pt ', accounts: ['worten-pt'] });
        expect(scoped).toHaveLength(2);
        const e1 = (await store.getOrder('worten-pt', 'worten', 'E-1'))!;
        expect(scoped).toContain(e1.id);
        expect(e1.personal_data_redacted_at).toBeDefined();
        expect((await store.getOrder('worten-es', 'worten', 'E-4'))!.order.buyer.email).toBe(ANA.email);
        expect((await store.getOrder('worten-pt', 'worten', 'E-3'))!.order.buyer.email).toBe(BOB.email);

        expect(await store.erasePersonalData({ buyer_email: ANA.email })).toHaveLength(1);
        expect(await store.erasePersonalData({ buyer_email: ANA.email })).toEqual([]);
        const dump = await h.dump(store);
        for (const value of personal(ANA)) expect(dump, value).not.toContain(value);
        for (const value of personal(BOB)) expect(dump, value).toContain(value);
        await expect(store.erasePersonalData({ buyer_email: '' })).rejects.toMatchObject({ code: 'STORE_ARGUMENT_INVALID' });
      } finally {
        await store.close();
      }
    });

    it('covers quarantined payloads: erasure redacts those naming the e-mail (within the accounts), retention drops those not listed since', async () => {
      const h = harness();
      const store = await h.open();
      try {
        const held = (id: string, p: Person, account = 'worten-pt') => ({ account, channel: 'worten', marketplace_order_id: id, code: 'ORDER_UNMAPPABLE', reason: 'currency: missing', raw: { ...mirakl(id, p, 'waiting_acceptance').raw as object, currency_iso_code: null } });
        await store.quarantineRecords([held('Q-1', ANA), held('Q-2', BOB), held('Q-3', ANA, 'worten-es')]);
        expect(await store.erasePersonalData({ buyer_email: 'ANA.silva@example.pt', accounts: ['worten-pt'] })).toEqual([]);
        const rows = (await store.listQuarantine({})).items;
        const raw = (id: string) => JSON.stringify(rows.find((r) => r.marketplace_order_id === id)!.raw).toLowerCase();
        for (const value of personal(ANA)) {
          expect(raw('Q-1'), value).not.toContain(value);
          expect(raw('Q-3'), value).toContain(value);
        }
        for (const value of personal(BOB)) expect(raw('Q-2'), value).toContain(value);
        // Still quarantined, with what identifies the record and why.
        expect(rows.find((r) => r.marketplace_order_id === 'Q-1')).toMatchObject({ code: 'ORDER_UNMAPPABLE', reason: 'currency: missing' });
        expect(raw('Q-1')).toContain('kettle');

        await store.erasePersonalData({ buyer_email: ANA.email });
        const dump = await h.dump(store);
        for (const value of personal(ANA)) expect(dump, value).not.toContain(value);

        // Not listed again for the retention period: gone. Seen since: kept.
        expect(await store.redactExpiredPersonalData('2000-01-01T00:00:00Z')).toBe(0);
        expect(await store.redactExpiredPersonalData(new Date(Date.now() + 60_000).toISOString())).toBe(3);
        expect((await store.listQuarantine({})).items).toEqual([]);
        for (const value of personal(BOB)) expect(await h.dump(store), value).not.toContain(value);
      } finally {
        await store.close();
      }
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'orderwire-privacy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

suite('sqlite', () => {
  const file = join(dir, `privacy-${++n}.sqlite`);
  return {
    async open() {
      const store = await openSqliteStore(file);
      await store.migrate();
      return store;
    },
    async dump() {
      const db = new DatabaseSync(file);
      try {
        const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((r) => String(r.name));
        return tables.map((t) => JSON.stringify(db.prepare(`SELECT * FROM "${t}"`).all())).join('\n').toLowerCase();
      } finally {
        db.close();
      }
    },
  };
});

if (SKIP_PG) {
  describe.skip(`personal data retention and erasure: postgres (${PG_SKIP_REASON})`, () => {
    it('needs a PostgreSQL server', () => undefined);
  });
} else {
  const url = requirePostgres();
  const schemas: string[] = [];
  afterAll(() => dropSchemas(url, schemas));
  suite('postgres', () => {
    const schema = testSchemaName('privacy');
    schemas.push(schema);
    return {
      async open() {
        const store = await openPostgresStore(url, { schema, max: 2 });
        await store.migrate();
        return store;
      },
      async dump() {
        const client = new pg.Client({ connectionString: urlInSchema(url, schema) });
        await client.connect();
        try {
          const { rows } = await client.query('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [schema]);
          const out: string[] = [];
          for (const { table_name: t } of rows) out.push(JSON.stringify((await client.query(`SELECT * FROM "${t}"`)).rows));
          return out.join('\n').toLowerCase();
        } finally {
          await client.end();
        }
      },
    };
  });
}
