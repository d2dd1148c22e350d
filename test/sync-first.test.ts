import { afterEach, describe, expect, it } from 'vitest';
import { syncWindow } from '../engine/sync/sync-window.ts';
import { allStoredIds, simulatorOrderIds, startSyncHarness, type SyncHarness } from './helpers/sync-harness.ts';

let h: SyncHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe.each(['mirakl', 'octopia'] as const)('first sync and incremental against the %s simulator', (kind) => {
  it('the first run backfills the lookback, stores every in-scope order once, and commits the cursor', async () => {
    h = await startSyncHarness({ kind, sim: { orders: 300, historyDays: 10 } });
    const outcome = await syncWindow(h.deps, 'incremental');
    expect(outcome.window.kind).toBe('backfill');
    const lookback = h.channel.retrieval.catchUp.lookbackMs;
    expect(outcome.window.to.getTime() - outcome.window.from.getTime()).toBe(lookback);
    const truth = await simulatorOrderIds(h, outcome.window.from, outcome.window.to);
    expect(truth.size).toBeGreaterThan(10);
    const ids = await allStoredIds(h.store, h.account.id);
    expect(new Set(ids)).toEqual(truth);
    expect(ids.length).toBe(truth.size);
    const cursor = await h.store.getCursor(h.account.id, h.channel.id, 'incremental');
    expect(cursor?.position).toBe(outcome.window.to.toISOString());
  });
});
