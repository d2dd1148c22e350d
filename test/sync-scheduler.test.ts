/**
 * The scheduler's decisions against a real simulator and store: the first poll backfills, a poll
 * before the period is skipped, the daily catch-up runs once a day, and two daemons sharing a
 * store never poll one account at the same time (store lease).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Scheduler } from '../engine/sync/scheduler.ts';
import type { SyncOutcome } from '../engine/sync/sync-window.ts';
import { startSyncHarness, type SyncHarness } from './helpers/sync-harness.ts';

const MIN = 60_000;
let h: SyncHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function scheduler(harness: SyncHarness, owner: string): Scheduler {
  return new Scheduler({
    store: harness.store,
    accounts: new Map([[harness.account.id, { account: harness.account, connector: harness.connector }]]),
    log: harness.log,
    owner,
    leaseMs: 60_000,
    windows: harness.deps.windows,
    now: harness.now,
  });
}

describe('scheduler', () => {
  it('backfills first, skips polls before the period, runs the catch-up once a day', async () => {
    h = await startSyncHarness({ kind: 'mirakl', sim: { orders: 100, historyDays: 6 } });
    const s = scheduler(h, 'daemon-a');
    const first = await s.pollAccount(h.account.id);
    expect(first?.window.kind).toBe('backfill');

    h.sim.clock.advance(5 * MIN);
    expect(await s.pollAccount(h.account.id)).toBeUndefined();

    h.sim.clock.advance(11 * MIN);
    expect((await s.pollAccount(h.account.id))?.window.kind).toBe('incremental');

    h.sim.clock.advance(24 * 60 * MIN);
    expect((await s.pollAccount(h.account.id))?.window.kind).toBe('catch_up');
    // The catch-up did not move the incremental cursor: the next poll is the incremental one.
    expect((await s.pollAccount(h.account.id))?.window.kind).toBe('incremental');
  });

  it('two daemons on one store: a poll runs once at a time, the other skips it', async () => {
    h = await startSyncHarness({ kind: 'mirakl', sim: { orders: 300, historyDays: 6 } });
    const a = scheduler(h, 'daemon-a');
    const b = scheduler(h, 'daemon-b');
    const [ra, rb] = await Promise.all([a.pollAccount(h.account.id), b.pollAccount(h.account.id)]);
    const ran = [ra, rb].filter((r): r is SyncOutcome => r !== undefined);
    expect(ran).toHaveLength(1);
    const runs = await h.store.listRuns({ account: h.account.id });
    expect(runs).toHaveLength(1);
    // The lease was released: the other daemon can take the next due poll.
    h.sim.clock.advance(16 * MIN);
    expect((await b.pollAccount(h.account.id))?.window.kind).toBe('incremental');
  });
});
