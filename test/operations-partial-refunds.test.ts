/**
 * Partial refunds by quantity and by amount (issue 16) through the daemon's runtime against the
 * Mirakl simulator: a channel that declares `partial_lines` refunds 1 of 3 units, then an amount,
 * with the exact OR28 requests in the simulator's call log; a part larger than what the line has
 * left is refused with a located code before anything is sent; Worten, whose source offers whole
 * lines only, refuses a part and still refunds whole lines as before.
 */
import type { StartedSimulator } from '@orderwire/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../engine/daemon/runtime.ts';
import type { NormalizedOrder, OrderLine } from '../engine/order/model.ts';
import { parseLinesOption } from '../engine/cli/commands/action.ts';
import { submitAction, type ActionInput } from '../engine/sync/submit-action.ts';
import { adminCalls, adminCreateOrder } from './helpers/sim-admin.ts';
import { startOperationsRuntime, type OperationsRuntime } from './helpers/operations-runtime.ts';

type Json = Record<string, unknown>;

let ops: OperationsRuntime;
let sim: StartedSimulator;
let runtime: Runtime;

beforeAll(async () => {
  ops = await startOperationsRuntime({ platform: 'mirakl', seed: 16, name: 'parts', accounts: [{ id: 'ops', channel: 'miraklops', fixture: true }, { id: 'worten-pt', channel: 'worten' }] });
  ({ sim, runtime } = ops);
});
afterAll(() => ops?.close());

const pull = (account: string, orderId: string): Promise<NormalizedOrder> => ops.pull(account, orderId);

/** A shipped order, taxed, with a line of at least 3 units (orders are generated from the seed). */
async function shippedOrderWithThreeUnits(account: string): Promise<{ order: NormalizedOrder; line: OrderLine }> {
  for (let i = 0; i < 40; i++) {
    const { order_id } = await adminCreateOrder(sim.baseUrl, { state: 'SHIPPED', lines: 2, taxes: true });
    const order = await pull(account, order_id);
    const line = order.lines.find((l) => l.quantity >= 3);
    if (line) return { order, line };
  }
  throw new Error('no generated order with a line of 3 units');
}

const deliver = (account: string, input: ActionInput) => ops.deliver(account, input);

function rawLine(order: NormalizedOrder, id: string): Json {
  return ((order.raw as { order_lines: Json[] }).order_lines).find((l) => l.order_line_id === id)!;
}

/** The line's taxes scaled to the part refunded, to the cent. */
const taxesScaled = (list: unknown, share: number) => (list as Array<{ code: string; amount: number }>).map((t) => ({ code: t.code, amount: Math.round(t.amount * share * 100) / 100 }));
const zeroed = (list: unknown) => (list as Array<{ code: string }>).map((t) => ({ code: t.code, amount: 0 }));

describe('partial refunds on a Mirakl channel that declares them (OR28)', () => {
  it('refunds 1 of 3 units, then an amount: the exact OR28 requests, and the order shows both refunds', async () => {
    const { order, line } = await shippedOrderWithThreeUnits('ops');
    const raw = rawLine(order, line.id);
    const whole = Math.round(line.unit_price * line.quantity * 1e6) / 1e6;
    expect((raw.taxes as unknown[]).length, 'a taxed line').toBeGreaterThan(0);

    const first = await deliver('ops', { marketplaceOrderId: order.marketplace_order_id, name: 'refund', data: { reason: '16' }, lines: [{ id: line.id, quantity: 1 }] });
    expect(first.state).toBe('succeeded');
    expect(first.calls).toHaveLength(1);
    expect(first.calls[0]).toMatchObject({ method: 'PUT', path: '/api/orders/refund', status: 200 });
    expect(first.calls[0]!.body).toEqual({
      order_tax_mode: (order.raw as Json).order_tax_mode,
      refunds: [{
        order_line_id: line.id,
        amount: line.unit_price,
        quantity: 1,
        currency_iso_code: 'EUR',
        reason_code: '16',
        shipping_amount: 0,
        taxes: taxesScaled(raw.taxes, line.unit_price / whole),
        shipping_taxes: zeroed(raw.shipping_taxes),
      }],
    });
    const afterFirst = (await pull('ops', order.marketplace_order_id)).lines.find((l) => l.id === line.id)!;
    expect(afterFirst.refunded).toMatchObject({ quantity: 1, amount: line.unit_price });

    // A commercial gesture: an amount alone, sent with quantity 0 (OR28's quantity is informative).
    const second = await deliver('ops', { marketplaceOrderId: order.marketplace_order_id, name: 'refund', data: { reason: '18', refund_taxes: false }, lines: [{ id: line.id, amount: 1.5 }] });
    expect(second.state).toBe('succeeded');
    expect(second.calls.map((c) => c.body)).toEqual([{
      order_tax_mode: (order.raw as Json).order_tax_mode,
      refunds: [{ order_line_id: line.id, amount: 1.5, quantity: 0, currency_iso_code: 'EUR', reason_code: '18', shipping_amount: 0, taxes: zeroed(raw.taxes), shipping_taxes: zeroed(raw.shipping_taxes) }],
    }]);
    const afterSecond = (await pull('ops', order.marketplace_order_id)).lines.find((l) => l.id === line.id)!;
    expect(afterSecond.refunds?.map((r) => [r.quantity, r.amount])).toEqual([[1, line.unit_price], [0, 1.5]]);
    expect(afterSecond.refunded).toMatchObject({ quantity: 1, amount: Math.round((line.unit_price + 1.5) * 100) / 100 });

    // The line named whole now refunds what it has left (2 units, less the gesture), with its shipping.
    const rest = await deliver('ops', { marketplaceOrderId: order.marketplace_order_id, name: 'refund', data: { reason: '16', refund_shipping: true }, lines: [line.id] });
    expect(rest.state).toBe('succeeded');
    const left = Math.round((whole - line.unit_price - 1.5) * 100) / 100;
    expect(rest.calls.map((c) => c.body)).toEqual([{
      order_tax_mode: (order.raw as Json).order_tax_mode,
      refunds: [{ order_line_id: line.id, amount: left, quantity: 2, currency_iso_code: 'EUR', reason_code: '16', shipping_amount: line.shipping_price, taxes: taxesScaled(raw.taxes, left / whole), shipping_taxes: zeroed(raw.shipping_taxes) }],
    }]);
    // Nothing is left on the line: named again (another reason, so not the same action), it is refused before sending.
    const spent = await submitAction(runtime.store, runtime.accounts.get('ops')!.account, { marketplaceOrderId: order.marketplace_order_id, name: 'refund', data: { reason: '18' }, lines: [line.id] });
    expect(spent.kind === 'denied' && spent.validation.errors.map((e) => [e.code, e.field])).toEqual([['ACTION_LINE_QUANTITY_EXCEEDED', 'lines[0]']]);
  });

  it('refuses a part larger than what the line has left, with a located code, and sends nothing', async () => {
    const { order, line } = await shippedOrderWithThreeUnits('ops');
    // Its own key: without one, the same request as a later one is that one (see the next test).
    await deliver('ops', { marketplaceOrderId: order.marketplace_order_id, name: 'refund', data: { reason: '16' }, lines: [{ id: line.id, quantity: line.quantity - 1 }], idempotencyKey: 'setup' });
    await pull('ops', order.marketplace_order_id);
    const since = (await adminCalls(sim.baseUrl)).at(-1)?.seq ?? 0;
    const account = runtime.accounts.get('ops')!.account;
    const denied = async (lines: ActionInput['lines']) => {
      const outcome = await submitAction(runtime.store, account, { marketplaceOrderId: order.marketplace_order_id, name: 'refund', data: { reason: '16' }, ...(lines && { lines }) });
      return outcome.kind === 'denied' ? outcome.validation.errors.map((e) => [e.code, e.field]) : outcome.kind;
    };
    expect(await denied([{ id: line.id, quantity: 2 }])).toEqual([['ACTION_LINE_QUANTITY_EXCEEDED', 'lines[0].quantity']]);
    const left = Math.round(line.unit_price * 100) / 100;
    expect(await denied([{ id: line.id, amount: Math.round((left + 0.01) * 100) / 100 }])).toEqual([['ACTION_LINE_AMOUNT_EXCEEDED', 'lines[0].amount']]);
    // One unit, for more than it cost.
    const other = order.lines.find((l) => l.id !== line.id)!;
    expect(await denied([{ id: other.id, quantity: 1, amount: Math.round((other.unit_price + 1) * 100) / 100 }])).toEqual([['ACTION_LINE_AMOUNT_EXCEEDED', 'lines[0].amount']]);
    expect(await denied([{ id: line.id, quantity: 0 }, { id: other.id, amount: 0.001 }])).toEqual([['ACTION_LINE_PART_INVALID', 'lines[0].quantity'], ['ACTION_LINE_PART_INVALID', 'lines[1].amount']]);
    expect(await denied([{ id: line.id, units: 1 } as never])).toEqual([['ACTION_LINES_INVALID', 'lines[0].units']]);
    expect((await adminCalls(sim.baseUrl, since)).filter((c) => c.method !== 'GET')).toEqual([]);
  });
});

describe('the same partial refund twice', () => {
  it('is one refund without an idempotency key, two with two keys', async () => {
    const { order, line } = await shippedOrderWithThreeUnits('ops');
    const input: ActionInput = { marketplaceOrderId: order.marketplace_order_id, name: 'refund', data: { reason: '16' }, lines: [{ id: line.id, quantity: 1 }] };
    const account = runtime.accounts.get('ops')!.account;
    expect((await deliver('ops', input)).calls).toHaveLength(1);
    await pull('ops', order.marketplace_order_id);
    expect((await submitAction(runtime.store, account, input)).kind).toBe('existing');
    const again = await deliver('ops', { ...input, idempotencyKey: 'second-unit' });
    expect(again.calls.map((c) => c.status)).toEqual([200]);
    expect((await pull('ops', order.marketplace_order_id)).lines.find((l) => l.id === line.id)!.refunded?.quantity).toBe(2);
  });
});

describe('Worten refunds whole lines only (its source names no partial refund)', () => {
  it('refuses a quantity or an amount per line with ACTION_LINE_PARTIAL_NOT_ALLOWED', async () => {
    const { order, line } = await shippedOrderWithThreeUnits('worten-pt');
    const account = runtime.accounts.get('worten-pt')!.account;
    const outcome = await submitAction(runtime.store, account, { marketplaceOrderId: order.marketplace_order_id, name: 'refund', data: { reason: '15' }, lines: [{ id: line.id, quantity: 1, amount: 2 }] });
    expect(outcome.kind).toBe('denied');
    if (outcome.kind !== 'denied') return;
    expect(outcome.validation.errors.map((e) => [e.code, e.field])).toEqual([
      ['ACTION_LINE_PARTIAL_NOT_ALLOWED', 'lines[0].quantity'],
      ['ACTION_LINE_PARTIAL_NOT_ALLOWED', 'lines[0].amount'],
    ]);
    expect(outcome.validation.errors[0]!.message).toMatch(/takes whole lines only/);
  });

  it('still refunds a whole line with the whole line\'s amount and quantity', async () => {
    const { order, line } = await shippedOrderWithThreeUnits('worten-pt');
    const raw = rawLine(order, line.id);
    const { state, calls } = await deliver('worten-pt', { marketplaceOrderId: order.marketplace_order_id, name: 'refund', data: { reason: '15' }, lines: [line.id] });
    expect(state).toBe('succeeded');
    expect(calls.map((c) => c.body)).toEqual([{
      order_tax_mode: (order.raw as Json).order_tax_mode,
      refunds: [{
        order_line_id: line.id,
        amount: Math.round(line.unit_price * line.quantity * 1e6) / 1e6,
        quantity: line.quantity,
        currency_iso_code: 'EUR',
        reason_code: '15',
        shipping_amount: 0,
        taxes: taxesScaled(raw.taxes, 1),
        shipping_taxes: zeroed(raw.shipping_taxes),
      }],
    }]);
  });
});

describe('orderwire action --lines with parts', () => {
  it('reads id:quantity=N and id:amount=X, and refuses anything else with a usage error', () => {
    expect(parseLinesOption('L1, L2:quantity=1,L3:amount=4.50:quantity=2')).toEqual(['L1', { id: 'L2', quantity: 1 }, { id: 'L3', amount: 4.5, quantity: 2 }]);
    expect(() => parseLinesOption('L1:qty=1')).toThrow(/"qty=1" in "L1:qty=1" is not quantity=<units> or amount=<amount>/);
    expect(() => parseLinesOption('L1:amount=')).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});
