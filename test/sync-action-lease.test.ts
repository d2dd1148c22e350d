/**
 * A worker that lost an action's lease stops at once: it records nothing, fires no hook, and
 * sends no further request of the action (another worker owns it and settles it by read-back).
 * Both cases failed before: the worker ignored updateAction's false answer, fired its hooks and
 * went on to the next request of a multi-request action.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { actionResource } from '../engine/api/resources.ts';
import type { StoredAction } from '../engine/store/store.ts';
import { ActionWorker } from '../engine/sync/action-worker.ts';
import { submitAction } from '../engine/sync/submit-action.ts';
import { waitFor } from './helpers/cli-process.ts';
import { adminCalls, adminCreateOrder, adminSetFaults } from './helpers/sim-admin.ts';
import { startSyncHarness, type SyncHarness } from './helpers/sync-harness.ts';

let h: SyncHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const LEASE_MS = 30_000;

async function setUp(state: string, name: string, data?: Record<string, unknown>): Promise<{ harness: SyncHarness; action: StoredAction; order: string }> {
  const harness = await startSyncHarness({ kind: 'mirakl', sim: { orders: 0 } });
  const { order_id } = await adminCreateOrder(harness.sim.baseUrl, { state, lines: 1 });
  await harness.store.commitOrders([(await harness.connector.getOrder(order_id))!]);
  const submitted = await submitAction(harness.store, harness.account, { marketplaceOrderId: order_id, name, ...(data && { data }) });
  if (submitted.kind !== 'queued') throw new Error(submitted.kind);
  return { harness, action: submitted.action, order: order_id };
}

function workerWithHooks(harness: SyncHarness, outcomes: string[]): ActionWorker {
  return new ActionWorker({
    store: harness.store,
    accounts: new Map([[harness.account.id, { account: harness.account, connector: harness.connector }]]),
    log: harness.log,
    owner: 'daemon-a',
    // Long enough that the renewal timer never notices the theft: only the guarded writes can.
    leaseMs: LEASE_MS,
    maxAttempts: 3,
    onOutcome: (_action, state) => outcomes.push(state),
  });
}

/** Another daemon claims the action as if daemon-a had stalled past the lease TTL. */
async function steal(harness: SyncHarness): Promise<void> {
  const stolen = await harness.store.claimActions('daemon-b', LEASE_MS, 10, new Date(Date.now() + LEASE_MS + 1_000));
  expect(stolen.map((a) => a.lease_owner)).toEqual(['daemon-b']);
}

describe('a worker that lost the lease', () => {
  it('records nothing and fires no hook when its send completes after another worker took the action', async () => {
    const { harness, action, order } = await setUp('WAITING_ACCEPTANCE', 'accept');
    h = harness;
    await adminSetFaults(harness.sim.baseUrl, 'slow=600ms');
    const outcomes: string[] = [];
    const running = workerWithHooks(harness, outcomes).runOnce();
    await waitFor(async () => (await adminCalls(harness.sim.baseUrl)).some((c) => c.method === 'PUT' && c.path.includes(order)), 5_000, 'the accept to reach the marketplace');
    await steal(harness);
    expect(await running).toBe(1);
    expect(outcomes).toEqual([]);
    const after = await harness.store.getAction(action.id);
    expect(after).toMatchObject({ state: 'sending', attempts: 1, lease_owner: 'daemon-b' });
    expect(after?.result).toBeUndefined();
  });

  it('does not send the next request of a multi-request action (Mirakl ship: OR23 then OR24)', async () => {
    const { harness, action, order } = await setUp('SHIPPING', 'ship', { tracking_number: 'T-LEASE', carrier: 'UPS' });
    h = harness;
    await adminSetFaults(harness.sim.baseUrl, 'slow=600ms');
    const outcomes: string[] = [];
    const running = workerWithHooks(harness, outcomes).runOnce();
    await waitFor(async () => (await adminCalls(harness.sim.baseUrl)).some((c) => c.path.endsWith(`${order}/tracking`)), 5_000, 'OR23 to reach the marketplace');
    await steal(harness);
    await running;
    await adminSetFaults(harness.sim.baseUrl, '');
    const calls = (await adminCalls(harness.sim.baseUrl)).filter((c) => c.method === 'PUT' && c.path.includes(order));
    expect(calls.map((c) => c.path.split('/').at(-1))).toEqual(['tracking']);
    expect(outcomes).toEqual([]);
    expect(await harness.store.getAction(action.id)).toMatchObject({ state: 'sending', lease_owner: 'daemon-b' });
  });
});

describe('internal flags stay internal', () => {
  it('the worker progress of an action is never in what the API serves', () => {
    const action = {
      id: 'a1',
      state: 'queued',
      result: null,
      progress: { steps_done: 1, unsure: { step: 1, message: 'timeout' } },
      lease_owner: 'x',
      lease_until: '2026-01-01T00:00:00.000Z',
    } as unknown as StoredAction;
    const served = actionResource(action, 'o1');
    expect(served).not.toHaveProperty('progress');
    expect(served).not.toHaveProperty('lease_owner');
    expect(JSON.stringify(served)).not.toContain('unsure');
  });
});
