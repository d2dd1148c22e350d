/**
 * Incremental polls and the catch-up against the Mirakl simulator's own clock: what changes at
 * the marketplace between polls (new orders, status moves) arrives at the next poll, each status
 * change is an event, and the cursor only ever covers committed orders.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { syncWindow } from '../engine/sync/sync-window.ts';
import { adminCreateOrder } from './helpers/sim-admin.ts';
import { allStoredIds, simulatorOrderIds, startSyncHarness, type SyncHarness } from './helpers/sync-harness.ts';

const MIN = 60_000;
let h: SyncHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('incremental sync and catch-up', () => {
  it('picks up new orders and status changes since the cursor, with one event per status change', async () => {
    h = await startSyncHarness({ kind: 'mirakl', sim: { orders: 150, historyDays: 3, newOrdersPerHour: 120 } });
    const first = await syncWindow(h.deps, 'incremental');
    const before = await h.store.countOrders({ account: h.account.id });

    // 20 simulated minutes pass: new orders arrive, some orders move on by themselves.
    h.sim.clock.advance(20 * MIN);
    const { order_id } = await adminCreateOrder(h.sim.baseUrl, { state: 'WAITING_ACCEPTANCE' });
    h.sim.clock.advance(MIN);
    const second = await syncWindow(h.deps, 'incremental');
    expect(second.window.kind).toBe('incremental');
    // The window starts at the committed cursor minus the overlap and the safety margin, and ends at now.
    expect(second.window.from.getTime()).toBe(first.window.to.getTime() - 2 * MIN - 30_000);
    expect(second.window.to.getTime()).toBe(h.now().getTime());
    expect(second.inserted).toBeGreaterThan(0);
    expect(await h.store.countOrders({ account: h.account.id })).toBe(before + second.inserted);
    expect((await h.store.getOrder(h.account.id, 'worten', order_id))?.order.status).toBe('waiting_acceptance');

    // Everything updated between the first window's start and now is stored, in its latest version.
    const truth = await simulatorOrderIds(h, first.window.from, second.window.to);
    expect(new Set(await allStoredIds(h.store, h.account.id))).toEqual(truth);

    // The created order moves on at the marketplace: the next poll records the status change.
    await fetch(`${h.sim.baseUrl}/_admin/orders/${order_id}/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to: 'WAITING_DEBIT' }) });
    h.sim.clock.advance(MIN);
    await syncWindow(h.deps, 'incremental');
    const stored2 = await h.store.getOrder(h.account.id, 'worten', order_id);
    expect(stored2?.order.status).toBe('accepted');
    const events = await h.store.listEvents({ order_id: stored2!.id });
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['order.created', 'order.status_changed']));
    const change = events.find((e) => e.type === 'order.status_changed');
    expect(change).toMatchObject({ from_status: 'waiting_acceptance', to_status: 'accepted', from_marketplace_status: 'WAITING_ACCEPTANCE', to_marketplace_status: 'WAITING_DEBIT' });
  });

  it('an order placed seconds before a poll is listed by that poll, not one period later (the safety margin widens the next window\'s start, not this one\'s end)', async () => {
    h = await startSyncHarness({ kind: 'mirakl', sim: { orders: 40, historyDays: 2 } });
    await syncWindow(h.deps, 'incremental');
    h.sim.clock.advance(15 * MIN);
    const { order_id } = await adminCreateOrder(h.sim.baseUrl, { state: 'WAITING_ACCEPTANCE' });
    h.sim.clock.advance(5_000);
    await syncWindow(h.deps, 'incremental');
    expect((await h.store.getOrder(h.account.id, 'worten', order_id))?.order.status).toBe('waiting_acceptance');
  });

  it('an update the marketplace makes visible late, stamped inside the safety margin before a window\'s end, is listed by the next window even with no overlap', async () => {
    h = await startSyncHarness({ kind: 'mirakl', sim: { orders: 40, historyDays: 2 } });
    const deps = { ...h.deps, windows: { overlapMs: 0, safetyMarginMs: 30_000 } };
    await syncWindow(deps, 'incremental');
    h.sim.clock.advance(15 * MIN);
    const first = await syncWindow(deps, 'incremental');
    // Committed at the marketplace after `first` listed its window, stamped 25 s before that window's end.
    h.sim.clock.advance(2_000);
    const stamped = new Date(first.window.to.getTime() - 25_000).toISOString();
    const { order_id } = await adminCreateOrder(h.sim.baseUrl, { state: 'WAITING_ACCEPTANCE', created_date: stamped });
    expect(await h.store.getOrder(h.account.id, 'worten', order_id)).toBeUndefined();
    h.sim.clock.advance(15 * MIN);
    const next = await syncWindow(deps, 'incremental');
    expect(next.window.from.getTime()).toBeLessThanOrEqual(Date.parse(stamped));
    expect((await h.store.getOrder(h.account.id, 'worten', order_id))?.order.status).toBe('waiting_acceptance');
    expect(await h.store.getCursor(h.account.id, 'worten', 'incremental')).toMatchObject({ position: next.window.to.toISOString() });
  });

  it('a window --since a time is one-off: it leaves the incremental cursor alone, so orders between the cursor and --since still arrive', async () => {
    h = await startSyncHarness({ kind: 'mirakl', sim: { orders: 40, historyDays: 2 } });
    await syncWindow(h.deps, 'incremental');
    const cursor = await h.store.getCursor(h.account.id, 'worten', 'incremental');
    expect(cursor).toBeDefined();

    // At the marketplace: one order after the cursor, then (later) the time given to --since, then another order.
    h.sim.clock.advance(30 * MIN);
    const { order_id: beforeSince } = await adminCreateOrder(h.sim.baseUrl, { state: 'WAITING_ACCEPTANCE' });
    h.sim.clock.advance(10 * MIN);
    const since = h.now();
    h.sim.clock.advance(10 * MIN);
    const { order_id: afterSince } = await adminCreateOrder(h.sim.baseUrl, { state: 'WAITING_ACCEPTANCE' });
    h.sim.clock.advance(2 * MIN);

    const manual = await syncWindow(h.deps, 'manual', { since });
    expect(manual.run.kind).toBe('manual');
    expect(manual.window.from.getTime()).toBe(since.getTime());
    expect(await h.store.getOrder(h.account.id, 'worten', afterSince)).toBeDefined();
    expect(await h.store.getOrder(h.account.id, 'worten', beforeSince)).toBeUndefined();
    // The cursor is where the last incremental poll left it...
    expect(await h.store.getCursor(h.account.id, 'worten', 'incremental')).toEqual(cursor);
    expect(await h.store.getCursor(h.account.id, 'worten', 'catch_up')).toBeUndefined();

    // ...so the next poll lists from it and the order before --since is not skipped.
    const next = await syncWindow(h.deps, 'incremental');
    expect(next.window.from.getTime()).toBe(Date.parse(cursor!.position) - 2 * MIN - 30_000);
    expect((await h.store.getOrder(h.account.id, 'worten', beforeSince))?.order.status).toBe('waiting_acceptance');
  });

  it('the catch-up re-reads the whole lookback and records its own cursor; a failed run leaves the cursor alone', async () => {
    h = await startSyncHarness({ kind: 'mirakl', sim: { orders: 150, historyDays: 8 } });
    const catchUp = await syncWindow(h.deps, 'catch_up');
    expect(catchUp.window.to.getTime() - catchUp.window.from.getTime()).toBe(5 * 24 * 60 * MIN);
    expect((await h.store.getCursor(h.account.id, 'worten', 'catch_up'))?.position).toBe(catchUp.window.to.toISOString());
    expect(await h.store.getCursor(h.account.id, 'worten', 'incremental')).toBeUndefined();

    await h.sim.close();
    await expect(syncWindow(h.deps, 'incremental')).rejects.toThrow();
    expect(await h.store.getCursor(h.account.id, 'worten', 'incremental')).toBeUndefined();
    const runs = await h.store.listRuns({ account: h.account.id });
    expect(runs.map((r) => r.state).sort()).toEqual(['failed', 'succeeded']);
  });

  it('Cdiscount: orders of other Octopia partners are not imported; fulfilled orders are stored and flagged', async () => {
    h = await startSyncHarness({ kind: 'octopia', sim: { orders: 400, historyDays: 2 } });
    const outcome = await syncWindow(h.deps, 'incremental');
    expect(outcome.skipped).toBeGreaterThan(0);
    const stored = await h.store.listOrders({ account: h.account.id, limit: 5_000 });
    expect(stored.items.every((s) => s.order.sales_channel === 'CDISCOUNT')).toBe(true);
    const fulfilled = stored.items.filter((s) => s.order.delivered_by_marketplace);
    expect(fulfilled.length).toBeGreaterThan(0);
    expect(fulfilled.every((s) => ['MKPFBC', 'EXTFBC'].includes(s.order.fulfillment_code ?? '') && ['shipped', 'refunded'].includes(s.order.status))).toBe(true);
  });
});
