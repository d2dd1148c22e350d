/**
 * The Store contract for deadline alerts (`recordDeadlineAlerts`, migration 011): part of the one
 * suite (test/store-suite.ts) both stores pass.
 */
import { describe, expect, it } from 'vitest';
import type { DeadlineLeads, Store } from '../engine/store/store.ts';
import { at, order, T0 } from './helpers/store-orders.ts';

const H = 3600;
const LEADS: DeadlineLeads = { acceptance: 2 * H * 1000, shipping: 6 * H * 1000 };

export function deadlineAlertSuite(store: () => Store): void {
  describe('deadline alerts', () => {
    it('alerts each order once per deadline kind, when the deadline comes within its lead and the step is still ahead', async () => {
      await store().commitOrders([
        // Acceptance due in 1 h (within 2 h): alerted; its shipping deadline (in 30 h) is not yet.
        order('A1', { acceptance_deadline: at(T0, H), shipping_deadline: at(T0, 30 * H) }),
        // Acceptance due in 3 h: not yet.
        order('A2', { acceptance_deadline: at(T0, 3 * H) }),
        // Waiting for shipment: its (past) acceptance deadline no longer matters; shipping in 5 h does.
        order('S1', { status: 'waiting_shipment', marketplace_status: 'SHIPPING', acceptance_deadline: at(T0, -H), shipping_deadline: at(T0, 5 * H) }),
        // Shipped: nothing is ahead of it any more.
        order('S2', { status: 'shipped', marketplace_status: 'SHIPPED', shipping_deadline: at(T0, H) }),
        // Overdue while still waiting for acceptance (the daemon was down): alerted, marked overdue.
        order('O1', { acceptance_deadline: at(T0, -2 * H) }),
        order('N1'),
      ]);
      const now = new Date(T0);
      const first = await store().recordDeadlineAlerts(now, LEADS);
      expect(first.map((a) => [a.marketplace_order_id, a.kind, a.overdue]).sort()).toEqual([
        ['A1', 'acceptance', false],
        ['O1', 'acceptance', true],
        ['S1', 'shipping', false],
      ]);
      expect(first.find((a) => a.marketplace_order_id === 'S1')).toEqual({
        order_id: (await store().getOrder('worten-pt', 'worten', 'S1'))!.id,
        account: 'worten-pt',
        channel: 'worten',
        marketplace_order_id: 'S1',
        kind: 'shipping',
        deadline: at(T0, 5 * H),
        status: 'waiting_shipment',
        marketplace_status: 'SHIPPING',
        overdue: false,
        at: T0,
      });
      // The same instant again: nothing new.
      expect(await store().recordDeadlineAlerts(now, LEADS)).toEqual([]);
      // Two hours later A2's acceptance comes within its lead; A1 is not alerted again.
      const later = await store().recordDeadlineAlerts(new Date(Date.parse(T0) + 2 * H * 1000), LEADS);
      expect(later.map((a) => [a.marketplace_order_id, a.kind])).toEqual([['A2', 'acceptance']]);
      // A day later A1, still waiting for acceptance, gets its shipping alert: the other kind.
      const dayLater = await store().recordDeadlineAlerts(new Date(Date.parse(T0) + 25 * H * 1000), LEADS);
      expect(dayLater.map((a) => [a.marketplace_order_id, a.kind])).toEqual([['A1', 'shipping']]);
    });

    it('writes the webhook event with the marker, only while an endpoint exists, and for subscribed endpoints', async () => {
      await store().commitOrders([order('E0', { acceptance_deadline: at(T0, H) })]);
      // No endpoint yet: the marker is written, no event (as with every other event type).
      expect(await store().recordDeadlineAlerts(new Date(T0), LEADS)).toHaveLength(1);
      const subscribed = await store().createWebhookEndpoint({ url: 'http://127.0.0.1:9/a', accounts: ['worten-pt'], events: ['order.deadline_approaching'] });
      await store().createWebhookEndpoint({ url: 'http://127.0.0.1:9/b', accounts: ['worten-pt'], events: ['order.created'] });
      await store().commitOrders([order('E1', { acceptance_deadline: at(T0, H) })]);
      const claim = async () => store().claimWebhookDeliveries('d', 30_000, 50, new Date(Date.parse(T0) + 1_000));
      // Created events are wall-clock stamped: claim them out of the way first.
      await store().claimWebhookDeliveries('x', 30_000, 50, new Date(Date.now() + 1_000));
      const [alert] = await store().recordDeadlineAlerts(new Date(T0), LEADS);
      expect(alert?.marketplace_order_id).toBe('E1');
      const deliveries = await claim();
      expect(deliveries).toHaveLength(1);
      expect(deliveries[0]).toMatchObject({ endpoint_id: subscribed.id, event: { type: 'order.deadline_approaching', account: 'worten-pt', data: alert, created_at: T0 } });
      expect(await store().recordDeadlineAlerts(new Date(T0), LEADS)).toEqual([]);
      expect(await claim()).toEqual([]);
    });

    it('refuses a bad clock, lead or limit with STORE_ARGUMENT_INVALID naming the field', async () => {
      await expect(store().recordDeadlineAlerts(new Date(Number.NaN), LEADS)).rejects.toMatchObject({ code: 'STORE_ARGUMENT_INVALID', details: { field: 'now' } });
      await expect(store().recordDeadlineAlerts(new Date(T0), { acceptance: -1, shipping: 0 })).rejects.toMatchObject({ code: 'STORE_ARGUMENT_INVALID', details: { field: 'leads.acceptance' } });
      await expect(store().recordDeadlineAlerts(new Date(T0), LEADS, 0)).rejects.toMatchObject({ code: 'STORE_ARGUMENT_INVALID', details: { field: 'limit' } });
    });

    it('caps each call at the limit per kind, earliest deadline first; the next call takes the rest', async () => {
      await store().commitOrders([3, 1, 2].map((n) => order(`L${n}`, { acceptance_deadline: at(T0, n * 60) })));
      const first = await store().recordDeadlineAlerts(new Date(T0), LEADS, 2);
      expect(first.map((a) => a.marketplace_order_id)).toEqual(['L1', 'L2']);
      expect((await store().recordDeadlineAlerts(new Date(T0), LEADS, 2)).map((a) => a.marketplace_order_id)).toEqual(['L3']);
    });
  });
}
