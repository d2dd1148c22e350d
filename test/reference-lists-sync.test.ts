/**
 * Live reference lists end to end against both simulators: each account's lists are fetched from
 * its marketplace (Mirakl SH21 and RE01, Octopia carriers), stored with their fetch time, used to
 * validate actions (a value only the live list has is accepted, one withdrawn from it is refused),
 * refreshed within their budgets on the simulated clock, and kept when a refresh fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionWorker } from '../engine/sync/action-worker.ts';
import { ListRefresher, listLeaseName } from '../engine/sync/list-refresher.ts';
import { refreshAccountLists, type ListRefreshDeps } from '../engine/sync/reference-lists.ts';
import { submitAction } from '../engine/sync/submit-action.ts';
import { adminCalls, adminCreateOrder, adminSetFaults } from './helpers/sim-admin.ts';
import { startSyncHarness, type SyncHarness } from './helpers/sync-harness.ts';

const DAY = 86_400_000;

async function setSimLists(baseUrl: string, lists: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${baseUrl}/_admin/reference-lists`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(lists) });
  expect(res.status, await res.clone().text()).toBe(200);
}

function refresher(h: SyncHarness, failures: string[] = []): ListRefreshDeps {
  return { store: h.store, connector: h.connector, account: h.account, log: h.log, now: h.now, onFailure: (_a, list, code) => failures.push(`${list}:${code}`) };
}

async function listCalls(h: SyncHarness, path: string): Promise<number> {
  return (await adminCalls(h.sim.baseUrl)).filter((c) => c.method === 'GET' && c.path.endsWith(path)).length;
}

/** Submits an action on a fresh order in `create`'s state (stored from a read-back). */
async function submitOn(h: SyncHarness, create: Record<string, unknown>, name: string, data: Record<string, unknown>) {
  const { order_id } = await adminCreateOrder(h.sim.baseUrl, create);
  await h.store.commitOrders([(await h.connector.getOrder(order_id))!]);
  return submitAction(h.store, h.account, { marketplaceOrderId: order_id, name, data });
}

function codes(outcome: Awaited<ReturnType<typeof submitOn>>): string[] {
  return outcome.kind === 'denied' ? outcome.validation.errors.map((e) => `${e.code}@${e.field ?? ''}`) : [];
}

describe('live reference lists: Mirakl (Worten) SH21 carriers and RE01 refund reasons', () => {
  let h: SyncHarness;
  let worker: ActionWorker;
  beforeAll(async () => {
    h = await startSyncHarness({ kind: 'mirakl', sim: { orders: 5 } });
    worker = new ActionWorker({ store: h.store, accounts: new Map([[h.account.id, { account: h.account, connector: h.connector }]]), log: h.log, owner: 'w', leaseMs: 30_000, maxAttempts: 3 });
  });
  afterAll(async () => h.close());

  it('before any fetch the channel file values apply: RE01 reason 19 is refused, SEUR is an unregistered carrier', async () => {
    const refund = await submitOn(h, { state: 'SHIPPED' }, 'refund', { reason: '19' });
    expect(codes(refund)).toEqual(['ACTION_FIELD_VALUE_NOT_ALLOWED@data.reason']);
    const ship = await submitOn(h, { state: 'SHIPPING' }, 'ship', { tracking_number: 'S1', carrier: 'SEUR', tracking_url: 'https://seur.example/S1' });
    expect(ship.kind).toBe('queued');
    if (ship.kind === 'queued') expect(ship.action.request.data.carrier).toMatchObject({ name: 'SEUR', registered: false });
  });

  it('fetches both lists once per source, stores them with their fetch time, and actions use them', async () => {
    const at = h.now().toISOString();
    const outcomes = await refreshAccountLists(refresher(h));
    expect(outcomes.map((o) => [o.list, o.source, o.outcome])).toEqual([['carriers', 'carriers', 'fetched'], ['refund_reasons', 'reasons', 'fetched']]);
    const stored = await h.store.listReferenceLists({ account: h.account.id });
    expect(stored.map((l) => [l.list, l.fetched_at])).toEqual([['carriers', at], ['refund_reasons', at]]);
    expect(stored[0]!.values!.map((v) => v.code)).toEqual(['CTT', 'DHL', 'DPD', 'FED', 'SEUR', 'TNT', 'UPS']);
    // RE01 serves every type: only REFUND reasons are kept for refund_reasons.
    expect(stored[1]!.values!.map((v) => v.code)).toEqual(['15', '16', '17', '18', '19']);
    expect(stored[0]!.values!.find((v) => v.code === 'SEUR')?.tracking_url).toBe('https://www.seur.com/livetracking/?segOnlineIdentificador={trackingId}');

    // A reason only the live list has is accepted, and sent as it is.
    const refund = await submitOn(h, { state: 'SHIPPED' }, 'refund', { reason: '19' });
    expect(refund.kind, JSON.stringify(refund)).toBe('queued');
    // A carrier only the live list has is registered: sent by code, its URL computed by Mirakl.
    const before = (await adminCalls(h.sim.baseUrl)).at(-1)?.seq ?? 0;
    const ship = await submitOn(h, { state: 'SHIPPING' }, 'ship', { tracking_number: 'S2', carrier: 'seur' });
    expect(ship.kind).toBe('queued');
    if (ship.kind === 'queued') expect(ship.action.request.data.carrier).toMatchObject({ code: 'SEUR', registered: true });
    while ((await worker.runOnce()) > 0);
    const tracking = (await adminCalls(h.sim.baseUrl, before)).find((c) => c.path.endsWith('/tracking') && (c.body as { tracking_number?: string }).tracking_number === 'S2');
    expect(tracking).toMatchObject({ status: 204, body: { carrier_code: 'SEUR', tracking_number: 'S2' } });
  });

  it('refreshes within the budgets: SH21 once a day on the simulated clock, RE01 when its period passed', async () => {
    const sh21 = await listCalls(h, '/api/shipping/carriers');
    const re01 = await listCalls(h, '/api/reasons');
    // Not due: nothing is requested.
    expect((await refreshAccountLists(refresher(h))).map((o) => o.outcome)).toEqual(['not_due', 'not_due']);
    // Forced: RE01 has no budget and is fetched; SH21's daily budget is spent and says when it fits.
    const forced = await refreshAccountLists(refresher(h), { force: true });
    expect(forced.map((o) => o.outcome)).toEqual(['budget_spent', 'fetched']);
    expect(forced[0]).toMatchObject({ next_at: new Date(h.now().getTime() + DAY).toISOString() });
    expect(await listCalls(h, '/api/shipping/carriers')).toBe(sh21);
    expect(await listCalls(h, '/api/reasons')).toBe(re01 + 1);

    // The instance withdraws TNT and reason 16, and adds GLS; a day later both lists are due.
    await setSimLists(h.sim.baseUrl, {
      carriers: [{ code: 'GLS', label: 'GLS', tracking_url: 'https://gls.example/{trackingId}' }, { code: 'UPS', label: 'UPS', tracking_url: 'https://ups.example/{trackingId}' }],
      reasons: [{ code: '15', label: 'Out of stock', type: 'REFUND' }, { code: '34', label: 'Cancelled', type: 'CANCELATION' }],
    });
    h.sim.clock.advance(DAY - 60_000);
    expect((await refreshAccountLists(refresher(h))).map((o) => o.outcome)).toEqual(['not_due', 'not_due']);
    h.sim.clock.advance(60_000);
    expect((await refreshAccountLists(refresher(h))).map((o) => o.outcome)).toEqual(['fetched', 'fetched']);
    expect(await listCalls(h, '/api/shipping/carriers')).toBe(sh21 + 1);

    // Withdrawn: reason 16 is refused with the existing coded error; TNT is no longer registered.
    const refund = await submitOn(h, { state: 'SHIPPED' }, 'refund', { reason: '16' });
    expect(codes(refund)).toEqual(['ACTION_FIELD_VALUE_NOT_ALLOWED@data.reason']);
    expect(refund.kind === 'denied' && refund.validation.errors[0]?.message).toContain('valid values: 15 (Out of stock)');
    const ship = await submitOn(h, { state: 'SHIPPING' }, 'ship', { tracking_number: 'T1', carrier: 'TNT', tracking_url: 'https://tnt.example/T1' });
    if (ship.kind === 'queued') expect(ship.action.request.data.carrier).toMatchObject({ name: 'TNT', registered: false });
    else throw new Error(JSON.stringify(ship));
  });

  it('a failed refresh keeps the last list, records and counts the failure, and blocks nothing', async () => {
    const failures: string[] = [];
    h.sim.clock.advance(DAY);
    await adminSetFaults(h.sim.baseUrl, '5xx=1');
    try {
      const outcomes = await refreshAccountLists(refresher(h, failures));
      expect(outcomes.map((o) => [o.list, o.outcome])).toEqual([['carriers', 'failed'], ['refund_reasons', 'failed']]);
      expect(failures).toEqual(['carriers:MARKETPLACE_UNAVAILABLE', 'refund_reasons:MARKETPLACE_UNAVAILABLE']);
    } finally {
      await adminSetFaults(h.sim.baseUrl, '');
    }
    const stored = await h.store.listReferenceLists({ account: h.account.id });
    expect(stored.map((l) => [l.list, l.failures, l.values?.map((v) => v.code)])).toEqual([['carriers', 1, ['GLS', 'UPS']], ['refund_reasons', 1, ['15']]]);
    expect(stored[0]!.error).toMatch(/HTTP 5\d\d/);
    // The last list still validates: 15 is accepted, 16 refused.
    expect((await submitOn(h, { state: 'SHIPPED' }, 'refund', { reason: '15' })).kind).toBe('queued');
    expect(codes(await submitOn(h, { state: 'SHIPPED' }, 'refund', { reason: '16' }))).toEqual(['ACTION_FIELD_VALUE_NOT_ALLOWED@data.reason']);
    // RE01 is retried 5 minutes later; SH21's budget (taken by the failed call) waits for its day.
    h.sim.clock.advance(5 * 60_000);
    const retried = await refreshAccountLists(refresher(h));
    expect(retried.map((o) => [o.list, o.outcome])).toEqual([['carriers', 'budget_spent'], ['refund_reasons', 'fetched']]);
    expect((await h.store.listReferenceLists({ account: h.account.id }))[1]).toMatchObject({ failures: 0, values: [{ code: '15' }] });
  });
});

describe('live reference lists: Octopia (Cdiscount) carriers', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await startSyncHarness({ kind: 'octopia', sim: { orders: 5 } });
  });
  afterAll(async () => h.close());

  it('a carrier only the account has is refused until fetched, then accepted; a withdrawn one is refused', async () => {
    const ship = { tracking_number: 'K1', carrier: 'Kuehne + Nagel' };
    expect(codes(await submitOn(h, { status: 'InPreparation' }, 'ship', ship))).toEqual(['ACTION_FIELD_VALUE_NOT_ALLOWED@data.carrier']);
    const outcomes = await refreshAccountLists(refresher(h));
    expect(outcomes).toEqual([{ list: 'carriers', source: 'carriers', outcome: 'fetched', values: 30, fetched_at: h.now().toISOString() }]);
    const queued = await submitOn(h, { status: 'InPreparation' }, 'ship', ship);
    expect(queued.kind).toBe('queued');
    if (queued.kind === 'queued') expect(queued.action.request.data.carrier).toMatchObject({ code: '33', name: 'Kuehne + Nagel', registered: true });

    await setSimLists(h.sim.baseUrl, { carriers: [{ code: '33', label: 'Kuehne + Nagel' }, { code: '8', label: 'GLS' }] });
    expect((await refreshAccountLists(refresher(h))).map((o) => o.outcome)).toEqual(['not_due']);
    h.sim.clock.advance(DAY);
    expect((await refreshAccountLists(refresher(h))).map((o) => o.outcome)).toEqual(['fetched']);
    const colissimo = await submitOn(h, { status: 'InPreparation' }, 'ship', { tracking_number: 'C1', carrier: 'Colissimo' });
    expect(codes(colissimo)).toEqual(['ACTION_FIELD_VALUE_NOT_ALLOWED@data.carrier']);
    expect(colissimo.kind === 'denied' && colissimo.validation.errors[0]?.message).toContain('valid values: 33 (Kuehne + Nagel), 8 (GLS)');
  });

  it("the daemon's loop refreshes what is due per account, and skips an account another daemon holds", async () => {
    const accounts = new Map([[h.account.id, { account: h.account, connector: h.connector }]]);
    const failures: string[] = [];
    const loop = new ListRefresher({ store: h.store, accounts, log: h.log, owner: 'daemon-a', leaseMs: 30_000, now: h.now, onFailure: (a, l, c) => failures.push(`${a}/${l}/${c}`) });
    expect([...(await loop.refreshDue()).get(h.account.id)!].map((o) => o.outcome)).toEqual(['not_due']);
    h.sim.clock.advance(DAY);
    // Another daemon holds the account's list lease: this one leaves it alone.
    expect(await h.store.acquireLease(listLeaseName(h.account.id), 'daemon-b', 30_000, h.now())).toBe(true);
    expect((await loop.refreshDue()).size).toBe(0);
    await h.store.releaseLease(listLeaseName(h.account.id), 'daemon-b');
    expect([...(await loop.refreshDue()).get(h.account.id)!].map((o) => o.outcome)).toEqual(['fetched']);
    await adminSetFaults(h.sim.baseUrl, '5xx=1');
    try {
      h.sim.clock.advance(DAY);
      expect([...(await loop.refreshDue()).get(h.account.id)!].map((o) => o.outcome)).toEqual(['failed']);
    } finally {
      await adminSetFaults(h.sim.baseUrl, '');
    }
    expect(failures).toEqual([`${h.account.id}/carriers/MARKETPLACE_UNAVAILABLE`]);
    await loop.stop();
  });
});
