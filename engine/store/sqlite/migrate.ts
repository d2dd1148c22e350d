/**
 * Applies SQLite migrations. Each one runs in a BEGIN IMMEDIATE transaction that first re-reads
 * schema_migrations, so two processes starting together apply each migration once.
 *
 * A migration whose first line is `-- orderwire: foreign_keys off` rebuilds tables (SQLite cannot
 * change a constraint in place): it runs with foreign keys off, as SQLite's documented procedure
 * for schema changes wants, and commits only when `PRAGMA foreign_key_check` finds nothing.
 */
import { failed, shippedMigrations, type Migration, pendingMigrations } from '../migrations.ts';
import type { SqliteDb } from './db.ts';

const BOOTSTRAP = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version    INTEGER PRIMARY KEY,
  name       TEXT    NOT NULL,
  applied_at TEXT    NOT NULL
) STRICT`;

const FOREIGN_KEYS_OFF = /^-- orderwire: foreign_keys off\s*$/m;

export function migrateSqlite(db: SqliteDb, migrations: readonly Migration[] = shippedMigrations('sqlite')): string[] {
  db.exec(BOOTSTRAP);
  const applied: string[] = [];
  for (;;) {
    // The pragma cannot change inside a transaction: look at the next migration first.
    const peek = pendingMigrations(migrations, appliedVersions(db))[0];
    const keysOff = peek !== undefined && FOREIGN_KEYS_OFF.test(peek.sql.split('\n', 1)[0] ?? '');
    if (keysOff) db.exec('PRAGMA foreign_keys = OFF');
    let next: string | undefined;
    try {
      next = db.tx(() => {
        const [migration] = pendingMigrations(migrations, appliedVersions(db));
        if (!migration) return undefined;
        try {
          db.exec(migration.sql);
        } catch (err) {
          throw failed(`migration ${migration.name} failed (rolled back)`, err);
        }
        const broken = keysOff ? db.all('PRAGMA foreign_key_check') : [];
        if (broken.length > 0) throw failed(`migration ${migration.name} left ${broken.length} broken foreign key(s), first in ${String(broken[0]!.table)} (rolled back)`, undefined);
        db.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', migration.version, migration.name, new Date().toISOString());
        return migration.name;
      });
    } finally {
      if (keysOff) db.exec('PRAGMA foreign_keys = ON');
    }
    if (next === undefined) return applied;
    applied.push(next);
  }
}

export function appliedVersions(db: SqliteDb): Map<number, string> {
  return new Map(db.all('SELECT version, name FROM schema_migrations ORDER BY version').map((row) => [Number(row.version), String(row.name)]));
}
