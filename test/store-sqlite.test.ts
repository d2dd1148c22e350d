/** The Store contract on SQLite: a fresh database file per store opened, in a temp folder. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll } from 'vitest';
import { openSqliteStore } from '../engine/store/sqlite/index.ts';
import type { Store } from '../engine/store/store.ts';
import { describeStoreSuite } from './store-suite.ts';

const dir = mkdtempSync(join(tmpdir(), 'orderwire-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fileOf = new WeakMap<Store, string>();
let n = 0;

describeStoreSuite(
  'sqlite',
  async () => {
    const file = join(dir, `store-${++n}`, 'orderwire.sqlite');
    const store = await openSqliteStore(file);
    fileOf.set(store, file);
    return store;
  },
  {
    async failInsertsOf(store, marketplaceOrderId) {
      // A second connection, as an operator's script would: the store sees the schema change.
      const db = new DatabaseSync(fileOf.get(store)!);
      db.exec(`CREATE TRIGGER fail_insert BEFORE INSERT ON orders WHEN NEW.marketplace_order_id = '${marketplaceOrderId}'
        BEGIN SELECT RAISE(ABORT, 'injected failure'); END`);
      db.close();
    },
  },
);
