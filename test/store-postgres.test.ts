/** The Store contract on PostgreSQL: one fresh schema per store opened. */
import { afterAll, describe, it } from 'vitest';
import { openPostgresStore } from '../engine/store/postgres/index.ts';
import type { Store } from '../engine/store/store.ts';
import { dropSchemas, execInSchema, PG_SKIP_REASON, requirePostgres, SKIP_PG, testSchemaName } from './helpers/postgres.ts';
import { describeStoreSuite } from './store-suite.ts';

if (SKIP_PG) {
  console.warn(PG_SKIP_REASON);
  describe.skip(`Store contract: postgres (${PG_SKIP_REASON})`, () => {
    it('needs a PostgreSQL server', () => undefined);
  });
} else {
  const url = requirePostgres();
  const schemaOf = new WeakMap<Store, string>();
  const schemas: string[] = [];
  afterAll(() => dropSchemas(url, schemas));

  describeStoreSuite(
    'postgres',
    async () => {
      const schema = testSchemaName();
      schemas.push(schema);
      const store = await openPostgresStore(url, { schema, max: 4 });
      schemaOf.set(store, schema);
      return store;
    },
    {
      async failInsertsOf(store, marketplaceOrderId) {
        await execInSchema(url, schemaOf.get(store)!, `
          CREATE FUNCTION fail_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$;
          CREATE TRIGGER fail_insert BEFORE INSERT ON orders FOR EACH ROW WHEN (NEW.marketplace_order_id = '${marketplaceOrderId}') EXECUTE FUNCTION fail_insert();`);
      },
    },
  );
}
