/**
 * One node:sqlite connection with the settings a daemon needs (WAL, busy timeout, foreign keys,
 * synchronous=NORMAL), a cache of prepared statements, and write transactions. Calls are
 * synchronous, so a transaction run inside one call cannot interleave with other calls of this
 * process; BEGIN IMMEDIATE takes the write lock up front, so other processes wait (busy_timeout)
 * instead of failing halfway.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { OrderwireError } from '../../errors.ts';
import type { SqlSyntax } from '../shared/where.ts';
import { BACKSTOP_WAL_BYTES, Checkpointer, START_AT_WAL_BYTES, walBytes } from './checkpointer.ts';

type SqlValue = SQLInputValue;
export type SqliteRow = Record<string, unknown>;

/** SQLite's parameters are `?`; it has no boolean type (0 and 1). */
export const sqliteSyntax: SqlSyntax = {
  placeholder: () => '?',
  bool: (value) => (value ? 1 : 0),
  documentText: (key) => `json_extract(document, '$.${key}')`,
};

const BUSY_TIMEOUT_MS = 5_000;
const SQLITE_BUSY = 5;
const SQLITE_CONSTRAINT = 19;
/** Checkpoint the WAL every ~16 MiB instead of ~4 MiB (see the constructor). */
const AUTO_CHECKPOINT_BYTES = 16 * 1024 * 1024;
/**
 * The page size of a new database file. An order's row (document and raw, ~6 KB) spills into a
 * chain of overflow pages on SQLite's default 4 KB pages; on 16 KB pages it stays on its leaf
 * page, so a first sync writes and checkpoints fewer pages (bench/README.md, issue 18 wave 8). A
 * database created with another page size keeps it: changing it needs a VACUUM of the whole file.
 */
export const NEW_DATABASE_PAGE_SIZE = 16_384;

export class SqliteDb {
  readonly file: string;
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();
  #open = true;
  #checkpointer: Checkpointer | undefined;
  /** The file's page size: 16 KB for a database created by this version, else what it was created with. */
  #pageSize = 4096;

  constructor(file: string) {
    this.file = file;
    try {
      if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
      this.#db = new DatabaseSync(file);
      this.#db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
      // Before WAL mode writes the file's header: a no-op on a database that has pages already.
      this.#db.exec(`PRAGMA page_size = ${NEW_DATABASE_PAGE_SIZE}`);
      this.#db.exec('PRAGMA journal_mode = WAL');
      this.#db.exec('PRAGMA synchronous = NORMAL');
      this.#db.exec('PRAGMA foreign_keys = ON');
      // 16 MiB of page cache (default 2 MiB): the interior pages of a large orders table and its
      // indexes stay cached. 32 MiB cost 16 MB more of a first sync's peak RSS for no CPU
      // measurable per order (bench/README.md, issue 18 wave 7); misses are read from the OS cache.
      this.#db.exec('PRAGMA cache_size = -16384');
      // Checkpoint the WAL every ~16 MiB instead of ~4 MiB: index pages rewritten by consecutive
      // commits are copied back to the database once rather than again and again. Once the WAL
      // is that large, a worker thread takes the checkpoints over (checkpointer.ts).
      this.#pageSize = Number((this.#db.prepare('PRAGMA page_size').get() as { page_size: number }).page_size);
      this.#db.exec(`PRAGMA wal_autocheckpoint = ${this.#pages(AUTO_CHECKPOINT_BYTES)}`);
    } catch (err) {
      throw new OrderwireError('STORE_UNAVAILABLE', `cannot open SQLite store ${file}: ${message(err)}`, { store: file }, { cause: err });
    }
  }

  get isOpen(): boolean {
    return this.#open;
  }

  /** Statements prepared (and kept) by this connection: each holds SQLite memory outside V8's heap. */
  get preparedStatements(): number {
    return this.#statements.size;
  }

  /** A prepared statement, prepared once per SQL text. */
  stmt(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  // Parameters are typed loosely because listings build them dynamically (shared/where.ts), which
  // already turns booleans into 0/1; node:sqlite rejects any other non-SQL value at bind time.
  all(sql: string, ...params: unknown[]): SqliteRow[] {
    return this.#run(() => this.stmt(sql).all(...(params as SqlValue[])) as SqliteRow[]);
  }

  get(sql: string, ...params: unknown[]): SqliteRow | undefined {
    return this.#run(() => this.stmt(sql).get(...(params as SqlValue[])) as SqliteRow | undefined);
  }

  /** Runs a write; returns the number of rows changed. */
  run(sql: string, ...params: unknown[]): number {
    return this.#run(() => Number(this.stmt(sql).run(...(params as SqlValue[])).changes));
  }

  exec(sql: string): void {
    this.#run(() => this.#db.exec(sql));
  }

  /** Runs `fn` in one write transaction: all of it is committed, or none of it. */
  tx<T>(fn: () => T): T {
    this.#run(() => this.#db.exec('BEGIN IMMEDIATE'));
    try {
      const result = fn();
      this.#run(() => this.#db.exec('COMMIT'));
      this.#afterCommit();
      return result;
    } catch (err) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw err;
    }
  }

  /** The background checkpointer, once the WAL has grown large enough to start it. */
  get checkpointer(): Checkpointer | undefined {
    return this.#checkpointer;
  }

  /** Closes the connection now; resolves once the checkpointer's thread (if any) has closed its own. */
  close(): Promise<void> {
    if (!this.#open) return Promise.resolve();
    this.#open = false;
    const checkpointer = this.#checkpointer?.close();
    this.#statements.clear();
    this.#db.close();
    return checkpointer ?? Promise.resolve();
  }

  /** A write transaction committed: the worker checkpoints, started the first time the WAL is large. */
  #afterCommit(): void {
    if (this.#checkpointer?.running) {
      this.#checkpointer.signal();
      return;
    }
    if (this.#checkpointer || this.file === ':memory:' || walBytes(this.file) < START_AT_WAL_BYTES) return;
    this.#checkpointer = new Checkpointer(this.file, {
      onFailure: (err) => {
        // Checkpoints go back to the commits that cross the threshold, as before the worker.
        if (this.#open) this.#db.exec(`PRAGMA wal_autocheckpoint = ${this.#pages(AUTO_CHECKPOINT_BYTES)}`);
        process.emitWarning(`SQLite store ${this.file}: the background checkpointer stopped (${message(err)}); checkpoints run on commit again`);
      },
    });
    this.#db.exec(`PRAGMA wal_autocheckpoint = ${this.#pages(BACKSTOP_WAL_BYTES)}`);
    this.#checkpointer.signal();
  }

  /** Checkpoint thresholds are counted in pages: the same WAL size whatever the page size. */
  #pages(bytes: number): number {
    return Math.max(1, Math.round(bytes / this.#pageSize));
  }

  #run<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw translate(err, this.file);
    }
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Constraint and lock errors get store codes; anything else stays as it is (an internal fault). */
function translate(err: unknown, file: string): unknown {
  if (err instanceof OrderwireError || !(err instanceof Error)) return err;
  const code = (err as { errcode?: number }).errcode;
  if (code === undefined) return err;
  if ((code & 0xff) === SQLITE_CONSTRAINT) {
    return new OrderwireError('STORE_CONSTRAINT_VIOLATION', `the database refused the write and rolled it back: ${err.message}`, {}, { cause: err });
  }
  if ((code & 0xff) === SQLITE_BUSY) {
    return new OrderwireError('STORE_UNAVAILABLE', `SQLite store ${file} stayed locked by another process for ${BUSY_TIMEOUT_MS} ms`, { store: file }, { cause: err });
  }
  return err;
}
