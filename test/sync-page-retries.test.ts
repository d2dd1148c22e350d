/**
 * Listing pages cut short or malformed by the marketplace (the simulators' `truncate` and
 * `malformed` faults, applied by their HTTP layer: the engine only sees the bytes) are read again
 * like any transient failure, with the same budget and backoff. A page that stays unreadable
 * once the retries are spent fails the run, names the page, and leaves the cursor where it was.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SimulatorKind } from '@orderwire/simulators';
import { syncWindow } from '../engine/sync/sync-window.ts';
import { adminCalls, adminSetFaults } from './helpers/sim-admin.ts';
import { allStoredIds, simulatorOrderIds, startSyncHarness, type SyncHarness } from './helpers/sync-harness.ts';

let h: SyncHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe.each(['mirakl', 'octopia'] as SimulatorKind[])('unreadable listing pages are read again (%s)', (kind) => {
  it('truncated and malformed pages on many pages of a catch-up: every order stored once, the run succeeds', async () => {
    h = await startSyncHarness({ kind, sim: { orders: 1_500, historyDays: 3, seed: 23 }, connector: { retry: { maxAttempts: 8, baseDelayMs: 5, maxDelayMs: 50 } } });
    await adminSetFaults(h.sim.baseUrl, 'truncate=0.2,malformed=0.2');
    const outcome = await syncWindow(h.deps, 'incremental');
    await adminSetFaults(h.sim.baseUrl, '');
    expect(outcome.run.state).toBe('succeeded');
    // The faults did strike: some listing calls were answered with cut or broken bodies.
    const calls = await adminCalls(h.sim.baseUrl);
    expect(calls.length).toBeGreaterThan(outcome.run.pages);
    const truth = await simulatorOrderIds(h, outcome.window.from, outcome.window.to);
    expect(truth.size).toBeGreaterThan(500);
    const ids = await allStoredIds(h.store, h.account.id);
    expect(new Set(ids)).toEqual(truth);
    expect(ids.length).toBe(truth.size);
  });

  it('a page still unreadable after the retries fails the run with its page number; the cursor stays', async () => {
    h = await startSyncHarness({ kind, sim: { orders: 300, historyDays: 3, seed: 5 }, connector: { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } } });
    const first = await syncWindow(h.deps, 'incremental');
    const cursor = await h.store.getCursor(h.account.id, h.channel.id, 'incremental');
    expect(cursor).toMatchObject({ position: first.window.to.toISOString() });
    await adminSetFaults(h.sim.baseUrl, 'malformed=1');
    const failed = syncWindow(h.deps, 'incremental');
    await expect(failed).rejects.toMatchObject({ code: 'MARKETPLACE_UNAVAILABLE', message: expect.stringMatching(/^page 1 of the window: GET \S+: HTTP 200: unreadable JSON body of \d+ bytes .*\(after 3 attempts\)$/) });
    expect(await h.store.getCursor(h.account.id, h.channel.id, 'incremental')).toEqual(cursor);
    expect((await h.store.listRuns({ account: h.account.id }))[0]).toMatchObject({ state: 'failed', error_message: expect.stringContaining('page 1 of the window') });
  });
});
