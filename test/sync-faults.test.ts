/**
 * Each fault mode of the simulators against a full sync: whatever the marketplace does (429
 * storms, 5xx, hangs, malformed or truncated bodies, resets, duplicated or shifting pages), the
 * store ends with exactly the orders of the window: none lost, none stored twice.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SimulatorKind } from '@orderwire/simulators';
import { syncWindow } from '../engine/sync/sync-window.ts';
import { adminSetFaults } from './helpers/sim-admin.ts';
import { allStoredIds, simulatorOrderIds, startSyncHarness, type SyncHarness } from './helpers/sync-harness.ts';

const FAULTS: Array<[string, string]> = [
  ['429 storm', 'ratelimit=20/min,retry-after=1s'],
  ['5xx', '5xx=0.3'],
  ['timeouts', 'timeout=0.15'],
  ['malformed JSON', 'malformed=0.2'],
  ['truncated bodies', 'truncate=0.2'],
  ['connection resets', 'reset=0.2'],
  ['duplicated pages', 'duplicate-pages'],
  ['shifting pages', 'shifting-pages'],
];

let h: SyncHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe.each(['mirakl', 'octopia'] as SimulatorKind[])('sync under faults (%s)', (kind) => {
  it.each(FAULTS)('%s: nothing lost, nothing duplicated', async (_name, faults) => {
    h = await startSyncHarness({
      kind,
      sim: { orders: 400, historyDays: 3, seed: 11 },
      connector: { timeouts: { connect: 1_000, response: 400 }, retry: { maxAttempts: 12, baseDelayMs: 5, maxDelayMs: 1_500 } },
    });
    await adminSetFaults(h.sim.baseUrl, faults);
    const outcome = await syncWindow(h.deps, 'incremental');
    await adminSetFaults(h.sim.baseUrl, '');
    const truth = await simulatorOrderIds(h, outcome.window.from, outcome.window.to);
    expect(truth.size).toBeGreaterThan(150);

    const ids = await allStoredIds(h.store, h.account.id);
    expect(new Set(ids)).toEqual(truth);
    expect(ids.length).toBe(truth.size);
    const created = await h.store.listEvents({ account: h.account.id, limit: 10_000 });
    const creations = created.filter((e) => e.type === 'order.created').map((e) => e.marketplace_order_id);
    expect(creations.length).toBe(new Set(creations).size);
    expect(outcome.run.state).toBe('succeeded');
  });
});
