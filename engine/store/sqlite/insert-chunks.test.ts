/**
 * Multi-row INSERTs of a page: pages of every size from 1 to 100 orders are stored whole, through
 * a bounded set of prepared statements (each kept by the connection for good, outside V8's heap).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadChannel } from '../../channel/load.ts';
import { syntheticOrder } from '../../order/synthetic.ts';
import { SqliteDb } from './db.ts';
import { openSqliteStore } from './index.ts';
import { commitOrders } from './orders.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'orderwire-insert-chunks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SQLite multi-row inserts', () => {
  it('store pages of 1 to 100 new orders through at most 8 INSERT statements per table', async () => {
    const file = path.join(dir, 'store.sqlite');
    const store = await openSqliteStore(file);
    await store.migrate();
    await store.close();
    const worten = await loadChannel('worten');
    const db = new SqliteDb(file);
    const before = db.preparedStatements;
    let n = 0;
    for (let size = 1; size <= 100; size++) {
      const page = Array.from({ length: size }, () => syntheticOrder(worten, 'SHIPPING', { marketplaceOrderId: `O-${++n}` }));
      expect(commitOrders(db, page)).toMatchObject({ inserted: size, events: size });
    }
    expect(Number(db.get('SELECT count(*) AS n FROM orders')!.n)).toBe(5050);
    expect(Number(db.get('SELECT count(*) AS n FROM order_events')!.n)).toBe(5050);
    expect(db.all('SELECT marketplace_order_id FROM orders ORDER BY change_seq').map((r) => r.marketplace_order_id)).toEqual(Array.from({ length: 5050 }, (_, i) => `O-${i + 1}`));
    // 1, 2, 4, ..., 64 and 100 rows for orders and for events, plus the page's few other statements.
    expect(db.preparedStatements - before).toBeLessThanOrEqual(2 * 8 + 6);
    db.close();
  });
});
