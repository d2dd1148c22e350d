/**
 * Takeover between daemons, one mechanism at a time, on a real simulator and an SQLite store:
 * an action's lease is renewed while its send is slow (no second daemon sends it again); a poll
 * whose lease was taken over aborts; an account whose lease a dead daemon left is polled again
 * within a lease TTL, and the dead daemon's run is closed. Lease time is the test's own clock
 * (helpers/lease-clock.ts), never a sleep against a TTL.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ActionWorker, type WorkerAccount } from '../engine/sync/action-worker.ts';
import { Scheduler } from '../engine/sync/scheduler.ts';
import type { SyncOutcome } from '../engine/sync/sync-window.ts';
import { submitAction } from '../engine/sync/submit-action.ts';
import { syncWindow } from '../engine/sync/sync-window.ts';
import { waitFor } from './helpers/cli-process.ts';
import { useLeaseClock, type LeaseClock } from './helpers/lease-clock.ts';
import { adminCalls, adminSetFaults } from './helpers/sim-admin.ts';
import { startSyncHarness, type SyncHarness } from './helpers/sync-harness.ts';

let h: SyncHarness | undefined;
let clock: LeaseClock | undefined;
afterEach(async () => {
  clock?.restore();
  clock = undefined;
  await h?.close();
  h = undefined;
});

const accounts = (harness: SyncHarness): Map<string, WorkerAccount> => new Map([[harness.account.id, { account: harness.account, connector: harness.connector }]]);

describe('takeover between daemons', () => {
  it('a worker renews the lease of an action it is still sending: another worker does not send it again', async () => {
    h = await startSyncHarness({ kind: 'mirakl', sim: { orders: 40 } });
    await syncWindow(h.deps, 'incremental');
    const waiting = (await h.store.listOrders({ account: h.account.id, status: 'waiting_acceptance', limit: 1 })).items[0]!;
    const submitted = await submitAction(h.store, h.account, { marketplaceOrderId: waiting.order.marketplace_order_id, name: 'accept' });
    expect(submitted.kind).toBe('queued');
    // The marketplace holds the accept while two lease TTLs pass on the daemons' clock.
    await adminSetFaults(h.sim.baseUrl, 'slow=900ms');
    clock = useLeaseClock();
    const options = { store: h.store, accounts: accounts(h), log: h.log, leaseMs: 300, maxAttempts: 3, now: clock.now };
    const a = new ActionWorker({ ...options, owner: 'daemon-a' });
    const b = new ActionWorker({ ...options, owner: 'daemon-b' });
    const sending = a.runOnce();
    await waitFor(async () => (await h!.store.listActions({ state: 'sending' })).items.length === 1, 5_000, 'the accept to be sending');
    await clock.advance(600);
    expect(await b.runOnce()).toBe(0);
    expect(await sending).toBe(1);
    const [action] = (await h.store.listActions({})).items;
    expect(action).toMatchObject({ state: 'succeeded', attempts: 1 });
    const accepts = (await adminCalls(h.sim.baseUrl)).filter((c) => c.method === 'PUT' && c.path.endsWith('/accept'));
    expect(accepts).toHaveLength(1);
  });

  it('a poll whose lease another daemon took over aborts, leaving the cursor where it was', async () => {
    h = await startSyncHarness({ kind: 'octopia', sim: { orders: 600 } });
    await adminSetFaults(h.sim.baseUrl, 'slow=150ms');
    const outcomes: Array<SyncOutcome | Error> = [];
    const scheduler = new Scheduler({
      store: h.store,
      accounts: accounts(h),
      log: h.log,
      owner: 'daemon-a',
      leaseMs: 300,
      windows: h.deps.windows,
      onRun: (_, outcome) => outcomes.push(outcome),
    });
    const polling = scheduler.pollAccount(h.account.id);
    // Pages are committed in batches, so watch the marketplace: the listing is under way.
    await waitFor(async () => (await adminCalls(h!.sim.baseUrl)).some((c) => c.path === '/seller/v2/orders' && c.status === 200), 10_000, 'the first page');
    // Daemon b sees the lease as expired (as after a stall of daemon a) and takes it.
    expect(await h.store.acquireLease(`poll:${h.account.id}`, 'daemon-b', 60_000, new Date(Date.now() + 1_000))).toBe(true);
    expect(await polling).toBeUndefined();
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toBeInstanceOf(Error);
    expect(await h.store.getCursor(h.account.id, h.account.channel.id, 'incremental')).toBeUndefined();
    const [run] = await h.store.listRuns({ account: h.account.id });
    expect(run).toMatchObject({ state: 'failed' });
    await scheduler.stop();
  });

  it("an account whose lease a dead daemon left is polled within a lease TTL, and the dead daemon's run is closed", async () => {
    h = await startSyncHarness({ kind: 'mirakl', sim: { orders: 50 } });
    const { account, store } = h;
    // The dead daemon: it took the lease and started a run, then stopped renewing.
    expect(await store.acquireLease(`poll:${account.id}`, 'dead-daemon', 500)).toBe(true);
    const dead = await store.startRun({ account: account.id, channel: account.channel.id, kind: 'backfill', window_from: new Date(Date.now() - 86_400_000).toISOString(), window_to: new Date().toISOString(), started_at: new Date().toISOString() });
    const scheduler = new Scheduler({ store, accounts: accounts(h), log: h.log, owner: 'daemon-b', leaseMs: 500, windows: h.deps.windows });
    scheduler.start();
    try {
      // Its poll period is 15 minutes: only the takeover retry can poll it in this test's time.
      expect(account.pollEveryMs).toBeGreaterThanOrEqual(15 * 60_000);
      await waitFor(async () => (await store.getCursor(account.id, account.channel.id, 'incremental')) !== undefined, 10_000, 'the takeover poll');
    } finally {
      await scheduler.stop();
    }
    const runs = await store.listRuns({ account: account.id });
    expect(runs.find((r) => r.id === dead.id)).toMatchObject({ state: 'abandoned', error_message: expect.stringMatching(/^abandoned/) });
    expect(runs.filter((r) => r.state === 'succeeded')).toHaveLength(1);
  });
});
