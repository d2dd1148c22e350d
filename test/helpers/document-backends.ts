/**
 * The document store's backends for tests that run against each (config `documents.store`): the
 * file system beside an SQLite store (the default), the database on SQLite, the database on
 * PostgreSQL (a throwaway schema on ORDERWIRE_TEST_PG_URL; skipped without it outside CI). Each
 * gives the config lines of its store and documents, the environment they need, and
 * `footprint()`: everything the document store holds (files in the directory, or document rows
 * plus chunk rows), so a test asserts that a refused upload left nothing behind, not even a chunk.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { createSchema, dropSchemas, PG_SKIP_REASON, SKIP_PG, testSchemaName, TEST_PG_URL, urlInSchema } from './postgres.ts';

export interface DocumentBackendSetup {
  /** The configuration's `store:` and `documents:` lines. */
  lines: string[];
  /** Environment the configuration reads (the PostgreSQL URL). */
  env: Record<string, string>;
  /** How many documents, files and chunks the document store holds. */
  footprint(): Promise<{ documents: number; chunks: number; files: number }>;
  /** Whether document `id` is where this backend keeps documents, and only there (no file for the database). */
  holds(id: string): Promise<boolean>;
  close(): Promise<void>;
}

export interface DocumentBackend {
  name: string;
  skip: boolean;
  /** Sets up the store in `dir` (the configuration's folder), named after `name`. */
  setup(dir: string, name: string): Promise<DocumentBackendSetup>;
}

async function filesIn(dir: string): Promise<number> {
  return (await readdir(dir).catch(() => [])).length;
}

function sqliteRows(file: string): { documents: number; chunks: number } {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const count = (table: string) => Number((db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n);
    return { documents: count('stored_files'), chunks: count('stored_file_chunks') };
  } finally {
    db.close();
  }
}

function sqliteHas(file: string, id: string): boolean {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return db.prepare('SELECT 1 FROM stored_files WHERE id = ?').get(id) !== undefined;
  } finally {
    db.close();
  }
}

export const DOCUMENT_BACKENDS: readonly DocumentBackend[] = [
  {
    name: 'documents in files',
    skip: false,
    async setup(dir, name) {
      const documents = path.join(dir, 'documents');
      return {
        lines: [`store: ${name}.sqlite`],
        env: {},
        footprint: async () => ({ documents: 0, chunks: 0, files: await filesIn(documents) }),
        holds: async (id) => existsSync(path.join(documents, id)),
        close: async () => undefined,
      };
    },
  },
  {
    name: 'documents in the SQLite database',
    skip: false,
    async setup(dir, name) {
      const file = path.join(dir, `${name}.sqlite`);
      return {
        lines: [`store: ${name}.sqlite`, 'documents: { store: database }'],
        env: {},
        footprint: async () => ({ ...sqliteRows(file), files: await filesIn(path.join(dir, 'documents')) }),
        holds: async (id) => !existsSync(path.join(dir, 'documents', id)) && sqliteHas(file, id),
        close: async () => undefined,
      };
    },
  },
  {
    name: 'documents in the PostgreSQL database',
    skip: SKIP_PG,
    async setup(dir, name) {
      if (TEST_PG_URL === undefined) throw new Error(PG_SKIP_REASON);
      const schema = testSchemaName(name.replace(/[^a-z0-9_]/g, '_'));
      await createSchema(TEST_PG_URL, schema);
      const pool = new pg.Pool({ connectionString: TEST_PG_URL, options: `-c search_path=${schema}`, max: 1 });
      const count = async (table: string) => Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);
      return {
        lines: ['store: { env: ORDERWIRE_DOCS_STORE }', 'documents: { store: database }'],
        env: { ORDERWIRE_DOCS_STORE: urlInSchema(TEST_PG_URL, schema) },
        footprint: async () => ({ documents: await count('stored_files'), chunks: await count('stored_file_chunks'), files: await filesIn(path.join(dir, 'documents')) }),
        holds: async (id) => !existsSync(path.join(dir, 'documents', id)) && (await pool.query('SELECT 1 FROM stored_files WHERE id = $1', [id])).rowCount === 1,
        async close() {
          await pool.end();
          await dropSchemas(TEST_PG_URL!, [schema]);
        },
      };
    },
  },
];
