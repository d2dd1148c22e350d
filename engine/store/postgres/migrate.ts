/**
 * Applies PostgreSQL migrations under a session advisory lock, so several daemons starting
 * together migrate once: the first applies, the others wait, then find nothing pending. Each
 * migration runs in its own transaction with its schema_migrations row.
 */
import { failed, type Migration, pendingMigrations, shippedMigrations } from '../migrations.ts';
import type { PgDb } from './db.ts';

const BOOTSTRAP = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version    INTEGER     PRIMARY KEY,
  name       TEXT        NOT NULL,
  applied_at TIMESTAMPTZ NOT NULL
)`;

export async function migratePostgres(db: PgDb, migrations: readonly Migration[] = shippedMigrations('postgres')): Promise<string[]> {
  // Keyed by schema: migrations of different schemas (tests, tenants) do not wait on each other.
  const lockKey = db.schema !== undefined ? `hashtext('orderwire:migrate:${db.schema}')` : `hashtext('orderwire:migrate:' || current_schema())`;
  return db.withClient(async (client) => {
    try {
      await client.query(`SELECT pg_advisory_lock(${lockKey})`);
    } catch (err) {
      throw db.translate(err);
    }
    try {
      if (db.schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS ${db.schema}`);
      await client.query(BOOTSTRAP);
      const { rows } = await client.query('SELECT version, name FROM schema_migrations ORDER BY version');
      const pending = pendingMigrations(migrations, new Map(rows.map((r: { version: number; name: string }) => [Number(r.version), r.name])));
      const applied: string[] = [];
      for (const migration of pending) {
        try {
          await client.query('BEGIN');
          await client.query(migration.sql);
          await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, now())', [migration.version, migration.name]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw failed(`migration ${migration.name} failed (rolled back)`, err);
        }
        applied.push(migration.name);
      }
      return applied;
    } catch (err) {
      throw db.translate(err);
    } finally {
      await client.query(`SELECT pg_advisory_unlock(${lockKey})`).catch(() => undefined);
    }
  });
}

/** Highest applied version, or undefined when the store was never migrated. */
export async function appliedVersion(db: PgDb): Promise<number | undefined> {
  const { rows } = await db.query(`SELECT max(version) AS v FROM schema_migrations`);
  return rows[0]?.v === null || rows[0]?.v === undefined ? undefined : Number(rows[0].v);
}
