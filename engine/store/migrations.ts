/**
 * Numbered plain-SQL migrations: engine/store/migrations/<dialect>/NNN_name.sql. Both dialects
 * carry the same numbers and names (a test checks it); each file runs once, in its own
 * transaction, and is recorded in schema_migrations.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { OrderwireError } from '../errors.ts';

/** A driver's SQL dialect: the folder of its migrations. */
export type Dialect = 'sqlite' | 'postgres';

export interface Migration {
  version: number;
  /** File name without .sql, e.g. 001_initial. */
  name: string;
  sql: string;
}

const FILE = /^(\d{3})_([a-z0-9_]+)\.sql$/;

export function migrationsDir(dialect: Dialect): URL {
  return new URL(`./migrations/${dialect}/`, import.meta.url);
}

const loaded = new Map<Dialect, Migration[]>();

/** The shipped migrations of a dialect (read once per process). */
export function shippedMigrations(dialect: Dialect): Migration[] {
  let migrations = loaded.get(dialect);
  if (!migrations) {
    migrations = loadMigrations(dialect);
    loaded.set(dialect, migrations);
  }
  return migrations;
}

export function loadMigrations(dialect: Dialect, dir: URL = migrationsDir(dialect)): Migration[] {
  const migrations: Migration[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.sql')) continue;
    const match = FILE.exec(file);
    if (!match) throw failed(`${dialect} migration file ${file} is not named NNN_name.sql (lower case)`);
    migrations.push({ version: Number(match[1]), name: file.slice(0, -4), sql: readFileSync(new URL(file, dir), 'utf8') });
  }
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw failed(`${dialect} migrations must be numbered 001, 002, ... without gaps or repeats; found ${m.name} at position ${i + 1}`);
  });
  return migrations;
}

/** What to apply, given the versions and names already recorded. */
export function pendingMigrations(all: readonly Migration[], applied: ReadonlyMap<number, string>): Migration[] {
  for (const [version, name] of applied) {
    const known = all[version - 1];
    if (!known) {
      throw new OrderwireError('STORE_SCHEMA_NEWER', `the store has migration ${name} but this orderwire only knows up to ${all.at(-1)?.name ?? 'none'}`, { version, name });
    }
    if (known.name !== name) throw failed(`the store recorded migration ${version} as ${name}, this orderwire calls it ${known.name}`);
  }
  return all.filter((m) => !applied.has(m.version));
}

export function failed(message: string, cause?: unknown): OrderwireError {
  const reason = cause === undefined ? '' : `: ${cause instanceof Error ? cause.message : String(cause)}`;
  return new OrderwireError('STORE_MIGRATION_FAILED', `${message}${reason}`, {}, cause === undefined ? undefined : { cause });
}
