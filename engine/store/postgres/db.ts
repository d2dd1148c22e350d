/**
 * A pg Pool with the store's conventions: every query goes through `query` (errors translated to
 * store codes, never with the password), transactions run on one client and are retried on
 * deadlock or serialization failure, an optional schema is set as search_path on each connection.
 */
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { OrderwireError } from '../../errors.ts';
import { redactStoreUrl } from '../redact.ts';
import type { SqlSyntax } from '../shared/where.ts';

/** The document's keys kept in columns of their own (migration 020), so no query parses the document text. */
const DOCUMENT_COLUMNS: ReadonlySet<string> = new Set(['acceptance_deadline', 'shipping_deadline']);

/** PostgreSQL's parameters are numbered (`$1`); booleans are booleans; the document is JSON text. */
export const postgresSyntax: SqlSyntax = {
  placeholder: (n) => `$${n}`,
  bool: (value) => value,
  documentText: (key) => (DOCUMENT_COLUMNS.has(key) ? key : `(document::json ->> '${key}')`),
};

export type PgRow = Record<string, unknown>;

export interface PgQuery {
  query(sql: string, params?: readonly unknown[]): Promise<{ rows: PgRow[]; rowCount: number }>;
}

/** A transaction's connection: queries, and `COPY ... FROM STDIN` of rows already in COPY's text format. */
export interface PgTx extends PgQuery {
  copyIn(sql: string, rows: Iterable<string>): Promise<void>;
}

export interface PostgresStoreOptions {
  /** Schema to use (created by migrate when missing); default: the server's search_path. */
  schema?: string;
  /** Pool size (default 10). */
  max?: number;
  /** Called with pool errors of idle connections (they are otherwise dropped: the next query reconnects). */
  onError?: (err: Error) => void;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const TX_RETRIES = 3;
const RETRYABLE = new Set(['40001', '40P01']);
const UNAVAILABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', '28P01', '28000', '3D000', '57P01', '57P02', '57P03', '53300']);

export class PgDb implements PgQuery {
  readonly pool: pg.Pool;
  /** The URL with its password redacted: safe for messages. */
  readonly label: string;
  readonly schema: string | undefined;

  constructor(url: string, options: PostgresStoreOptions = {}) {
    this.label = redactStoreUrl(url);
    if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
      throw new OrderwireError('STORE_SPEC_INVALID', `PostgreSQL schema name ${JSON.stringify(options.schema)} must be lower-case letters, digits and _`, { schema: options.schema });
    }
    this.schema = options.schema;
    this.pool = new pg.Pool({
      connectionString: url,
      max: options.max ?? 10,
      application_name: 'orderwire',
      ...(options.schema !== undefined && { options: `-c search_path=${options.schema}` }),
    });
    this.pool.on('error', (err) => options.onError?.(err));
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<{ rows: PgRow[]; rowCount: number }> {
    try {
      const result = await this.pool.query(sql, params as unknown[]);
      return { rows: result.rows as PgRow[], rowCount: result.rowCount ?? 0 };
    } catch (err) {
      throw this.translate(err);
    }
  }

  /** Runs `fn` in one transaction on one connection; retried (from the start) on deadlock or serialization failure. */
  async tx<T>(fn: (q: PgTx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect().catch((err: unknown) => Promise.reject(this.translate(err)));
      const q: PgTx = {
        query: async (sql, params = []) => {
          const result = await client.query(sql, params as unknown[]);
          return { rows: result.rows as PgRow[], rowCount: result.rowCount ?? 0 };
        },
        copyIn: (sql, rows) => copyIn(client, sql, rows),
      };
      let broken = false;
      try {
        await q.query('BEGIN');
        const result = await fn(q);
        await q.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        const code = (err as { code?: string }).code;
        if (code !== undefined && RETRYABLE.has(code) && attempt < TX_RETRIES) continue;
        throw this.translate(err);
      } finally {
        client.release(broken);
      }
    }
  }

  /** A dedicated connection (session advisory locks need one). */
  async withClient<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect().catch((err: unknown) => Promise.reject(this.translate(err)));
    try {
      return await fn(client);
    } finally {
      client.release();
    }
  }

  async end(): Promise<void> {
    await this.pool.end();
  }

  translate(err: unknown): unknown {
    if (err instanceof OrderwireError || !(err instanceof Error)) return err;
    const code = (err as { code?: string }).code ?? '';
    if (code.startsWith('23') || code === 'P0001') {
      const constraint = (err as { constraint?: string }).constraint;
      return new OrderwireError('STORE_CONSTRAINT_VIOLATION', `the database refused the write and rolled it back: ${err.message}${constraint ? ` (${constraint})` : ''}`, {}, { cause: err });
    }
    if (UNAVAILABLE.has(code) || code.startsWith('08')) {
      return new OrderwireError('STORE_UNAVAILABLE', `PostgreSQL store ${this.label}: ${scrub(err.message, this.label)}`, { store: this.label }, { cause: err });
    }
    return err;
  }
}

/**
 * Streams rows (each one line of COPY's text format, newline included) into `COPY ... FROM STDIN`,
 * in chunks of about 64 KB so a batch is never one string in memory; resolves when the server
 * has accepted them all, rejects with the server's error (its SQLSTATE kept) otherwise. A row
 * source that throws aborts the COPY (CopyFail), so the connection is left usable for ROLLBACK.
 */
async function copyIn(client: pg.PoolClient, sql: string, rows: Iterable<string>): Promise<void> {
  const stream = client.query(copyFrom(sql));
  const done = finished(stream);
  // A server error rejects `done` while rows are still being made: awaited below, never lost.
  done.catch(() => undefined);
  let chunk = '';
  try {
    for (const row of rows) {
      chunk += row;
      if (chunk.length < COPY_CHUNK) continue;
      if (stream.destroyed) break;
      const flowing = stream.write(chunk);
      chunk = '';
      if (!flowing) await Promise.race([once(stream, 'drain'), done]);
    }
  } catch (err) {
    stream.destroy(err instanceof Error ? err : new Error(String(err)));
    await done.catch(() => undefined);
    throw err;
  }
  if (!stream.destroyed) stream.end(chunk);
  await done;
}

const COPY_CHUNK = 64 * 1024;

// Driver messages name the host and user, not the password; drop anything URL-shaped regardless.
function scrub(message: string, label: string): string {
  return message.replace(/[a-z][a-z0-9+.-]*:\/\/\S+/gi, label);
}
