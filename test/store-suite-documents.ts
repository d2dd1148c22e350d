/**
 * The Store contract for `order.document_available` (`recordDocumentEvent`, migration 015): part
 * of the one suite (test/store-suite.ts) both stores pass.
 */
import { describe, expect, it } from 'vitest';
import type { EventDocument, Store } from '../engine/store/store.ts';
import { at, order, T0 } from './helpers/store-orders.ts';

const slip: EventDocument = {
  id: '0b6f2a1e-3c4d-5e6f-8a9b-0c1d2e3f4a5b', source: 'marketplace', type: 'SYSTEM_DELIVERY_BILL', file_name: 'delivery-slip-D1.pdf',
  content_type: 'application/pdf', size: 1234, url: '/v1/documents/0b6f2a1e-3c4d-5e6f-8a9b-0c1d2e3f4a5b', marketplace_document_id: '7',
};

export function documentEventSuite(store: () => Store): void {
  describe('document events', () => {
    it('records order.document_available in the order\'s events, after its others, without a new version; its webhook carries the document', async () => {
      const endpoint = await store().createWebhookEndpoint({ url: 'http://127.0.0.1:9/hook', accounts: ['worten-pt'], events: ['order.document_available'] });
      await store().commitOrders([order('D1', { status: 'waiting_shipment', marketplace_status: 'SHIPPING' })]);
      const stored = (await store().getOrder('worten-pt', 'worten', 'D1'))!;
      const before = await store().lastEventSeq();
      const event = await store().recordDocumentEvent({ order_id: stored.id, account: 'worten-pt', channel: 'worten', marketplace_order_id: 'D1', document: slip, at: at(T0, 60) });
      expect(event).toMatchObject({ order_id: stored.id, type: 'order.document_available', details: { document: slip }, at: at(T0, 60) });
      expect(event.seq).toBeGreaterThan(before);
      expect(await store().lastEventSeq()).toBe(event.seq);
      expect((await store().listEvents({ order_id: stored.id })).map((e) => e.type)).toEqual(['order.created', 'order.document_available']);
      expect((await store().getOrder('worten-pt', 'worten', 'D1'))!.version).toBe(stored.version);
      // A later change of the order gets a later seq.
      await store().commitOrders([order('D1', { updated_at: at(T0, 120), status: 'shipped', marketplace_status: 'SHIPPED' })]);
      const events = await store().listEvents({ order_id: stored.id });
      expect(events.at(-1)!.seq).toBeGreaterThan(event.seq);

      const deliveries = await store().claimWebhookDeliveries('d', 30_000, 10, new Date(Date.now() + 1_000));
      expect(deliveries.map((d) => [d.endpoint_id, d.event.type])).toEqual([[endpoint.id, 'order.document_available']]);
      expect(deliveries[0]!.event.data).toEqual(expect.objectContaining({ order_id: stored.id, account: 'worten-pt', channel: 'worten', marketplace_order_id: 'D1', document: slip }));
      expect(deliveries[0]!.event.data).not.toHaveProperty('lines');
    });

    it('refuses an event for an order the store does not have', async () => {
      await expect(store().recordDocumentEvent({ order_id: 'nope', account: 'worten-pt', channel: 'worten', marketplace_order_id: 'X', document: slip })).rejects.toThrow();
    });
  });
}
