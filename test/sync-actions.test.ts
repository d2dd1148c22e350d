/**
 * Every action of both channels, end to end: submitted (validated and queued), sent by the
 * action worker through the declarative connector, received by the simulator with the right
 * requests, and the order re-read so its new status shows at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatorKind } from '@orderwire/simulators';
import { ActionWorker } from '../engine/sync/action-worker.ts';
import { submitAction } from '../engine/sync/submit-action.ts';
import { adminCalls, adminCreateOrder } from './helpers/sim-admin.ts';
import { startSyncHarness, type SyncHarness } from './helpers/sync-harness.ts';

interface Case {
  name: string;
  /** Admin body creating the order in the right marketplace state. */
  create: Record<string, unknown>;
  action: string;
  data?: Record<string, unknown>;
  /** Which lines to target: indexes into the order's lines. */
  lineIndexes?: number[];
  /** Expected requests, in order: "METHOD path-suffix". */
  calls: string[];
  /** A check on the bodies of the calls, in order. */
  body?: (bodies: unknown[], lineIds: string[]) => void;
  after: string[];
}

const mirakl: Case[] = [
  { name: 'accept the whole order', create: { state: 'WAITING_ACCEPTANCE', lines: 2 }, action: 'accept', calls: ['PUT /accept'], after: ['accepted', 'waiting_shipment'],
    body: ([b], ids) => expect(b).toEqual({ order_lines: ids.map((id) => ({ id, accepted: true })) }) },
  { name: 'accept one line: the other is refused (Mirakl needs a decision for every line)', create: { state: 'WAITING_ACCEPTANCE', lines: 2 }, action: 'accept', lineIndexes: [0], calls: ['PUT /accept'], after: ['accepted', 'waiting_shipment'],
    body: ([b], ids) => expect(b).toEqual({ order_lines: [{ id: ids[0], accepted: true }, { id: ids[1], accepted: false }] }) },
  { name: 'accept and change the shipping country (OR07 then OR21)', create: { state: 'WAITING_ACCEPTANCE', lines: 1 }, action: 'accept', data: { shipping_from_country: 'ES' }, calls: ['PUT /api/orders/shipping_from', 'PUT /accept'], after: ['accepted', 'waiting_shipment'],
    body: ([b]) => expect(JSON.stringify(b)).toContain('ESP') },
  { name: 'refuse one line: the other is accepted (a decision for every line)', create: { state: 'WAITING_ACCEPTANCE', lines: 2 }, action: 'refuse', lineIndexes: [1], calls: ['PUT /accept'], after: ['accepted', 'waiting_shipment'],
    body: ([b], ids) => expect(b).toEqual({ order_lines: [{ id: ids[1], accepted: false }, { id: ids[0], accepted: true }] }) },
  { name: 'refuse', create: { state: 'WAITING_ACCEPTANCE', lines: 1 }, action: 'refuse', calls: ['PUT /accept'], after: ['refused'],
    body: ([b], ids) => expect(b).toEqual({ order_lines: [{ id: ids[0], accepted: false }] }) },
  { name: 'ship with a registered carrier (OR23 then OR24)', create: { state: 'SHIPPING' }, action: 'ship', data: { tracking_number: '1Z999', carrier: 'UPS' }, calls: ['PUT /tracking', 'PUT /ship'], after: ['shipped'],
    body: ([b]) => expect(b).toMatchObject({ carrier_code: 'UPS', tracking_number: '1Z999' }) },
  { name: 'ship with a carrier unregistered by Mirakl and its tracking URL', create: { state: 'SHIPPING' }, action: 'ship', data: { tracking_number: 'CT1', carrier: 'CTT Expresso', tracking_url: 'https://ctt.pt/track/CT1' }, calls: ['PUT /tracking', 'PUT /ship'], after: ['shipped'],
    body: ([b]) => expect(b).toMatchObject({ carrier_name: 'CTT Expresso', carrier_url: 'https://ctt.pt/track/CT1', tracking_number: 'CT1' }) },
  { name: 'refund a shipped order', create: { state: 'SHIPPED', lines: 2 }, action: 'refund', data: { reason: '15' }, calls: ['PUT /api/orders/refund'], after: ['shipped', 'refunding', 'refunded', 'closed'],
    body: ([b]) => expect((b as { refunds: Array<{ reason_code: string }> }).refunds.map((r) => r.reason_code)).toEqual(['15', '15']) },
];

const octopia: Case[] = [
  { name: 'accept', create: { status: 'WaitingAcceptance' }, action: 'accept', calls: ['POST /approval-status'], after: ['accepted', 'waiting_shipment'],
    body: ([b]) => expect(b).toMatchObject({ approval_status: 'Accepted' }) },
  { name: 'refuse', create: { status: 'WaitingAcceptance' }, action: 'refuse', calls: ['POST /approval-status'], after: ['canceled'],
    body: ([b]) => expect(b).toMatchObject({ approval_status: 'Refused' }) },
  { name: 'ship with a supported carrier', create: { status: 'InPreparation' }, action: 'ship', data: { tracking_number: '8R123', carrier: 'Colissimo', tracking_url: 'https://www.laposte.fr/outils/suivre-vos-envois?code=8R123' }, calls: ['POST /shipments'], after: ['shipped'],
    body: ([b]) => expect(JSON.stringify(b)).toContain('8R123') },
  { name: 'refund (cancellation) at accepted takes `reason`', create: { status: 'Accepted' }, action: 'refund', data: { reason: 'ProductStockUnavailable', refund_shipping: true }, calls: ['POST /cancellation-requests'], after: ['refunded'],
    body: ([b]) => expect(b).toMatchObject({ reasonCode: 'ProductStockUnavailable', refundShipping: true }) },
  { name: 'refund at waiting_shipment takes `refund_reason`', create: { status: 'InPreparation' }, action: 'refund', data: { refund_reason: 'ClientCancellation' }, calls: ['POST /cancellation-requests'], after: ['refunded'],
    body: ([b]) => expect(b).toMatchObject({ reasonCode: 'ClientCancellation' }) },
  { name: 'refund after shipping with an after-shipment reason', create: { status: 'Shipped' }, action: 'refund', data: { refund_reason: 'ClientClaim' }, calls: ['POST /cancellation-requests'], after: ['refunded'],
    body: ([b]) => expect(b).toMatchObject({ reasonCode: 'ClientClaim' }) },
];

describe.each([
  ['mirakl', mirakl],
  ['octopia', octopia],
] as Array<[SimulatorKind, Case[]]>)('actions delivered to the %s simulator', (kind, cases) => {
  let h: SyncHarness;
  let worker: ActionWorker;
  beforeAll(async () => {
    h = await startSyncHarness({ kind, sim: { orders: 20 } });
    worker = new ActionWorker({
      store: h.store,
      accounts: new Map([[h.account.id, { account: h.account, connector: h.connector }]]),
      log: h.log,
      owner: 'test-worker',
      leaseMs: 30_000,
      maxAttempts: 3,
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { order_id } = await adminCreateOrder(h.sim.baseUrl, c.create);
    const fetched = await h.connector.getOrder(order_id);
    expect(fetched, `order ${order_id} readable`).toBeDefined();
    await h.store.commitOrders([fetched!]);
    const lineIds = fetched!.lines.map((l) => l.id);
    const before = (await adminCalls(h.sim.baseUrl)).at(-1)?.seq ?? 0;

    const submitted = await submitAction(h.store, h.account, {
      marketplaceOrderId: order_id,
      name: c.action,
      ...(c.data && { data: c.data }),
      ...(c.lineIndexes && { lines: c.lineIndexes.map((i) => lineIds[i]!) }),
    });
    expect(submitted.kind, JSON.stringify(submitted)).toBe('queued');
    expect(await worker.runOnce()).toBe(1);

    const action = await h.store.getAction(submitted.kind === 'queued' ? submitted.action.id : '');
    expect(action?.state, JSON.stringify(action?.error)).toBe('succeeded');
    const calls = (await adminCalls(h.sim.baseUrl, before)).filter((call) => call.method !== 'GET' && !call.path.includes('/token'));
    expect(calls.map((call) => call.method + ' ' + call.path)).toEqual(
      c.calls.map((expected) => expect.stringMatching(new RegExp(`^${expected.split(' ')[0]} .*${expected.split(' ')[1]!.replace(/[/.]/g, '\\$&')}$`))),
    );
    expect(calls.every((call) => call.status < 300)).toBe(true);
    c.body?.(calls.map((call) => call.body), lineIds);

    // Re-read after success: the store shows the new status without waiting for a poll.
    const stored = await h.store.getOrder(h.account.id, h.channel.id, order_id);
    expect(c.after).toContain(stored?.order.status);
  });

  it('a second identical submission returns the same action, never a second send', async () => {
    const create = kind === 'mirakl' ? { state: 'WAITING_ACCEPTANCE' } : { status: 'WaitingAcceptance' };
    const { order_id } = await adminCreateOrder(h.sim.baseUrl, create);
    await h.store.commitOrders([(await h.connector.getOrder(order_id))!]);
    const first = await submitAction(h.store, h.account, { marketplaceOrderId: order_id, name: 'accept' });
    const second = await submitAction(h.store, h.account, { marketplaceOrderId: order_id, name: 'accept' });
    expect(first.kind).toBe('queued');
    expect(second.kind).toBe('existing');
    if (first.kind !== 'queued' || second.kind !== 'existing') return;
    expect(second.action.id).toBe(first.action.id);
    const before = (await adminCalls(h.sim.baseUrl)).at(-1)?.seq ?? 0;
    await worker.runOnce();
    await worker.runOnce();
    const sends = (await adminCalls(h.sim.baseUrl, before)).filter((call) => call.method !== 'GET' && !call.path.includes('/token'));
    expect(sends).toHaveLength(1);
  });

  it('a refund shows in the normalized order (refunded quantity and amount per line) and in the history (order.refunded)', async () => {
    const create = kind === 'mirakl' ? { state: 'SHIPPED', lines: 2 } : { status: 'Shipped' };
    const { order_id } = await adminCreateOrder(h.sim.baseUrl, create);
    const before = (await h.connector.getOrder(order_id))!;
    await h.store.commitOrders([before]);
    const target = kind === 'mirakl' ? [before.lines[1]!] : before.lines;
    const submitted = await submitAction(h.store, h.account, {
      marketplaceOrderId: order_id,
      name: 'refund',
      data: kind === 'mirakl' ? { reason: '15' } : { refund_reason: 'ClientClaim' },
      ...(kind === 'mirakl' && { lines: [target[0]!.id] }),
    });
    expect(submitted.kind).toBe('queued');
    await worker.runOnce();
    const stored = (await h.store.getOrder(h.account.id, h.channel.id, order_id))!;
    for (const line of stored.order.lines) {
      const refunded = target.some((t) => t.id === line.id);
      expect(line.refunded, line.id).toEqual(refunded ? { quantity: line.quantity, amount: expect.closeTo(line.unit_price * line.quantity, 2), shipping_amount: 0 } : undefined);
    }
    const events = await h.store.listEvents({ order_id: stored.id });
    const refundEvents = events.filter((e) => e.type === 'order.refunded');
    expect(refundEvents).toHaveLength(1);
    expect(refundEvents[0]!.details?.lines.map((l) => [l.line_id, l.quantity])).toEqual(target.map((t) => [t.id, t.quantity]));
  });

  it('an action the rules deny is never queued, with every error reported', async () => {
    const create = kind === 'mirakl' ? { state: 'WAITING_ACCEPTANCE' } : { status: 'WaitingAcceptance' };
    const { order_id } = await adminCreateOrder(h.sim.baseUrl, create);
    await h.store.commitOrders([(await h.connector.getOrder(order_id))!]);
    const outcome = await submitAction(h.store, h.account, { marketplaceOrderId: order_id, name: 'ship', data: { carrier: 'UPS' } });
    expect(outcome.kind).toBe('denied');
    if (outcome.kind !== 'denied') return;
    expect(outcome.validation.errors.map((e) => e.code)).toContain('ACTION_NOT_ALLOWED_IN_STATUS');
    const queued = await h.store.listActions({ marketplace_order_id: order_id });
    expect(queued.items).toHaveLength(0);
  });
});
