/**
 * Line cancellation before shipment (issue 16): `cancel_lines` through the daemon's runtime
 * against the Mirakl simulator (OR30): one whole line, then one unit of another, each with the
 * exact request in the simulator's call log; the order shows the cancelations and stays open
 * until every line is cancelled. Worten offers no such action and says so with a code. Octopia's
 * line cancellation: test/operations-cancel-lines-octopia.test.ts.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { StartedSimulator } from '@orderwire/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS_DIR } from '../engine/channel/load.ts';
import { loadConfigFile } from '../engine/config/load.ts';
import { openRuntime, type Runtime } from '../engine/daemon/runtime.ts';
import { silentLogger } from '../engine/log.ts';
import type { NormalizedOrder } from '../engine/order/model.ts';
import { submitAction, type ActionInput } from '../engine/sync/submit-action.ts';
import { adminCalls, adminCreateOrder } from './helpers/sim-admin.ts';
import { startOperationsRuntime, type OperationsRuntime } from './helpers/operations-runtime.ts';

type Json = Record<string, unknown>;

let ops: OperationsRuntime;
let sim: StartedSimulator;
let runtime: Runtime;

beforeAll(async () => {
  ops = await startOperationsRuntime({ platform: 'mirakl', seed: 30, name: 'or30', accounts: [{ id: 'ops', channel: 'miraklops', fixture: true }, { id: 'worten-c', channel: 'worten' }] });
  ({ sim, runtime } = ops);
});
afterAll(() => ops?.close());

const pull = (account: string, orderId: string): Promise<NormalizedOrder> => ops.pull(account, orderId);

/** An order waiting for shipment, taxed, with two lines the first of which has at least 2 units. */
async function orderToShip(account: string): Promise<NormalizedOrder> {
  for (let i = 0; i < 40; i++) {
    const { order_id } = await adminCreateOrder(sim.baseUrl, { state: 'SHIPPING', lines: 2, taxes: true });
    const order = await pull(account, order_id);
    if (order.lines.length === 2 && order.lines[0]!.quantity >= 2) return order;
  }
  throw new Error('no generated order with a line of 2 units');
}

const deliver = (input: ActionInput) => ops.deliver('ops', input);

const cents = (n: number) => Math.round(n * 100) / 100;
const scaled = (list: unknown, share: number) => (list as Array<{ code: string; amount: number }>).map((t) => ({ code: t.code, amount: cents(t.amount * share) }));

describe('cancel_lines before shipment on Mirakl (OR30)', () => {
  it('cancels a whole line, then one unit of the other: the exact OR30 requests; the order stays to ship', async () => {
    const order = await orderToShip('ops');
    const [first, second] = order.lines as [NormalizedOrder['lines'][0], NormalizedOrder['lines'][0]];
    const raw = (id: string) => (order.raw as { order_lines: Json[] }).order_lines.find((l) => l.order_line_id === id)!;
    expect((raw(second.id).taxes as unknown[]).length, 'a taxed line').toBeGreaterThan(0);

    const whole = await deliver({ marketplaceOrderId: order.marketplace_order_id, name: 'cancel_lines', data: { reason: '35' }, lines: [second.id] });
    expect(whole.state).toBe('succeeded');
    expect(whole.calls.map((c) => [c.method, c.path, c.status])).toEqual([['PUT', '/api/orders/cancel', 200]]);
    expect(whole.calls[0]!.body).toEqual({
      order_tax_mode: (order.raw as Json).order_tax_mode,
      cancelations: [{
        order_line_id: second.id,
        amount: Math.round(second.unit_price * second.quantity * 1e6) / 1e6,
        quantity: second.quantity,
        currency_iso_code: 'EUR',
        reason_code: '35',
        shipping_amount: cents(second.shipping_price),
        taxes: scaled(raw(second.id).taxes, 1),
        shipping_taxes: scaled(raw(second.id).shipping_taxes, 1),
      }],
    });

    const share = 1 / first.quantity;
    const unit = await deliver({ marketplaceOrderId: order.marketplace_order_id, name: 'cancel_lines', data: { reason: '34' }, lines: [{ id: first.id, quantity: 1 }] });
    expect(unit.state).toBe('succeeded');
    expect(unit.calls.map((c) => c.body)).toEqual([{
      order_tax_mode: (order.raw as Json).order_tax_mode,
      cancelations: [{
        order_line_id: first.id,
        amount: first.unit_price,
        quantity: 1,
        currency_iso_code: 'EUR',
        reason_code: '34',
        shipping_amount: cents(first.shipping_price * share),
        taxes: scaled(raw(first.id).taxes, share),
        shipping_taxes: scaled(raw(first.id).shipping_taxes, share),
      }],
    }]);

    const after = await pull('ops', order.marketplace_order_id);
    expect(after.status).toBe('waiting_shipment');
    expect(after.lines.map((l) => l.canceled?.quantity)).toEqual([1, second.quantity]);
    // quantity - 1 units are left on the first line: all of them again is refused before anything is sent.
    const denied = await submitAction(runtime.store, runtime.accounts.get('ops')!.account, { marketplaceOrderId: order.marketplace_order_id, name: 'cancel_lines', data: { reason: '35' }, lines: [{ id: first.id, quantity: first.quantity }] });
    expect(denied.kind === 'denied' && denied.validation.errors.map((e) => [e.code, e.field])).toEqual([['ACTION_LINE_QUANTITY_EXCEEDED', 'lines[0].quantity']]);

    // The first line named whole now cancels what it has left (quantity - 1 units), not every
    // unit again, which Mirakl would refuse; then the line has nothing left and is refused.
    const leftShare = (first.quantity - 1) / first.quantity;
    const rest = await deliver({ marketplaceOrderId: order.marketplace_order_id, name: 'cancel_lines', data: { reason: '35' }, lines: [first.id] });
    expect(rest.state).toBe('succeeded');
    expect(rest.calls.map((c) => c.body)).toEqual([{
      order_tax_mode: (order.raw as Json).order_tax_mode,
      cancelations: [{
        order_line_id: first.id,
        amount: cents(first.unit_price * (first.quantity - 1)),
        quantity: first.quantity - 1,
        currency_iso_code: 'EUR',
        reason_code: '35',
        // What the line has left of its shipping: never a cent more than the halves add up to.
        shipping_amount: cents(first.shipping_price - (after.lines[0]!.canceled?.shipping_amount ?? 0)),
        taxes: scaled(raw(first.id).taxes, leftShare),
        shipping_taxes: scaled(raw(first.id).shipping_taxes, leftShare),
      }],
    }]);
    const done = await pull('ops', order.marketplace_order_id);
    expect(done.lines.map((l) => l.canceled?.quantity)).toEqual([first.quantity, second.quantity]);
    // Every unit of both lines is cancelled: Mirakl cancels the order, and nothing more is sent.
    expect(done.status).toBe('canceled');
    const nothing = await submitAction(runtime.store, runtime.accounts.get('ops')!.account, { marketplaceOrderId: order.marketplace_order_id, name: 'cancel_lines', data: { reason: '34' }, lines: [first.id] });
    expect(nothing.kind).toBe('denied');
  });

  it('refuses an amount per line (the channel takes units only) and a shipped order, with codes', async () => {
    const order = await orderToShip('ops');
    const account = runtime.accounts.get('ops')!.account;
    const amount = await submitAction(runtime.store, account, { marketplaceOrderId: order.marketplace_order_id, name: 'cancel_lines', data: { reason: '35' }, lines: [{ id: order.lines[0]!.id, amount: 1 }] });
    expect(amount.kind === 'denied' && amount.validation.errors.map((e) => [e.code, e.field])).toEqual([['ACTION_LINE_PARTIAL_NOT_ALLOWED', 'lines[0].amount']]);
    const { order_id } = await adminCreateOrder(sim.baseUrl, { state: 'SHIPPED', lines: 1 });
    const shipped = await pull('ops', order_id);
    const late = await submitAction(runtime.store, account, { marketplaceOrderId: order_id, name: 'cancel_lines', data: { reason: '35' }, lines: [shipped.lines[0]!.id] });
    expect(late.kind === 'denied' && late.validation.errors.map((e) => e.code)).toEqual(['ACTION_NOT_ALLOWED_IN_STATUS']);
  });

  it('Worten offers no line cancellation: ACTION_UNKNOWN, nothing sent', async () => {
    const order = await orderToShip('worten-c');
    const since = (await adminCalls(sim.baseUrl)).at(-1)?.seq ?? 0;
    const outcome = await submitAction(runtime.store, runtime.accounts.get('worten-c')!.account, { marketplaceOrderId: order.marketplace_order_id, name: 'cancel_lines', data: { reason: '35' }, lines: [order.lines[0]!.id] });
    expect(outcome.kind === 'denied' && outcome.validation.errors.map((e) => e.code)).toEqual(['ACTION_UNKNOWN']);
    expect((await adminCalls(sim.baseUrl, since)).filter((c) => c.method !== 'GET')).toEqual([]);
  });
});

describe('a channel allowing cancel_lines on a platform that cannot send it', () => {
  it('is refused when the daemon starts: CONNECTOR_ACTION_NOT_DECLARED names the account, the channel and the action', async () => {
    const own = await mkdtemp(path.join(tmpdir(), 'orderwire-undeclared-'));
    try {
      await mkdir(path.join(own, 'channels'));
      // Kaufland's platform declares no line cancellation.
      const kaufland = await readFile(path.join(CHANNELS_DIR, 'kaufland.yaml'), 'utf8');
      await writeFile(path.join(own, 'channels', 'kaufland.yaml'), kaufland.replace('\nactions:\n', '\nactions:\n  cancel_lines:\n    when: [waiting_shipment]\n    lines: required\n'));
      await writeFile(path.join(own, 'orderwire.yaml'), `store: u.sqlite\nchannels_dir: channels\naccounts:\n  - id: kl\n    channel: kaufland\n    base_url: http://127.0.0.1:9\n    credentials:\n      client_key: { env: CKEY }\n      secret_key: { env: CSECRET }\n`);
      const config = await loadConfigFile(path.join(own, 'orderwire.yaml'));
      await expect(openRuntime(config, silentLogger(), { env: { CKEY: 'x', CSECRET: 'y' } })).rejects.toMatchObject({
        code: 'CONNECTOR_ACTION_NOT_DECLARED',
        message: 'account kl: channel kaufland allows cancel_lines, but platform kaufland declares no request for it',
      });
    } finally {
      await rm(own, { recursive: true, force: true });
    }
  });
});
