/**
 * Applies SQLite migrations. Each one runs in a BEGIN IMMEDIATE transaction that first re-reads
 * schema_migrations, so two processes starting together apply each migration once.
 */
import { failed, shippedMigrations, type Migration, pendingMigrations } from '../migrations.ts';
import type { SqliteDb } from './db.ts';

const BOOTSTRAP = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version    INTEGER PRIMARY KEY,
  name       TEXT    NOT NULL,
  applied_at TEXT    NOT NULL
) STRICT`;

export function migrateSqlite(db: SqliteDb, migrations: readonly Migration[] = shippedMigrations('sqlite')): string[] {
  db.exec(BOOTSTRAP);
  const applied: string[] = [];
  for (;;) {
    const next = db.tx(() => {
      const [migration] = pendingMigrations(migrations, appliedVersions(db));
      if (!migration) return undefined;
      try {
        db.exec(migration.sql);
      } catch (err) {
        throw failed(`migration ${migration.name} failed (rolled back)`, err);
      }
      db.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', migration.version, migration.name, new Date().toISOString());
      return migration.name;
    });
    if (next === undefined) return applied;
    applied.push(next);
  }
}

export function appliedVersions(db: SqliteDb): Map<number, string> {
  return new Map(db.all('SELECT version, name FROM schema_migrations ORDER BY version').map((row) => [Number(row.version), String(row.name)]));
}
