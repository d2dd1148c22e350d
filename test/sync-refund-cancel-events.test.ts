/**
 * What a back office reconciles after money moved: a cancel (Mirakl OR29) shows per line in the
 * normalized order (`canceled`) and in the history (`order.lines_canceled`), and a refund reaches
 * a webhook receiver on loopback as `order.refunded` with what each line gained.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadChannelFile } from '../engine/channel/load.ts';
import { ActionWorker } from '../engine/sync/action-worker.ts';
import { submitAction } from '../engine/sync/submit-action.ts';
import { DestinationPolicy } from '../engine/webhooks/destination.ts';
import { WebhookDispatcher } from '../engine/webhooks/dispatcher.ts';
import { adminCreateOrder } from './helpers/sim-admin.ts';
import { startSyncHarness, type HarnessOptions, type SyncHarness } from './helpers/sync-harness.ts';

const CANCEL_CHANNEL = path.resolve(import.meta.dirname, 'fixtures/channels/matrix/miraklcancel.yaml');

let h: SyncHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function start(options: HarnessOptions): Promise<{ h: SyncHarness; worker: ActionWorker }> {
  h = await startSyncHarness(options);
  const worker = new ActionWorker({ store: h.store, accounts: new Map([[h.account.id, { account: h.account, connector: h.connector }]]), log: h.log, owner: 'test-worker', leaseMs: 30_000, maxAttempts: 3 });
  return { h, worker };
}

/** Reads the order at the marketplace, stores it as a poll would, and queues the action. */
async function queue(h: SyncHarness, create: Record<string, unknown>, name: string, data?: Record<string, unknown>, lineIndexes?: number[]) {
  const { order_id } = await adminCreateOrder(h.sim.baseUrl, create);
  const read = (await h.connector.getOrder(order_id))!;
  await h.store.commitOrders([read]);
  const submitted = await submitAction(h.store, h.account, { marketplaceOrderId: order_id, name, ...(data && { data }), ...(lineIndexes && { lines: lineIndexes.map((i) => read.lines[i]!.id) }) });
  expect(submitted.kind, JSON.stringify(submitted)).toBe('queued');
  return { order_id, read, action: submitted.kind === 'queued' ? submitted.action : undefined };
}

describe('refunds and cancelations a back office can reconcile', () => {
  it('a cancel shows canceled quantity and amount per line, and an order.lines_canceled event', async () => {
    const { h, worker } = await start({ kind: 'mirakl', sim: { orders: 0 }, channel: await loadChannelFile(CANCEL_CHANNEL), accountId: 'cancel-m' });
    const { order_id, read, action } = await queue(h, { state: 'SHIPPING', lines: 2 }, 'cancel');
    expect(await worker.runOnce()).toBe(1);
    expect((await h.store.getAction(action!.id))?.state).toBe('succeeded');

    const stored = (await h.store.getOrder(h.account.id, h.channel.id, order_id))!;
    expect(stored.order.status).toBe('canceled');
    for (const line of stored.order.lines) {
      expect(line.canceled, line.id).toEqual({ quantity: line.quantity, amount: expect.closeTo(line.unit_price * line.quantity, 2), shipping_amount: expect.any(Number) });
      expect(line.refunded, line.id).toBeUndefined();
    }
    const events = await h.store.listEvents({ order_id: stored.id });
    const canceled = events.filter((e) => e.type === 'order.lines_canceled');
    expect(canceled).toHaveLength(1);
    expect(canceled[0]!.details?.lines.map((l) => [l.line_id, l.quantity])).toEqual(read.lines.map((l) => [l.id, l.quantity]));
    expect(events.some((e) => e.type === 'order.refunded')).toBe(false);

    // The same order read again (the next poll) adds no second event: events say what changed.
    await h.store.commitOrders([(await h.connector.getOrder(order_id))!]);
    expect((await h.store.listEvents({ order_id: stored.id })).filter((e) => e.type === 'order.lines_canceled')).toHaveLength(1);
  });

  it('a refund of one line reaches a webhook receiver as order.refunded, with that line and its amounts', async () => {
    const received: Array<{ type: string; data: { order_id: string; lines?: Array<{ line_id: string; quantity: number; amount: number }> } }> = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const { h, worker } = await start({ kind: 'mirakl', sim: { orders: 0 } });
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
      await h.store.createWebhookEndpoint({ url, accounts: [h.account.id], events: ['order.refunded'] });
      const { order_id, read } = await queue(h, { state: 'SHIPPED', lines: 2 }, 'refund', { reason: '15' }, [1]);
      expect(await worker.runOnce()).toBe(1);

      const dispatcher = new WebhookDispatcher({ store: h.store, log: h.log, owner: 'test', secretKey: 'k'.repeat(32), backoffMs: () => 0, policy: new DestinationPolicy({ allowed: ['127.0.0.1'] }) });
      expect(await dispatcher.runOnce()).toBe(1);
      const stored = (await h.store.getOrder(h.account.id, h.channel.id, order_id))!;
      const line = read.lines[1]!;
      expect(received).toEqual([expect.objectContaining({ type: 'order.refunded', data: expect.objectContaining({ order_id: stored.id, marketplace_order_id: order_id }) })]);
      expect(received[0]!.data.lines).toEqual([{ line_id: line.id, quantity: line.quantity, amount: expect.closeTo(line.unit_price * line.quantity, 2), shipping_amount: 0 }]);
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});
