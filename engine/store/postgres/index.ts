/** The PostgreSQL store: several daemons share one database and split the work through it. */
import { shippedMigrations } from '../migrations.ts';
import { bindStore } from '../shared/bind-store.ts';
import type { Store } from '../store.ts';
import * as actions from './actions.ts';
import * as api from './api.ts';
import { PgDb, type PostgresStoreOptions } from './db.ts';
import { appliedVersion, migratePostgres } from './migrate.ts';
import * as orders from './orders.ts';
import * as quarantine from './quarantine.ts';
import * as referenceLists from './reference-lists.ts';
import * as runs from './runs.ts';
import * as privacy from './privacy.ts';
import * as deadlines from './deadlines.ts';
import * as documents from './documents.ts';
import * as sharing from './sharing.ts';
import * as storedFiles from './stored-files.ts';
import * as documentDownloads from './document-downloads.ts';

export type { PostgresStoreOptions } from './db.ts';

/** Opens a pool and checks the server answers (STORE_UNAVAILABLE otherwise, URL redacted). */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<Store> {
  const db = new PgDb(url, options);
  try {
    await db.query('SELECT 1');
  } catch (err) {
    await db.end().catch(() => undefined);
    throw err;
  }
  let closed = false;
  return bindStore(
    db,
    {
      kind: 'postgres',
      // Several daemons share a PostgreSQL store: they share the marketplace's request budgets too.
      capabilities: { sharedBudgets: true },
      migrate: async () => migratePostgres(db),
      async close() {
        if (closed) return;
        closed = true;
        await db.end();
      },
      async ping() {
        if (closed) return false;
        try {
          return (await appliedVersion(db)) === shippedMigrations('postgres').at(-1)?.version;
        } catch {
          return false;
        }
      },
    },
    { ...orders, ...actions, ...runs, ...quarantine, ...referenceLists, ...api, ...sharing, ...privacy, ...deadlines, ...documents, ...storedFiles, ...documentDownloads, countOrders: (d, filter = {}) => orders.countOrders(d, filter) },
  );
}
