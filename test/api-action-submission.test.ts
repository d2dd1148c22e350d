/**
 * Submitting actions over the API, the cases that once let an action be sent twice or refused a
 * harmless retry:
 * - accept and refuse submitted together (different keys) on one order: one is queued, the other
 *   is 409 ACTION_CONFLICTS_WITH_PENDING naming it (both used to be queued and sent);
 * - an Idempotency-Key replayed after the action succeeded returns that action (200), not a 422
 *   from validating it again against the order's new status; another body with it is 409;
 * - an action allowed after the pending ones is queued behind them, validated against the status
 *   the order will have (Cdiscount's refund of an accepted order takes `reason`).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OrderLine } from '../engine/order/model.ts';
import { startApiHarness, type ApiHarness } from './helpers/api-server.ts';
import { order } from './store-suite.ts';

let h: ApiHarness;
let token: string;
beforeEach(async () => {
  h = await startApiHarness();
  token = await h.token(['worten-pt', 'cd-fr']);
});
afterEach(async () => {
  await h.close();
});

const waitingLine = (id: string): OrderLine => ({ id, sku: `S-${id}`, quantity: 1, unit_price: 10, shipping_price: 0, taxes: [], status: 'waiting_acceptance', marketplace_status: 'WAITING_ACCEPTANCE' });

async function waitingOrder(id: string): Promise<string> {
  await h.store.commitOrders([order(id, { lines: [waitingLine(`${id}-1`), waitingLine(`${id}-2`)] })]);
  return (await h.store.getOrder('worten-pt', 'worten', id))!.id;
}

const submit = (orderId: string, body: unknown, key?: string) =>
  h.call('POST', `/v1/orders/${orderId}/actions`, { token, body, ...(key !== undefined && { headers: { 'idempotency-key': key } }) });

/** Plays the worker: the action was sent and took effect. */
async function succeed(actionId: string): Promise<void> {
  const [claimed] = await h.store.claimActions('worker', 60_000, 10);
  expect(claimed?.id).toBe(actionId);
  expect(await h.store.updateAction(actionId, 'worker', { state: 'succeeded', result: [{ endpoint: 'OR21', status: 204, body: null }], release: true })).toBe(true);
}

describe('conflicting actions on one order', () => {
  it('accept and refuse submitted together: one is queued, the other is 409 naming it', async () => {
    const id = await waitingOrder('W1');
    const [a, b] = await Promise.all([submit(id, { action: 'accept' }, 'erp-accept'), submit(id, { action: 'refuse' }, 'erp-refuse')]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([202, 409]);
    const [queued, refused] = a.status === 202 ? [a, b] : [b, a];
    expect(refused.body).toMatchObject({
      code: 'ACTION_CONFLICTS_WITH_PENDING',
      status: 409,
      pending_action: { id: queued.body.id, url: `/v1/actions/${queued.body.id}`, action: queued.body.action, state: 'queued' },
    });
    expect(refused.headers.get('link')).toBe(`</v1/actions/${queued.body.id}>; rel="related"`);
    expect((await h.store.listActions({})).items.map((x) => x.id)).toEqual([queued.body.id]);
  });

  it('a refuse submitted after a queued accept is 409, saying what the order will be', async () => {
    const id = await waitingOrder('W2');
    const accept = await submit(id, { action: 'accept' });
    expect(accept.status).toBe(202);
    const refuse = await submit(id, { action: 'refuse' });
    expect(refuse.status).toBe(409);
    expect(refuse.body.detail).toContain('once the pending accept');
    expect(refuse.body.detail).toContain('the order will be accepted');
  });

  it('an action allowed after the pending ones is queued behind them, validated against the status the order will have', async () => {
    await h.store.commitOrders([order('C1', { channel: 'cdiscount', account: 'cd-fr', marketplace_status: 'WaitingAcceptance', lines: [{ ...waitingLine('C1-1'), marketplace_status: 'WaitingAcceptance' }] })]);
    const id = (await h.store.getOrder('cd-fr', 'cdiscount', 'C1'))!.id;
    expect((await submit(id, { action: 'accept' })).status).toBe(202);
    // Accepted, Cdiscount's refund takes `reason` (later statuses take `refund_reason`).
    const wrongField = await submit(id, { action: 'refund', data: { refund_reason: 'ProductStockUnavailable' } });
    expect(wrongField.status).toBe(422);
    const refund = await submit(id, { action: 'refund', data: { reason: 'ProductStockUnavailable' } });
    expect(refund.status).toBe(202);
    expect(refund.body.request).toMatchObject({ status: 'accepted', data: { reason: { code: 'ProductStockUnavailable' } } });
    // Sent one at a time, in queue order: only the accept can be claimed now.
    expect((await h.store.claimActions('w', 60_000, 10)).map((a) => a.action)).toEqual(['accept']);
  });
});

describe('Idempotency-Key', () => {
  it('replayed after the action succeeded returns that action (200), whatever the order became', async () => {
    const id = await waitingOrder('W3');
    const first = await submit(id, { action: 'accept' }, 'erp-1003-accept');
    expect(first.status).toBe(202);
    await succeed(first.body.id);
    await h.store.commitOrders([order('W3', { updated_at: '2025-03-01T11:00:00.000Z', status: 'accepted', marketplace_status: 'WAITING_DEBIT', lines: [{ ...waitingLine('W3-1'), status: 'accepted', marketplace_status: 'WAITING_DEBIT' }, { ...waitingLine('W3-2'), status: 'accepted', marketplace_status: 'WAITING_DEBIT' }] })]);
    const replay = await submit(id, { action: 'accept' }, 'erp-1003-accept');
    expect(replay.status).toBe(200);
    expect(replay.headers.get('location')).toBe(`/v1/actions/${first.body.id}`);
    expect(replay.body).toMatchObject({ id: first.body.id, state: 'succeeded' });
    expect(replay.body).not.toHaveProperty('fingerprint');
    expect(replay.body).not.toHaveProperty('progress');
    // The same key for another request is refused, succeeded or not.
    const other = await submit(id, { action: 'accept', lines: ['W3-1'] }, 'erp-1003-accept');
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('STORE_IDEMPOTENCY_KEY_REUSED');
    // Without the key, the same request is validated again: the order is accepted now.
    expect((await submit(id, { action: 'accept' })).status).toBe(422);
  });

  it('the same request under another key while the first is pending is that action (200)', async () => {
    const id = await waitingOrder('W4');
    const first = await submit(id, { action: 'accept', lines: ['W4-1'] }, 'k-1');
    const second = await submit(id, { action: 'accept', lines: ['W4-1'] }, 'k-2');
    expect([first.status, second.status]).toEqual([202, 200]);
    expect(second.body.id).toBe(first.body.id);
  });
});

describe('parts of lines over the API', () => {
  it('a line with a quantity reaches the channel rules (Worten takes whole lines: 422 at the part); a malformed line is 400', async () => {
    const shippedLine = (id: string): OrderLine => ({ ...waitingLine(id), quantity: 3, status: 'shipped', marketplace_status: 'SHIPPED' });
    await h.store.commitOrders([order('W9', { status: 'shipped', marketplace_status: 'SHIPPED', lines: [shippedLine('W9-1')] })]);
    const id = (await h.store.getOrder('worten-pt', 'worten', 'W9'))!.id;
    const part = await submit(id, { action: 'refund', data: { reason: '15' }, lines: [{ id: 'W9-1', quantity: 1 }] });
    expect(part.status).toBe(422);
    expect(part.body.errors).toEqual([expect.objectContaining({ field: '/body/lines/0/quantity', code: 'ACTION_LINE_PARTIAL_NOT_ALLOWED' })]);
    const malformed = await submit(id, { action: 'refund', data: { reason: '15' }, lines: [{ id: 'W9-1', units: 1 }] });
    expect(malformed.status).toBe(400);
    const whole = await submit(id, { action: 'refund', data: { reason: '15' }, lines: ['W9-1'] });
    expect(whole.status).toBe(202);
  });

  it('parcels reach the channel rules (Worten ships whole orders: 422 at /body/parcels); a parcel without lines is 400', async () => {
    const shippingLine = (id: string): OrderLine => ({ ...waitingLine(id), status: 'waiting_shipment', marketplace_status: 'SHIPPING' });
    await h.store.commitOrders([order('W10', { status: 'waiting_shipment', marketplace_status: 'SHIPPING', lines: [shippingLine('W10-1')] })]);
    const id = (await h.store.getOrder('worten-pt', 'worten', 'W10'))!.id;
    const parcels = await submit(id, { action: 'ship', data: { carrier: 'UPS', tracking_number: '1Z1' }, parcels: [{ lines: [{ id: 'W10-1', quantity: 1 }] }] });
    expect(parcels.status).toBe(422);
    expect(parcels.body.errors).toEqual([expect.objectContaining({ field: '/body/parcels', code: 'ACTION_PARCELS_NOT_ALLOWED' })]);
    expect((await submit(id, { action: 'ship', parcels: [{ carrier: 'UPS' }] })).status).toBe(400);
  });
});
