import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKSTOP_WAL_BYTES, Checkpointer, START_AT_WAL_BYTES, walBytes } from './checkpointer.ts';
import { SqliteDb } from './db.ts';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'orderwire-checkpointer-'));
  dirs.push(dir);
  return path.join(dir, 'store.sqlite');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** One write transaction of `mib` MiB of distinct rows (random bytes: SQLite stores them as they are). */
function commitMib(db: SqliteDb, mib: number): void {
  db.tx(() => {
    for (let i = 0; i < mib * 16; i++) db.run('INSERT INTO t (b) VALUES (randomblob(65536))');
  });
}

describe('SQLite background checkpoints', () => {
  it('start once the WAL is large, copy it back off the main thread, and keep every row', async () => {
    const file = tempFile();
    const db = new SqliteDb(file);
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, b BLOB NOT NULL)');
    // Small stores never start a worker.
    commitMib(db, 1);
    expect(db.checkpointer).toBeUndefined();
    // Thresholds are WAL sizes, counted in the file's pages (16 KB for a new database).
    const pageSize = Number(db.get('PRAGMA page_size')!.page_size);
    expect(Number(db.get('PRAGMA wal_autocheckpoint')!.wal_autocheckpoint)).toBe((16 * 1024 * 1024) / pageSize);
    // One large commit: SQLite's automatic checkpoint cannot run during it, so the WAL passes the threshold.
    commitMib(db, 20);
    expect(walBytes(file)).toBeGreaterThanOrEqual(START_AT_WAL_BYTES);
    const checkpointer = db.checkpointer!;
    expect(checkpointer.running).toBe(true);
    // The commits' own checkpoint is now only a backstop for a worker far behind.
    expect(Number(db.get('PRAGMA wal_autocheckpoint')!.wal_autocheckpoint)).toBe(BACKSTOP_WAL_BYTES / pageSize);
    await until(() => checkpointer.runs >= 1, 'the first background checkpoint');
    expect(checkpointer.last!.copied).toBe(checkpointer.last!.frames);
    // Commits below the backstop are copied by the worker: the WAL is reset and reused instead of
    // growing with every commit.
    for (let i = 0; i < 12; i++) {
      const runs = checkpointer.runs;
      commitMib(db, 8);
      await until(() => checkpointer.runs > runs && checkpointer.last!.copied === checkpointer.last!.frames, 'a checkpoint of the commit');
    }
    expect(walBytes(file)).toBeLessThan(21 * 1024 * 1024 + 8 * 1024 * 1024);
    expect(Number(db.get('SELECT count(*) AS n FROM t')!.n)).toBe(21 * 16 + 12 * 8 * 16);
    db.close();
    const again = new SqliteDb(file);
    expect(Number(again.get('SELECT count(*) AS n FROM t')!.n)).toBe(21 * 16 + 12 * 8 * 16);
    expect(String(again.get('PRAGMA integrity_check')!.integrity_check)).toBe('ok');
    again.close();
  });

  it('are over when the connection is closed: no connection is left on the file, which the last one cleaned up', async () => {
    const file = tempFile();
    const db = new SqliteDb(file);
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, b BLOB NOT NULL)');
    commitMib(db, 20);
    const checkpointer = db.checkpointer!;
    expect(checkpointer.running).toBe(true);
    await db.close();
    expect(checkpointer.ended).toBe(true);
    // The worker's connection closed last: it checkpointed and removed the WAL and shared-memory
    // files. A caller removing the folder next (a test, an operator's script) finds nothing new in it.
    expect(existsSync(`${file}-wal`)).toBe(false);
    expect(existsSync(`${file}-shm`)).toBe(false);
    const again = new SqliteDb(file);
    expect(Number(again.get('SELECT count(*) AS n FROM t')!.n)).toBe(20 * 16);
    await again.close();
  });

  it('report a worker that cannot open the store, so checkpoints go back to the commits', async () => {
    const failures: unknown[] = [];
    const checkpointer = new Checkpointer(path.join(tempFile(), 'no-such-dir', 'store.sqlite'), { onFailure: (err) => failures.push(err) });
    await until(() => failures.length > 0, 'the worker failure');
    expect(String(failures[0])).toMatch(/unable to open database/);
    expect(checkpointer.running).toBe(false);
    checkpointer.signal();
    checkpointer.close();
  });
});
