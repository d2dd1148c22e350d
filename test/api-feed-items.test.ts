/**
 * The order feed (GET /v1/orders) serves every order exactly as GET /v1/orders/{id} does, its
 * history aside: the resource's own members, the acknowledgement, the stored document, and the
 * order route's `documents` and `invoice` (engine/api/feed-page.ts renders most items from the
 * store's bytes and parses the rest). On both stores, over real HTTP.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredAction } from '../engine/store/store.ts';
import { startApiHarness, type ApiHarness } from './helpers/api-server.ts';
import { SKIP_PG } from './helpers/postgres.ts';
import { order } from './store-suite.ts';

const STORES = [{ name: 'sqlite' as const, skip: false }, { name: 'postgres' as const, skip: SKIP_PG }];

const invoiceFile = (id: string) => ({ id, file_name: `${id}.pdf`, content_type: 'application/pdf', size: 1234, sha256: 'a'.repeat(64) });

describe.each(STORES)('order feed items on $name', ({ name, skip }) => {
  let h: ApiHarness;
  let token: string;
  beforeEach(async (ctx) => {
    if (skip) ctx.skip();
    h = await startApiHarness({ store: name, rateLimit: { max: 1000, timeWindowMs: 60_000 } });
    token = await h.token(['worten-pt']);
  });
  afterEach(async () => {
    await h?.close();
  });

  const get = async (path: string) => {
    const res = await h.call('GET', path, { token });
    expect(res.status).toBe(200);
    return res.body;
  };

  /** Every page of the feed at `limit`, checked against the order route item by item. */
  async function expectFeedEqualsOrderRoute(limit: number): Promise<Array<Record<string, unknown>>> {
    const items: Array<Record<string, unknown>> = [];
    for (let next: string | null = null; ; ) {
      const page = await get(`/v1/orders?limit=${limit}${next ? `&after=${next}` : ''}`);
      items.push(...page.items);
      next = page.next;
      if (!next) break;
    }
    for (const item of items) {
      const { history, ...single } = await get(`/v1/orders/${String(item.id)}`);
      expect(history).toEqual(expect.any(Array));
      expect(item).toEqual(single);
    }
    return items;
  }

  it('adds the documents and the invoice status the order route shows, whatever the order holds', async () => {
    await h.store.commitOrders([
      order('PLAIN'),
      order('NO-INVOICE', { has_invoice: false }),
      order('HAS-INVOICE', { has_invoice: true }),
      // The key's text in a string value is not the key.
      order('TRICKY', { has_invoice: false, buyer: { first_name: 'Ana "has_invoice":true', last_name: '"documents":[1] Zoë \u0001' } }),
      order('TRICKY-ABSENT', { buyer: { first_name: 'x"has_invoice', last_name: 'Silva' } }),
      order('SLIP', { has_invoice: false, documents: [{ id: 'DOC-1', type: 'SYSTEM_DELIVERY_BILL', file_name: 'slip.pdf', size: 10, uploaded_at: '2025-03-01T10:00:00.000Z' }] }),
      order('UPLOADING', { has_invoice: false }),
      order('UPLOADING-TOO', { has_invoice: true }),
      order('CANCELED', { has_invoice: false }),
      // Redacted: personal_data_redacted_at is an instant in the item, not null.
      order('ERASED', { has_invoice: true, buyer: { first_name: 'Rui', last_name: 'Costa', email: 'rui@example.com' } }),
    ]);
    expect(await h.store.erasePersonalData({ buyer_email: 'rui@example.com' })).toHaveLength(1);
    const id = async (m: string) => (await h.store.getOrder('worten-pt', 'worten', m))!.id;
    const upload = async (key: string, marketplaceOrderId: string, state?: StoredAction['state']) => {
      const { action } = await h.store.enqueueAction({
        idempotency_key: key,
        request: { channel: 'worten', account: 'worten-pt', marketplace_order_id: marketplaceOrderId, action: 'upload_invoice', status: 'shipped', lines: null, data: { invoice: invoiceFile(key) } },
      });
      if (state === 'canceled') expect((await h.store.cancelAction(action.id))?.state).toBe('canceled');
    };
    await upload('inv-1', 'UPLOADING');
    await upload('inv-2', 'UPLOADING-TOO');
    await upload('inv-3', 'CANCELED', 'canceled');
    await h.call('PUT', `/v1/orders/${await id('NO-INVOICE')}/acknowledgement`, { token, body: { reference: 'ERP "1"' } });
    await h.call('POST', `/v1/orders/${await id('HAS-INVOICE')}/import-error`, { token, body: { message: 'SKU unknown' } });
    // An acknowledgement changed after it was written: the import error, then the acknowledgement.
    await h.call('POST', `/v1/orders/${await id('PLAIN')}/import-error`, { token, body: { message: 'first try failed' } });
    await h.call('PUT', `/v1/orders/${await id('PLAIN')}/acknowledgement`, { token, body: { reference: 'ERP-2' } });

    for (const limit of [1, 4, 100]) {
      const items = await expectFeedEqualsOrderRoute(limit);
      expect(items).toHaveLength(10);
      const by = Object.fromEntries(items.map((i) => [i.marketplace_order_id as string, i as Record<string, unknown>]));
      // The cases differ, so the comparison above covered each path.
      expect(by.PLAIN).toMatchObject({ documents: [], invoice: { status: 'none' }, acknowledgement: { reference: 'ERP-2', acknowledged_version: 1, import_error: 'first try failed' } });
      expect(by.PLAIN!.invoice).not.toHaveProperty('marketplace_has_invoice');
      expect(by['NO-INVOICE']).toMatchObject({ documents: [], invoice: { status: 'none', marketplace_has_invoice: false }, acknowledgement: { reference: 'ERP "1"' } });
      expect(by['HAS-INVOICE']).toMatchObject({ documents: [], invoice: { status: 'uploaded', marketplace_has_invoice: true }, acknowledgement: { import_error: 'SKU unknown' } });
      expect(by.TRICKY).toMatchObject({ documents: [], invoice: { status: 'none', marketplace_has_invoice: false }, buyer: { first_name: 'Ana "has_invoice":true' } });
      expect(by['TRICKY-ABSENT']).toMatchObject({ documents: [], invoice: { status: 'none' } });
      expect(by.SLIP!.documents).toEqual([{ id: null, source: 'marketplace', type: 'SYSTEM_DELIVERY_BILL', file_name: 'slip.pdf', size: 10, content_type: null, url: null, marketplace_document_id: 'DOC-1' }]);
      expect(by.UPLOADING).toMatchObject({ documents: [{ id: 'inv-1', source: 'upload', url: '/v1/documents/inv-1', action_state: 'queued' }], invoice: { status: 'uploading', marketplace_has_invoice: false } });
      expect(by['UPLOADING-TOO']).toMatchObject({ invoice: { status: 'uploading', marketplace_has_invoice: true } });
      expect(by.CANCELED).toMatchObject({ documents: [{ id: 'inv-3', action_state: 'canceled' }], invoice: { status: 'none', marketplace_has_invoice: false } });
      expect(by.PLAIN).not.toHaveProperty('raw');
      expect(by.ERASED).toMatchObject({ personal_data_redacted_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/), buyer: {}, invoice: { status: 'uploaded' } });
      expect(by.PLAIN!.personal_data_redacted_at).toBeNull();
    }
  });

  it('serves the feed with its filters and cursors as before: every order once, in change order', async () => {
    await h.store.commitOrders(Array.from({ length: 25 }, (_, i) => order(`O${String(i).padStart(2, '0')}`, { has_invoice: i % 3 === 0 })));
    const items = await expectFeedEqualsOrderRoute(10);
    expect(items.map((i) => i.marketplace_order_id)).toEqual(Array.from({ length: 25 }, (_, i) => `O${String(i).padStart(2, '0')}`));
    const acknowledged = await get('/v1/orders?acknowledged=false&limit=100');
    expect(acknowledged.items).toHaveLength(25);
    expect((await get('/v1/orders?account=worten-pt&status=accepted')).items).toEqual([]);
  });
});
