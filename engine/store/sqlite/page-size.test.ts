/**
 * New SQLite stores are created with 16 KB pages (an order's ~6 KB row then needs no overflow
 * pages); a store created before keeps its page size, and its checkpoint threshold stays a WAL of
 * ~16 MiB whatever the page size.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { loadChannel } from '../../channel/load.ts';
import { syntheticOrder } from '../../order/synthetic.ts';
import { NEW_DATABASE_PAGE_SIZE, SqliteDb } from './db.ts';
import { openSqliteStore } from './index.ts';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'orderwire-page-size-'));
  dirs.push(dir);
  return path.join(dir, 'store.sqlite');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function pragma(file: string, name: string): number {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return Number((db.prepare(`PRAGMA ${name}`).get() as Record<string, unknown>)[name]);
  } finally {
    db.close();
  }
}

async function storeOneOrder(file: string): Promise<void> {
  const store = await openSqliteStore(file);
  try {
    await store.migrate();
    const order = { ...syntheticOrder(await loadChannel('worten'), 'SHIPPING', { marketplaceOrderId: 'A-1' }), raw: { padding: 'x'.repeat(6000) } };
    expect((await store.commitOrders([order])).inserted).toBe(1);
    expect((await store.getOrder(order.account, 'worten', 'A-1'))?.order.raw).toEqual({ padding: 'x'.repeat(6000) });
  } finally {
    await store.close();
  }
}

describe('SQLite page size', () => {
  it('is 16 KB for a new database, with the WAL checkpointed every 16 MiB', async () => {
    const file = tempFile();
    await storeOneOrder(file);
    expect(NEW_DATABASE_PAGE_SIZE).toBe(16_384);
    expect(pragma(file, 'page_size')).toBe(16_384);
    const db = new SqliteDb(file);
    expect(Number(db.get('PRAGMA wal_autocheckpoint')!.wal_autocheckpoint)).toBe(1024);
    db.close();
  });

  it('stays what it was for a database created with 4 KB pages, which keeps working', async () => {
    const file = tempFile();
    // A store as earlier versions created it: SQLite's default page size, in WAL mode.
    const old = new DatabaseSync(file);
    old.exec('PRAGMA page_size = 4096');
    old.exec('PRAGMA journal_mode = WAL');
    old.exec('CREATE TABLE before_upgrade (id INTEGER PRIMARY KEY)');
    old.close();
    await storeOneOrder(file);
    expect(pragma(file, 'page_size')).toBe(4096);
    const db = new SqliteDb(file);
    expect(Number(db.get('PRAGMA wal_autocheckpoint')!.wal_autocheckpoint)).toBe(4096);
    db.close();
  });
});
