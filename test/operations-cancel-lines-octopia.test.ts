/**
 * Line cancellation before shipment on Octopia (issue 16): `cancel_lines` through the daemon's
 * runtime against the Octopia simulator. One whole line of a two-line order, then the other: each
 * one cancellation-requests call with the exact body (the SDK's line shape, not a published
 * contract), the line read back Cancelled with its cancelation; the order stays open until every
 * line is cancelled. Cdiscount's channel offers no such action and says so with a code.
 */
import type { StartedSimulator } from '@orderwire/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NormalizedOrder } from '../engine/order/model.ts';
import { adminCalls, adminCreateOrder } from './helpers/sim-admin.ts';
import { startOperationsRuntime, type OperationsRuntime } from './helpers/operations-runtime.ts';

let ops: OperationsRuntime;
let sim: StartedSimulator;

beforeAll(async () => {
  ops = await startOperationsRuntime({ platform: 'octopia', seed: 16, name: 'cancel-lines-octopia', accounts: [{ id: 'oops', channel: 'octopiaops', fixture: true }, { id: 'cd', channel: 'cdiscount' }] });
  ({ sim } = ops);
});
afterAll(() => ops?.close());

async function twoLineOrder(account: string, status: string): Promise<NormalizedOrder> {
  const { order_id } = await adminCreateOrder(sim.baseUrl, { status, lines: 2 });
  const order = await ops.pull(account, order_id);
  expect(order.lines).toHaveLength(2);
  return order;
}

describe('cancel_lines before shipment on Octopia', () => {
  for (const status of ['InPreparation', 'Accepted']) {
    it(`cancels one line of a ${status} order, the order stays open; the other line cancels the order`, async () => {
      const order = await twoLineOrder('oops', status);
      const id = order.marketplace_order_id;
      const [first, second] = order.lines as [NormalizedOrder['lines'][0], NormalizedOrder['lines'][0]];
      const before = order.status;

      const one = await ops.deliver('oops', { marketplaceOrderId: id, name: 'cancel_lines', data: { reason: 'ProductStockUnavailable' }, lines: [first.id] });
      expect(one.state).toBe('succeeded');
      expect(one.calls.map((c) => [c.method, c.path, c.status, c.body])).toEqual([
        ['POST', `/seller/v2/orders/${id}/cancellation-requests`, 201, { reasonCode: 'ProductStockUnavailable', lines: [{ orderLineId: first.id }] }],
      ]);
      const open = await ops.pull('oops', id);
      expect(open.status).toBe(before);
      expect(open.marketplace_status).toBe(status);
      expect(open.lines.map((l) => l.marketplace_status)).toEqual(['Cancelled', status]);
      expect(open.lines.map((l) => l.cancelations?.map((c) => [c.quantity, c.reason_code]))).toEqual([[[first.quantity, 'ProductStockUnavailable']], undefined]);
      // A line cancelled on its own is a cancelation, not also a refund (the platform's `absent`).
      expect(open.lines.map((l) => l.refunds)).toEqual([undefined, undefined]);

      const other = await ops.deliver('oops', { marketplaceOrderId: id, name: 'cancel_lines', data: { reason: 'VendorRejection' }, lines: [second.id] });
      expect(other.state).toBe('succeeded');
      expect(other.calls.map((c) => c.body)).toEqual([{ reasonCode: 'VendorRejection', lines: [{ orderLineId: second.id }] }]);
      const done = await ops.pull('oops', id);
      expect(done.marketplace_status).toBe('Cancelled');
      expect(done.lines.map((l) => l.marketplace_status)).toEqual(['Cancelled', 'Cancelled']);
      expect(done.lines.map((l) => [l.cancelations?.length, l.refunds])).toEqual([[1, undefined], [1, undefined]]);
    });
  }

  it('refuses a line already cancelled and a shipped order, with codes, before anything is sent', async () => {
    const order = await twoLineOrder('oops', 'InPreparation');
    const first = order.lines[0]!.id;
    expect((await ops.deliver('oops', { marketplaceOrderId: order.marketplace_order_id, name: 'cancel_lines', data: { reason: 'VendorRejection' }, lines: [first] })).state).toBe('succeeded');
    await ops.pull('oops', order.marketplace_order_id);
    const again = await ops.submit('oops', { marketplaceOrderId: order.marketplace_order_id, name: 'cancel_lines', data: { reason: 'ProductStockUnavailable' }, lines: [first] });
    // The cancelled line reads back Cancelled (refunded in the channel's status map): refused here.
    expect(again.kind === 'denied' && again.validation.errors.map((e) => [e.code, e.field])).toEqual([['ACTION_LINE_STATUS_NOT_ALLOWED', 'lines[0]']]);
    const shipped = await twoLineOrder('oops', 'Shipped');
    const late = await ops.submit('oops', { marketplaceOrderId: shipped.marketplace_order_id, name: 'cancel_lines', data: { reason: 'VendorRejection' }, lines: [shipped.lines[0]!.id] });
    expect(late.kind === 'denied' && late.validation.errors.map((e) => e.code)).toEqual(['ACTION_NOT_ALLOWED_IN_STATUS']);
  });

  it('Cdiscount offers no line cancellation: ACTION_UNKNOWN, nothing sent', async () => {
    const order = await twoLineOrder('cd', 'InPreparation');
    const since = (await adminCalls(sim.baseUrl)).at(-1)?.seq ?? 0;
    const outcome = await ops.submit('cd', { marketplaceOrderId: order.marketplace_order_id, name: 'cancel_lines', data: { reason: 'VendorRejection' }, lines: [order.lines[0]!.id] });
    expect(outcome.kind === 'denied' && outcome.validation.errors.map((e) => e.code)).toEqual(['ACTION_UNKNOWN']);
    expect((await adminCalls(sim.baseUrl, since)).filter((c) => c.method !== 'GET')).toEqual([]);
  });
});
