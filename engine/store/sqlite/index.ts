/**
 * The SQLite store: the embedded default, one file, one daemon (other processes such as the CLI
 * may share the file; SQLite serializes their writes).
 */
import { shippedMigrations } from '../migrations.ts';
import { bindStore } from '../shared/bind-store.ts';
import type { Store } from '../store.ts';
import * as actions from './actions.ts';
import * as api from './api.ts';
import { SqliteDb } from './db.ts';
import { appliedVersions, migrateSqlite } from './migrate.ts';
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

export async function openSqliteStore(file: string): Promise<Store> {
  const db = new SqliteDb(file);
  return bindStore(
    db,
    {
      kind: 'sqlite',
      // A daemon and one-off CLI syncs may share a file: the marketplace's ceilings (Mirakl OR11
      // once a minute) hold for all of them. A budget is one short BEGIN IMMEDIATE per budgeted
      // request, and OR11 counts once per listing, not per page.
      capabilities: { sharedBudgets: true },
      migrate: async () => migrateSqlite(db),
      close: async () => db.close(),
      async ping() {
        if (!db.isOpen) return false;
        try {
          const latest = shippedMigrations('sqlite').at(-1)?.version ?? 0;
          return Math.max(0, ...appliedVersions(db).keys()) === latest;
        } catch {
          return false;
        }
      },
    },
    { ...orders, ...actions, ...runs, ...quarantine, ...referenceLists, ...api, ...sharing, ...privacy, ...deadlines, ...documents, ...storedFiles, ...documentDownloads, countOrders: (d, filter = {}) => orders.countOrders(d, filter) },
  );
}
