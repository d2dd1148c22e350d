/**
 * The sync loop keeps one commit in flight while it maps the next pages (issue 18): the listing
 * is not held up by a slow commit, commits still go one at a time and in order, a failed commit
 * stops the run before any later commit, and the cursor moves only once every commit succeeded.
 * The batches' texts, kept in two text arenas that take turns (one filled while the batch before
 * is committed from the other), are the texts stored.
 */
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { prepareOrder } from '../engine/store/shared/prepare-order.ts';
import type { BatchTexts, Store } from '../engine/store/store.ts';
import { syncWindow } from '../engine/sync/sync-window.ts';
import { allStoredIds, simulatorOrderIds, startSyncHarness, type SyncHarness } from './helpers/sync-harness.ts';

let h: SyncHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The store with its commitOrders wrapped (everything else as it is: the store's methods are its own, bound). */
function withCommit(store: Store, commit: (original: Store['commitOrders'], ...args: Parameters<Store['commitOrders']>) => ReturnType<Store['commitOrders']>): Store {
  const original = store.commitOrders;
  return { ...store, commitOrders: (...args) => commit(original, ...args) };
}

const tick = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('the sync loop: one commit in flight while the next pages are mapped', () => {
  it('maps pages while a commit is in flight, never runs two commits at once, and stores every order once', async () => {
    h = await startSyncHarness({ kind: 'mirakl', sim: { orders: 600, historyDays: 3, seed: 5 } });
    const log: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const store = withCommit(h.store, async (original, ...args) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      log.push('commit started');
      try {
        // A commit that takes a while (a PostgreSQL round trip under load).
        await tick(60);
        return await original(...args);
      } finally {
        inFlight--;
        log.push('commit done');
      }
    });
    const connector = new Proxy(h.connector, {
      get(target, prop) {
        if (prop !== 'listOrders') {
          const value = Reflect.get(target, prop, target) as unknown;
          return typeof value === 'function' ? value.bind(target) : value;
        }
        return (window: Parameters<typeof target.listOrders>[0], onPage: Parameters<typeof target.listOrders>[1], signal?: AbortSignal) =>
          target.listOrders(window, async (page) => {
            log.push('page');
            await onPage(page);
          }, signal);
      },
    });
    const outcome = await syncWindow({ ...h.deps, store, connector, commitBatch: 100 }, 'incremental');

    expect(maxInFlight).toBe(1);
    // A page was handed over while a commit was running: mapping did not wait for the commit.
    const overlapped = log.some((entry, i) => entry === 'page' && log.slice(0, i).filter((e) => e === 'commit started').length > log.slice(0, i).filter((e) => e === 'commit done').length);
    expect(overlapped).toBe(true);
    const truth = await simulatorOrderIds(h, outcome.window.from, outcome.window.to);
    expect(truth.size).toBeGreaterThan(200);
    const ids = await allStoredIds(h.store, h.account.id);
    expect(ids.length).toBe(truth.size);
    expect(new Set(ids)).toEqual(truth);
    expect(outcome.inserted).toBe(truth.size);
    const cursor = await h.store.getCursor(h.account.id, h.channel.id, 'incremental');
    expect(cursor?.position).toBe(outcome.window.to.toISOString());
  });

  it('a failed commit stops the run before any later commit; the cursor stays and the run is failed', async () => {
    h = await startSyncHarness({ kind: 'mirakl', sim: { orders: 600, historyDays: 3, seed: 5 } });
    let calls = 0;
    const committed: number[] = [];
    const store = withCommit(h.store, async (original, ...args) => {
      calls++;
      await tick(20);
      if (calls === 2) throw new Error('the database went away');
      const result = await original(...args);
      committed.push(args[0].length);
      return result;
    });
    await expect(syncWindow({ ...h.deps, store, commitBatch: 100 }, 'incremental')).rejects.toThrow('the database went away');
    // The listing went on mapping while the second commit ran, but nothing was committed after it.
    expect(calls).toBe(2);
    expect(committed).toEqual([100]);
    expect(await allStoredIds(h.store, h.account.id)).toHaveLength(100);
    expect(await h.store.getCursor(h.account.id, h.channel.id, 'incremental')).toBeUndefined();
    const [run] = await h.store.listRuns({ account: h.account.id, limit: 1 });
    expect(run?.state).toBe('failed');
    expect(run?.error_message).toContain('the database went away');
  });

  it('stores every order with the texts of its own page, from two arenas that take turns while slow commits overlap the next batch', async () => {
    h = await startSyncHarness({ kind: 'mirakl', sim: { orders: 600, historyDays: 3, seed: 5 } });
    const arenas: BatchTexts[] = [];
    let releases = 0;
    let commits = 0;
    const slow = withCommit(h.store, async (original, ...args) => {
      commits++;
      await tick(40);
      return original(...args);
    });
    const store: Store = {
      ...slow,
      batchTexts: () => {
        const arena = h!.store.batchTexts();
        if (!arena) return undefined;
        arenas.push(arena);
        const release = arena.release.bind(arena);
        arena.release = () => {
          releases++;
          release();
        };
        return arena;
      },
    };
    const outcome = await syncWindow({ ...h.deps, store, commitBatch: 100 }, 'incremental');
    // SQLite keeps the texts in arenas: two per run, released once per batch but the last.
    expect(arenas).toHaveLength(2);
    expect(commits).toBeGreaterThan(2);
    expect(releases).toBe(commits);

    // Every stored text is the one the order's own page gave, as TEXT: what the same orders
    // prepared with their texts as strings would store, hash included.
    const expected = new Map<string, ReturnType<typeof prepareOrder>>();
    await h.connector.listOrders({ from: outcome.window.from, to: outcome.window.to, kind: 'manual' }, async (page) => {
      for (const order of page.orders) expected.set(order.marketplace_order_id, prepareOrder(order, 'order'));
    });
    const db = new DatabaseSync(h.storeFile, { readOnly: true });
    try {
      const rows = db.prepare('SELECT marketplace_order_id AS id, document, raw, content_hash AS hash, typeof(document) AS dt, typeof(raw) AS rt FROM orders').all() as Array<Record<string, string>>;
      expect(rows.length).toBe(expected.size);
      for (const row of rows) {
        const want = expected.get(row.id!)!;
        expect({ id: row.id, document: row.document, raw: row.raw, hash: row.hash, dt: row.dt, rt: row.rt }).toEqual({ id: row.id, document: want.document, raw: want.raw, hash: want.hash, dt: 'text', rt: 'text' });
      }
    } finally {
      db.close();
    }
  });
});
