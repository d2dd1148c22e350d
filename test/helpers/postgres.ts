/**
 * PostgreSQL for tests: ORDERWIRE_TEST_PG_URL names a server (see .ci/postgres-up.sh); each store
 * gets its own throwaway schema so test files and tests never see each other's rows.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEST_PG_URL = process.env.ORDERWIRE_TEST_PG_URL;

/**
 * In CI (CI set to anything but "" or "false") the PostgreSQL suites are part of the gate: without
 * ORDERWIRE_TEST_PG_URL they fail instead of being skipped. On a developer machine they are skipped.
 */
export const PG_REQUIRED = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';

/** Skip the PostgreSQL tests of this file (only outside CI, when no server is named). */
export const SKIP_PG = TEST_PG_URL === undefined && !PG_REQUIRED;

export const PG_SKIP_REASON = 'ORDERWIRE_TEST_PG_URL is not set: PostgreSQL store tests skipped (start one with `bash .ci/postgres-up.sh` and set ORDERWIRE_TEST_PG_URL=postgres://orderwire:orderwire@127.0.0.1:5432/orderwire_test)';

/** The test server's URL; throws (failing the test) when it is not set, as in CI. */
export function requirePostgres(): string {
  if (TEST_PG_URL === undefined) {
    throw new Error('ORDERWIRE_TEST_PG_URL is not set, and in CI the PostgreSQL tests are part of the gate: start a server with `bash .ci/postgres-up.sh` and set ORDERWIRE_TEST_PG_URL=postgres://orderwire:orderwire@127.0.0.1:5432/orderwire_test');
  }
  return TEST_PG_URL;
}

/** A fresh schema name (created by the store's migrate, dropped by dropSchemas). */
export function testSchemaName(prefix = 'test'): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** Runs SQL on the test server with search_path set to `schema`. */
export async function execInSchema(url: string, schema: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await client.end();
  }
}

/** The URL with libpq `options` that put every connection in `schema`. */
export function urlInSchema(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

export async function dropSchemas(url: string, schemas: Iterable<string>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}
