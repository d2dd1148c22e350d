/**
 * The one behaviour suite of the Store interface. test/store-sqlite.test.ts and
 * test/store-postgres.test.ts run it on a fresh database per test; both stores must pass all of it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActionRequest } from '../engine/rules/request.ts';
import { shippedMigrations } from '../engine/store/migrations.ts';
import type { NewAction, Store, StoredOrder } from '../engine/store/store.ts';
import type { NormalizedOrder, OrderLine } from '../engine/order/model.ts';
import { T0, at, line, order, type StoreSuiteOptions } from './helpers/store-orders.ts';
import { deadlineAlertSuite } from './store-suite-deadlines.ts';
import { documentEventSuite } from './store-suite-documents.ts';
import { quarantineSuite } from './store-suite-quarantine.ts';
import { referenceListSuite } from './store-suite-reference-lists.ts';

export { at, line, order, type StoreSuiteOptions } from './helpers/store-orders.ts';

function request(orderId: string, action: ActionRequest['action'] = 'accept', data: ActionRequest['data'] = {}): ActionRequest {
  return { channel: 'worten', account: 'worten-pt', marketplace_order_id: orderId, action, status: 'waiting_acceptance', lines: null, data };
}

function newAction(key: string, orderId: string, action: ActionRequest['action'] = 'accept', data: ActionRequest['data'] = {}): NewAction {
  return { idempotency_key: key, request: request(orderId, action, data) };
}

async function walk(store: Store, limit: number, between?: (page: number) => Promise<void>): Promise<StoredOrder[]> {
  const seen: StoredOrder[] = [];
  let after: string | undefined;
  for (let page = 0; page < 100; page++) {
    const result = await store.listOrders({ limit, ...(after !== undefined && { after }) });
    seen.push(...result.items);
    if (!result.next) return seen;
    after = result.next;
    await between?.(page);
  }
  throw new Error('walk did not end');
}

const later = (ms: number): Date => new Date(Date.now() + ms);

export function describeStoreSuite(name: string, openFresh: () => Promise<Store>, options: StoreSuiteOptions): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let applied: string[];
    beforeEach(async () => {
      store = await openFresh();
      applied = await store.migrate();
    });
    afterEach(async () => {
      await store.close();
    });

    describe('migrations', () => {
      it('applies every numbered migration once, then nothing; ping reports readiness', async () => {
        expect(applied).toEqual(shippedMigrations(store.kind).map((m) => m.name));
        expect(await store.migrate()).toEqual([]);
        expect(await store.ping()).toBe(true);
        const fresh = await openFresh();
        try {
          expect(await fresh.ping()).toBe(false);
          expect(await fresh.migrate()).toEqual(applied);
          expect(await fresh.ping()).toBe(true);
        } finally {
          await fresh.close();
        }
      });
    });

    describe('commitOrders', () => {
      it('inserts a new order with an order.created event and returns it exactly as given', async () => {
        const o = order('A1');
        expect(await store.commitOrders([o])).toEqual({ inserted: 1, updated: 0, unchanged: 0, stale: 0, events: 1 });
        const stored = await store.getOrder('worten-pt', 'worten', 'A1');
        expect(stored?.order).toEqual(o);
        expect(stored?.version).toBe(1);
        expect(await store.getOrderById(stored!.id)).toEqual(stored);
        const events = await store.listEvents({});
        expect(events).toMatchObject([{ type: 'order.created', order_id: stored!.id, marketplace_order_id: 'A1', to_status: 'waiting_acceptance', to_marketplace_status: 'WAITING_ACCEPTANCE' }]);
        expect(await store.getOrder('other-account', 'worten', 'A1')).toBeUndefined();
        expect(await store.getOrderById('no-such-id')).toBeUndefined();
      });

      it('stores an order once per (account, channel, marketplace id): the same id in another account is another order', async () => {
        await store.commitOrders([order('A1'), order('A1', { account: 'worten-es' })]);
        expect(await store.commitOrders([order('A1')])).toMatchObject({ inserted: 0, unchanged: 1 });
        expect(await store.countOrders()).toBe(2);
      });

      it('detects an unchanged normalized order whatever its key order; raw is compared as received', async () => {
        const o = order('A1');
        await store.commitOrders([o]);
        const reordered = Object.fromEntries(Object.entries({ ...o, buyer: { last_name: 'Silva', first_name: 'Ana' } }).reverse()) as unknown as NormalizedOrder;
        expect(await store.commitOrders([reordered])).toEqual({ inserted: 0, updated: 0, unchanged: 1, stale: 0, events: 0 });
        expect((await store.getOrder('worten-pt', 'worten', 'A1'))?.version).toBe(1);
        expect(await store.listEvents({})).toHaveLength(1);
        // The raw text is kept exactly as received, so a reordered raw is a new version to keep.
        const rawReordered = { ...o, raw: { nested: { a: [1, 2], z: 1 }, order_state: 'WAITING_ACCEPTANCE', order_id: 'A1' } };
        expect(await store.commitOrders([rawReordered])).toMatchObject({ updated: 1, events: 1 });
        const stored = await store.getOrder('worten-pt', 'worten', 'A1');
        expect(Object.keys(stored!.order.raw as object)).toEqual(['nested', 'order_state', 'order_id']);
        expect((await store.listEvents({})).at(-1)?.type).toBe('order.updated');
      });

      it('keeps every text and raw payload exactly, escapes and control characters included, on insert and on update', async () => {
        // PostgreSQL streams new orders through COPY's text format (tab, newline, backslash are
        // its syntax) and stores raw as text; each of these must come back unchanged.
        const awkward = 'tab\there\nnew line\r\\back\\slash "quoted" \\N é 😀';
        const raws: unknown[] = [
          { order_id: 'R1', note: awkward, nul: 'a\u0000b', nested: { z: 1, a: [awkward] } },
          awkward,
          null,
          42,
          [awkward, { k: '\\N' }],
        ];
        const orders = raws.map((raw, i) => order(`R${i}\t\\${awkward.slice(0, 9)}`, { raw, marketplace_status: `ST\t${i}\\N`, buyer: { first_name: awkward, last_name: '\\N' } }));
        expect(await store.commitOrders(orders)).toMatchObject({ inserted: raws.length });
        for (const o of orders) expect((await store.getOrder(o.account, o.channel, o.marketplace_order_id))?.order).toEqual(o);
        expect((await store.listEvents({})).map((e) => e.marketplace_order_id)).toEqual(orders.map((o) => o.marketplace_order_id));
        // The same payloads through the update path, in another order.
        const updated = orders.map((o, i) => ({ ...o, updated_at: at(T0, 60), raw: raws[(i + 1) % raws.length] }));
        expect(await store.commitOrders(updated)).toMatchObject({ updated: raws.length });
        for (const o of updated) expect((await store.getOrder(o.account, o.channel, o.marketplace_order_id))?.order).toEqual(o);
        expect((await store.listOrders({})).items.map((s) => s.order)).toEqual(updated);
      });

      it('never lets an older version overwrite a newer one', async () => {
        await store.commitOrders([order('A1', { updated_at: at(T0, 60), status: 'accepted', marketplace_status: 'SHIPPING' })]);
        expect(await store.commitOrders([order('A1', { updated_at: T0, buyer: { first_name: 'Old' } })])).toMatchObject({ stale: 1, updated: 0, events: 0 });
        // Same instant written with another offset and precision is not older.
        const sameInstant = at(T0, 60).replace('.000Z', '+00:00');
        expect(await store.commitOrders([order('A1', { updated_at: sameInstant, status: 'accepted', marketplace_status: 'SHIPPING', buyer: {} })])).toMatchObject({ updated: 1 });
        const stored = await store.getOrder('worten-pt', 'worten', 'A1');
        expect(stored?.order.updated_at).toBe(sameInstant);
        expect(stored?.version).toBe(2);
      });

      it('records order.status_changed and one line.status_changed per changed line', async () => {
        await store.commitOrders([order('A1', { lines: [line('L1'), line('L2')] })]);
        const next = order('A1', { updated_at: at(T0, 60), status: 'waiting_shipment', marketplace_status: 'SHIPPING', lines: [line('L1', 'waiting_shipment', 'SHIPPING'), line('L2'), line('L3', 'refused', 'REFUSED')] });
        expect(await store.commitOrders([next])).toEqual({ inserted: 0, updated: 1, unchanged: 0, stale: 0, events: 3 });
        const events = (await store.listEvents({})).slice(1);
        expect(events).toEqual([
          expect.objectContaining({ type: 'order.status_changed', from_status: 'waiting_acceptance', to_status: 'waiting_shipment', from_marketplace_status: 'WAITING_ACCEPTANCE', to_marketplace_status: 'SHIPPING' }),
          expect.objectContaining({ type: 'line.status_changed', line_id: 'L1', from_status: 'waiting_acceptance', to_status: 'waiting_shipment', to_marketplace_status: 'SHIPPING' }),
          expect.objectContaining({ type: 'line.status_changed', line_id: 'L3', to_status: 'refused' }),
        ]);
        expect(events[2]).not.toHaveProperty('from_status');
        const stored = await store.getOrder('worten-pt', 'worten', 'A1');
        expect(stored?.version).toBe(2);
        expect(stored?.order).toEqual(next);
      });

      it('records order.refunded and order.lines_canceled with what each line gained, and a webhook for them', async () => {
        const endpoint = await store.createWebhookEndpoint({ url: 'http://127.0.0.1:9/hook', accounts: ['worten-pt'], events: ['order.refunded', 'order.lines_canceled'] });
        const shipped = (id: string, extra: Partial<OrderLine> = {}) => ({ ...line(id, 'shipped', 'SHIPPED'), quantity: 2, ...extra });
        const refunds = (...list: Array<[string, number, number]>) => ({
          refunds: list.map(([id, quantity, amount]) => ({ id, quantity, amount, shipping_amount: 0 })),
          refunded: { quantity: list.reduce((n, r) => n + r[1], 0), amount: list.reduce((n, r) => n + r[2], 0), shipping_amount: 0 },
        });
        await store.commitOrders([order('R1', { status: 'shipped', marketplace_status: 'SHIPPED', lines: [shipped('L1'), shipped('L2')] })]);
        // One refund on L1: one event, one line.
        await store.commitOrders([order('R1', { updated_at: at(T0, 60), status: 'shipped', marketplace_status: 'SHIPPED', lines: [shipped('L1', refunds(['1', 1, 10])), shipped('L2')] })]);
        // The same refunds read again (another poll): nothing new. Then L1's second unit and L2 together.
        await store.commitOrders([order('R1', { updated_at: at(T0, 60), status: 'shipped', marketplace_status: 'SHIPPED', lines: [shipped('L1', refunds(['1', 1, 10])), shipped('L2')] })]);
        await store.commitOrders([order('R1', { updated_at: at(T0, 120), status: 'shipped', marketplace_status: 'SHIPPED', lines: [shipped('L1', refunds(['1', 1, 10], ['2', 1, 10])), shipped('L2', refunds(['3', 2, 19.98]))] })]);
        // A cancelation of another order's line.
        await store.commitOrders([order('C1', { status: 'waiting_shipment', marketplace_status: 'SHIPPING', lines: [line('L9', 'waiting_shipment', 'SHIPPING')] })]);
        await store.commitOrders([order('C1', { updated_at: at(T0, 30), status: 'canceled', marketplace_status: 'CANCELED', lines: [{ ...line('L9', 'canceled', 'CANCELED'), cancelations: [{ quantity: 1, amount: 10, shipping_amount: 2 }], canceled: { quantity: 1, amount: 10, shipping_amount: 2 } }] })]);
        const events = (await store.listEvents({})).filter((e) => e.type === 'order.refunded' || e.type === 'order.lines_canceled');
        expect(events.map((e) => [e.marketplace_order_id, e.type, e.details])).toEqual([
          ['R1', 'order.refunded', { lines: [{ line_id: 'L1', quantity: 1, amount: 10, shipping_amount: 0 }] }],
          ['R1', 'order.refunded', { lines: [{ line_id: 'L1', quantity: 1, amount: 10, shipping_amount: 0 }, { line_id: 'L2', quantity: 2, amount: 19.98, shipping_amount: 0 }] }],
          ['C1', 'order.lines_canceled', { lines: [{ line_id: 'L9', quantity: 1, amount: 10, shipping_amount: 2 }] }],
        ]);
        expect(events[0]).toMatchObject({ to_status: 'shipped', to_marketplace_status: 'SHIPPED' });
        const deliveries = await store.claimWebhookDeliveries('d', 30_000, 10, later(1_000));
        expect(deliveries.map((d) => [d.endpoint_id, d.event.type, (d.event.data as { lines: unknown }).lines])).toEqual(events.map((e) => [endpoint.id, e.type, e.details!.lines]));
        expect(deliveries[0]!.event.data).toMatchObject({ marketplace_order_id: 'R1', account: 'worten-pt', to_status: 'shipped' });
      });

      it('records order.status_changed when only the marketplace status changed, order.updated for other changes', async () => {
        await store.commitOrders([order('A1')]);
        await store.commitOrders([order('A1', { updated_at: at(T0, 1), marketplace_status: 'WAITING_ACCEPTANCE_2' })]);
        // Same updated_at but new content: the marketplace changed it without a new timestamp.
        await store.commitOrders([order('A1', { updated_at: at(T0, 1), marketplace_status: 'WAITING_ACCEPTANCE_2', tracking: { number: 'TRK1' } })]);
        const types = (await store.listEvents({})).map((e) => e.type);
        expect(types).toEqual(['order.created', 'order.status_changed', 'order.updated']);
        expect((await store.getOrder('worten-pt', 'worten', 'A1'))?.order.tracking).toEqual({ number: 'TRK1' });
      });

      it('folds one order seen twice in a page into one row with both changes', async () => {
        const result = await store.commitOrders([order('A1'), order('A1', { updated_at: at(T0, 5), status: 'accepted', marketplace_status: 'ACCEPTED' }), order('A1')]);
        expect(result).toEqual({ inserted: 1, updated: 1, unchanged: 0, stale: 1, events: 2 });
        const stored = await store.getOrder('worten-pt', 'worten', 'A1');
        expect(stored).toMatchObject({ version: 2, order: { status: 'accepted' } });
      });

      it('rejects an order it cannot key or compare, naming the field, and stores nothing of the page', async () => {
        const bad = order('A2', { updated_at: '2025-03-01T10:00:00' });
        await expect(store.commitOrders([order('A1'), bad])).rejects.toMatchObject({ code: 'STORE_ORDER_INVALID', details: { path: 'orders[1].updated_at' } });
        await expect(store.commitOrders([order('A3', { lines: [line('X'), line('X')] })])).rejects.toMatchObject({ code: 'STORE_ORDER_INVALID', details: { path: 'orders[0].lines[1].id' } });
        await expect(store.commitOrders([order('A4', { status: 'lost' as never })])).rejects.toMatchObject({ code: 'STORE_ORDER_INVALID', details: { path: 'orders[0].status' } });
        expect(await store.countOrders()).toBe(0);
      });

      it('advances the cursor in the same transaction: a failure mid-page moves neither orders nor cursor', async () => {
        const cursor = { account: 'worten-pt', channel: 'worten', kind: 'incremental' as const, position: at(T0, 600) };
        await store.commitOrders([order('A1')]);
        await options.failInsertsOf(store, 'BOOM');
        const page = [order('A1', { updated_at: at(T0, 60), status: 'accepted', marketplace_status: 'ACCEPTED' }), order('A2'), order('BOOM')];
        await expect(store.commitOrders(page, cursor)).rejects.toMatchObject({ code: 'STORE_CONSTRAINT_VIOLATION' });
        expect((await store.getOrder('worten-pt', 'worten', 'A1'))?.order.status).toBe('waiting_acceptance');
        expect(await store.getOrder('worten-pt', 'worten', 'A2')).toBeUndefined();
        expect(await store.getCursor('worten-pt', 'worten', 'incremental')).toBeUndefined();
        expect(await store.listEvents({})).toHaveLength(1);
        // Without the failing order, the same page commits with its cursor.
        expect(await store.commitOrders(page.slice(0, 2), cursor)).toMatchObject({ inserted: 1, updated: 1 });
        expect((await store.getCursor('worten-pt', 'worten', 'incremental'))?.position).toBe(cursor.position);
      });
    });

    describe('cursors', () => {
      it('moves forward with commitOrders, is set as given by setCursor, and keeps kinds apart', async () => {
        const c = (position: string) => ({ account: 'worten-pt', channel: 'worten', kind: 'catch_up' as const, position });
        await store.commitOrders([], c('2025-03-01T12:00:00+02:00'));
        expect(await store.getCursor('worten-pt', 'worten', 'catch_up')).toMatchObject({ kind: 'catch_up', position: '2025-03-01T10:00:00.000Z' });
        await store.commitOrders([], c('2025-03-01T09:00:00Z'));
        expect((await store.getCursor('worten-pt', 'worten', 'catch_up'))?.position).toBe('2025-03-01T10:00:00.000Z');
        await store.setCursor('worten-pt', 'worten', 'catch_up', '2025-02-01T00:00:00Z');
        expect((await store.getCursor('worten-pt', 'worten', 'catch_up'))?.position).toBe('2025-02-01T00:00:00.000Z');
        expect(await store.getCursor('worten-pt', 'worten', 'incremental')).toBeUndefined();
        await expect(store.setCursor('worten-pt', 'worten', 'incremental', 'yesterday')).rejects.toMatchObject({ code: 'STORE_ARGUMENT_INVALID' });
        await expect(store.setCursor('worten-pt', 'worten', 'hourly' as never, T0)).rejects.toMatchObject({ code: 'STORE_ARGUMENT_INVALID' });
      });
    });

    describe('listOrders', () => {
      it('filters by account(s), channel, status, marketplace status, updated_since and fulfilment, and counts the same', async () => {
        await store.commitOrders([
          order('A1'),
          order('A2', { status: 'shipped', marketplace_status: 'SHIPPED', updated_at: at(T0, 100) }),
          order('A3', { account: 'worten-es', delivered_by_marketplace: true, updated_at: at(T0, 200) }),
          order('C1', { account: 'cd-fr', channel: 'cdiscount', marketplace_status: 'WaitingForSellerAcceptation' }),
        ]);
        const ids = async (filter: Parameters<Store['listOrders']>[0]) => {
          const page = await store.listOrders(filter);
          const { after: _after, limit: _limit, ...countFilter } = filter;
          expect(await store.countOrders(countFilter)).toBe(page.items.length);
          return page.items.map((s) => s.order.marketplace_order_id).sort();
        };
        expect(await ids({})).toEqual(['A1', 'A2', 'A3', 'C1']);
        expect(await ids({ account: 'worten-pt' })).toEqual(['A1', 'A2']);
        expect(await ids({ account: ['worten-es', 'cd-fr'] })).toEqual(['A3', 'C1']);
        expect(await ids({ account: [] })).toEqual([]);
        expect(await ids({ channel: 'cdiscount' })).toEqual(['C1']);
        expect(await ids({ status: 'shipped' })).toEqual(['A2']);
        expect(await ids({ marketplace_status: 'WaitingForSellerAcceptation' })).toEqual(['C1']);
        expect(await ids({ updated_since: at(T0, 100).replace('Z', '+00:00') })).toEqual(['A2', 'A3']);
        expect(await ids({ delivered_by_marketplace: true })).toEqual(['A3']);
        expect(await ids({ delivered_by_marketplace: false, account: 'worten-pt', status: 'waiting_acceptance' })).toEqual(['A1']);
      });

      it('filters by the deadline of the next step (due_before): acceptance, then shipping; none once shipped', async () => {
        const H = 3600;
        await store.commitOrders([
          // Waiting for acceptance: its acceptance deadline counts (given with an offset: stored canonical).
          order('D1', { acceptance_deadline: at(T0, 2 * H).replace('Z', '+00:00'), shipping_deadline: at(T0, 10 * H) }),
          // Waiting for acceptance with only a shipping deadline: that one counts.
          order('D2', { shipping_deadline: at(T0, 5 * H) }),
          // Waiting for shipment: the shipping deadline counts, not the (past) acceptance one.
          order('D3', { status: 'waiting_shipment', marketplace_status: 'SHIPPING', acceptance_deadline: at(T0, H), shipping_deadline: at(T0, 20 * H) }),
          // Shipped: nothing is due any more, whatever its deadlines say.
          order('D4', { status: 'shipped', marketplace_status: 'SHIPPED', shipping_deadline: at(T0, H) }),
          // No deadline at all.
          order('D5'),
        ]);
        const ids = async (dueBefore: string) => {
          const page = await store.listOrders({ due_before: dueBefore });
          expect(await store.countOrders({ due_before: dueBefore })).toBe(page.items.length);
          return page.items.map((s) => s.order.marketplace_order_id).sort();
        };
        expect(await ids(at(T0, 2 * H))).toEqual([]);
        expect(await ids(at(T0, 2 * H + 1))).toEqual(['D1']);
        expect(await ids(at(T0, 6 * H).replace('Z', '+01:00'))).toEqual(['D1']);
        expect(await ids(at(T0, 6 * H))).toEqual(['D1', 'D2']);
        expect(await ids(at(T0, 21 * H))).toEqual(['D1', 'D2', 'D3']);
        expect((await store.getOrder('worten-pt', 'worten', 'D1'))?.order.acceptance_deadline).toBe(at(T0, 2 * H));
        await expect(store.listOrders({ due_before: 'tomorrow' })).rejects.toMatchObject({ code: 'STORE_ARGUMENT_INVALID' });
      });

      it('walks every order once in pages; a changed order moves to the end, none is skipped or repeated', async () => {
        await store.commitOrders(Array.from({ length: 10 }, (_, i) => order(`O${i}`)));
        const plain = await walk(store, 3);
        expect(plain.map((s) => s.order.marketplace_order_id)).toEqual(['O0', 'O1', 'O2', 'O3', 'O4', 'O5', 'O6', 'O7', 'O8', 'O9']);

        const seen = await walk(store, 3, async (page) => {
          if (page !== 0) return;
          // After the first page: change one order already returned and one not yet returned.
          await store.commitOrders([order('O1', { updated_at: at(T0, 60), status: 'accepted', marketplace_status: 'ACCEPTED' })]);
          await store.commitOrders([order('O7', { updated_at: at(T0, 60), status: 'refused', marketplace_status: 'REFUSED' })]);
        });
        const ids = seen.map((s) => s.order.marketplace_order_id);
        expect(ids).toEqual(['O0', 'O1', 'O2', 'O3', 'O4', 'O5', 'O6', 'O8', 'O9', 'O1', 'O7']);
        expect(seen.at(-2)?.order.status).toBe('accepted');
        expect(seen.at(-1)?.order.status).toBe('refused');
      });

      it('lists the same page as document texts without raw (listOrderDocuments), with the same cursors', async () => {
        await store.commitOrders([order('A1', { buyer: { first_name: 'Zoë "Q"', last_name: 'Ünal' } }), order('A2'), order('A3', { account: 'worten-es' })]);
        const filter = { account: ['worten-pt'], limit: 1 };
        const full = await store.listOrders(filter);
        const texts = await store.listOrderDocuments(filter);
        expect(texts.next).toBe(full.next);
        const { order: { raw: _raw, ...document }, ...meta } = full.items[0]!;
        const { document: text, ...textMeta } = texts.items[0]!;
        expect(typeof text).toBe('string');
        expect(JSON.parse(text)).toEqual(document);
        expect(text).not.toContain('"raw"');
        expect(textMeta).toEqual(meta);
        const second = await store.listOrderDocuments({ ...filter, after: texts.next! });
        expect(second.items.map((o) => (JSON.parse(o.document) as { marketplace_order_id: string }).marketplace_order_id)).toEqual(['A2']);
        expect(second.next).toBeUndefined();
      });

      it('renders the feed page as bytes (listOrderFeed): each order with its acknowledgement, final items closed by has_invoice, the same cursors, orders with documents or the named action flagged', async () => {
        await store.commitOrders([
          order('A1', { buyer: { first_name: 'Zoë "Q"', last_name: 'Ünal \u0001 "has_invoice":true "documents":[]' }, has_invoice: true }),
          order('A2', { has_invoice: false }), order('A3'), order('A4', { account: 'worten-es' }),
          order('A5', { documents: [{ id: 'D1', type: 'CUSTOMER_INVOICE' }] }), order('A6'),
        ]);
        const [a1, a2, a3, a5, a6] = await Promise.all(['A1', 'A2', 'A3', 'A5', 'A6'].map(async (m) => (await store.getOrder('worten-pt', 'worten', m))!));
        await store.acknowledgeOrder({ order_id: a2!.id, account: 'worten-pt', reference: 'ERP "2"', version: 1 });
        await store.reportImportError({ order_id: a3!.id, account: 'worten-pt', message: 'SKU unknown' });
        await store.enqueueAction(newAction('k1', 'A3', 'accept'));
        // Closings as the API would give them (JSON text after the document's last member); a quote tests the SQL literal.
        const options = { flag_action: 'accept', closings: { absent: ',"c":"absent \'"}', true: ',"c":true}', false: ',"c":false}' } };
        const acks = await store.getAcknowledgements([a1!.id, a2!.id, a3!.id]);
        const resource = (s: StoredOrder) => {
          const { raw: _raw, ...document } = s.order;
          const { order_id: _o, account: _a, ...ack } = acks.get(s.id) ?? {};
          return { id: s.id, version: s.version, first_seen_at: s.first_seen_at, last_changed_at: s.last_changed_at, personal_data_redacted_at: null, acknowledgement: acks.has(s.id) ? ack : null, ...document };
        };
        const filter = { account: ['worten-pt'], limit: 2 };
        const feed = await store.listOrderFeed(filter, options);
        const full = await store.listOrders(filter);
        expect(feed.next).toBe(full.next);
        // No order flagged: the whole body, every item closed by its has_invoice.
        if (!('body' in feed)) throw new Error('expected a rendered body');
        expect(Buffer.isBuffer(feed.body)).toBe(true);
        expect(feed.count).toBe(2);
        expect(JSON.parse(feed.body.toString('utf8'))).toEqual({ items: [{ ...resource(a1!), c: true }, { ...resource(a2!), c: false }], next: full.next });
        // A3 has an `accept` action, A5 lists documents: both flagged, their texts as stored (not closed).
        const second = await store.listOrderFeed({ ...filter, after: feed.next! }, options);
        if (!('items' in second)) throw new Error('expected items to render');
        expect([second.count, second.flagged, second.next]).toEqual([2, [0, 1], (await store.listOrders({ ...filter, after: feed.next! })).next]);
        expect(second.items.toString('utf8').split('\0').map((t) => JSON.parse(t))).toEqual([resource(a3!), resource(a5!)]);
        // The last page: one order, has_invoice absent; a flagged order on the same page is not A6's business.
        const third = await store.listOrderFeed({ ...filter, after: second.next! }, options);
        expect(third).toEqual({ body: expect.any(Buffer), count: 1 });
        expect(JSON.parse((third as { body: Buffer }).body.toString('utf8'))).toEqual({ items: [{ ...resource(a6!), c: 'absent \'' }], next: null });
        // Flagged and final orders on one page: the final ones closed, the flagged ones not.
        const mixed = await store.listOrderFeed({ account: ['worten-pt'], limit: 3, after: feed.next! }, options);
        if (!('items' in mixed)) throw new Error('expected items to render');
        expect([mixed.count, mixed.flagged, mixed.next]).toEqual([3, [0, 1], undefined]);
        expect(mixed.items.toString('utf8').split('\0').map((t) => JSON.parse(t))).toEqual([resource(a3!), resource(a5!), { ...resource(a6!), c: 'absent \'' }]);
        expect(await store.listOrderFeed({ account: ['nobody'] }, options)).toEqual({ body: Buffer.from('{"items":[],"next":null}'), count: 0 });
        await expect(store.listOrderFeed(filter, { ...options, flag_action: "x' OR 1=1 --" })).rejects.toMatchObject({ code: 'STORE_ARGUMENT_INVALID' });
      });

      it('rejects cursors it did not issue for this listing', async () => {
        await store.commitOrders([order('A1'), order('A2')]);
        await expect(store.listOrders({ after: 'garbage!' })).rejects.toMatchObject({ code: 'STORE_PAGE_CURSOR_INVALID' });
        await store.enqueueAction(newAction('k1', 'A1'));
        await store.enqueueAction(newAction('k2', 'A2'));
        const actionsCursor = (await store.listActions({ limit: 1 })).next!;
        await expect(store.listOrders({ after: actionsCursor })).rejects.toMatchObject({ code: 'STORE_PAGE_CURSOR_INVALID' });
        await expect(store.listOrders({ limit: 0 })).rejects.toMatchObject({ code: 'STORE_ARGUMENT_INVALID' });
      });
    });

    describe('event feed', () => {
      it('lists events in strictly increasing seq, after a seq, by order and by account', async () => {
        await store.commitOrders([order('A1'), order('B1', { account: 'worten-es' })]);
        await store.commitOrders([order('A1', { updated_at: at(T0, 1), status: 'accepted', marketplace_status: 'ACCEPTED' })]);
        const all = await store.listEvents({});
        expect(all.map((e) => e.type)).toEqual(['order.created', 'order.created', 'order.status_changed']);
        for (let i = 1; i < all.length; i++) expect(all[i]!.seq).toBeGreaterThan(all[i - 1]!.seq);
        expect(await store.listEvents({ after: all[0]!.seq })).toEqual(all.slice(1));
        expect(await store.listEvents({ after: all[0]!.seq, limit: 1 })).toEqual([all[1]]);
        expect((await store.listEvents({ order_id: all[0]!.order_id })).map((e) => e.seq)).toEqual([all[0]!.seq, all[2]!.seq]);
        expect((await store.listEvents({ account: ['worten-es'] })).map((e) => e.marketplace_order_id)).toEqual(['B1']);
        await expect(store.listEvents({ after: -1 })).rejects.toMatchObject({ code: 'STORE_ARGUMENT_INVALID' });
      });
    });

    describe('actions', () => {
      it('stores an action once per idempotency key and refuses the key for another request', async () => {
        const first = await store.enqueueAction(newAction('key-1', 'A1', 'ship', { tracking_number: 'T1', carrier: { code: 'CTT', name: 'CTT', registered: true } }));
        expect(first.existing).toBe(false);
        expect(first.action).toMatchObject({ state: 'queued', attempts: 0, idempotency_key: 'key-1', action: 'ship', marketplace_order_id: 'A1' });
        const again = await store.enqueueAction(newAction('key-1', 'A1', 'ship', { carrier: { registered: true, name: 'CTT', code: 'CTT' }, tracking_number: 'T1' }));
        expect(again).toEqual({ action: first.action, existing: true });
        await expect(store.enqueueAction(newAction('key-1', 'A1', 'ship', { tracking_number: 'T2' }))).rejects.toMatchObject({ code: 'STORE_IDEMPOTENCY_KEY_REUSED' });
        expect((await store.listActions({})).items).toHaveLength(1);
        expect(await store.getAction(first.action.id)).toEqual(first.action);
        await expect(store.enqueueAction({ idempotency_key: '', request: request('A1') })).rejects.toMatchObject({ code: 'STORE_ARGUMENT_INVALID' });
      });

      it('queues several actions on one order, and only when the pending ones are still those it was validated after', async () => {
        const first = await store.enqueueAction({ ...newAction('k1', 'A1'), fingerprint: 'f1', after_pending: [] });
        expect(first.existing).toBe(false);
        expect(await store.getActionByKey('k1')).toMatchObject({ id: first.action.id, fingerprint: 'f1' });
        // Validated before the first was queued: refused, nothing stored.
        await expect(store.enqueueAction({ ...newAction('k2', 'A1', 'refund'), after_pending: [] })).rejects.toMatchObject({ code: 'STORE_ACTION_PENDING_CHANGED' });
        const second = await store.enqueueAction({ ...newAction('k2', 'A1', 'refund'), after_pending: [first.action.id] });
        expect(second.existing).toBe(false);
        // Another action of the same kind may wait too (a refund of another line).
        const third = await store.enqueueAction({ ...newAction('k3', 'A1', 'refund', { reason: 'other' }), after_pending: [second.action.id, first.action.id] });
        expect((await store.pendingActions('worten-pt', 'worten', 'A1')).map((a) => a.id)).toEqual([first.action.id, second.action.id, third.action.id]);
        expect(await store.pendingActions('worten-pt', 'worten', 'A9')).toEqual([]);
        // The same key again is the stored action, whatever was validated; another request with it is refused.
        expect(await store.enqueueAction({ ...newAction('k1', 'A1'), fingerprint: 'f1', after_pending: [] })).toEqual({ action: first.action, existing: true });
        await expect(store.enqueueAction({ ...newAction('k1', 'A1'), fingerprint: 'f-other' })).rejects.toMatchObject({ code: 'STORE_IDEMPOTENCY_KEY_REUSED' });
        expect(await store.getActionByKey('nope')).toBeUndefined();
      });

      it("claims only the oldest pending action of an order: one in flight per order, in queue order", async () => {
        const a1 = (await store.enqueueAction(newAction('k1', 'A1'))).action;
        const a2 = (await store.enqueueAction(newAction('k2', 'A1', 'refund'))).action;
        const b1 = (await store.enqueueAction(newAction('k3', 'B1'))).action;
        const t = later(1_000);
        expect((await store.claimActions('w1', 60_000, 10, t)).map((a) => a.id)).toEqual([a1.id, b1.id]);
        await store.updateAction(b1.id, 'w1', { state: 'succeeded', release: true });
        // Sending, or lease expired: still the oldest, so a2 waits.
        await store.updateAction(a1.id, 'w1', { state: 'sending', attempts: 1 });
        expect((await store.claimActions('w2', 60_000, 10, new Date(t.getTime() + 60_000))).map((a) => a.id)).toEqual([a1.id]);
        // A backing-off action keeps its place too.
        await store.updateAction(a1.id, 'w2', { state: 'queued', next_attempt_at: new Date(t.getTime() + 600_000).toISOString(), release: true });
        expect(await store.claimActions('w3', 60_000, 10, new Date(t.getTime() + 60_001))).toEqual([]);
        const [claimed] = await store.claimActions('w3', 60_000, 10, new Date(t.getTime() + 600_000));
        expect(claimed?.id).toBe(a1.id);
        await store.updateAction(a1.id, 'w3', { state: 'succeeded', release: true });
        expect((await store.claimActions('w3', 60_000, 10, new Date(t.getTime() + 600_000))).map((a) => a.id)).toEqual([a2.id]);
      });

      it('hands each due action to one owner at a time and reclaims it when the lease expired', async () => {
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) ids.push((await store.enqueueAction(newAction(`k${i}`, `A${i}`))).action.id);
        const t = later(1_000);
        const a = await store.claimActions('worker-a', 30_000, 3, t);
        const b = await store.claimActions('worker-b', 30_000, 10, t);
        expect(a).toHaveLength(3);
        expect(b).toHaveLength(2);
        expect(new Set([...a, ...b].map((x) => x.id))).toEqual(new Set(ids));
        expect(a.map((x) => x.id)).toEqual(ids.slice(0, 3));
        expect(a[0]).toMatchObject({ lease_owner: 'worker-a', state: 'queued', attempts: 0, lease_until: new Date(t.getTime() + 30_000).toISOString() });
        expect(await store.claimActions('worker-c', 30_000, 10, new Date(t.getTime() + 29_999))).toEqual([]);
        // worker-a marks one as sending, then dies; its leases expire.
        expect(await store.updateAction(a[0]!.id, 'worker-a', { state: 'sending', attempts: 1 })).toBe(true);
        const reclaimed = await store.claimActions('worker-c', 30_000, 10, new Date(t.getTime() + 30_000));
        expect(reclaimed.map((x) => x.id).sort()).toEqual(ids.slice().sort());
        expect(reclaimed.find((x) => x.id === a[0]!.id)).toMatchObject({ state: 'sending', attempts: 1, lease_owner: 'worker-c' });
        expect(await store.updateAction(a[0]!.id, 'worker-a', { state: 'succeeded' })).toBe(false);
        expect(await store.updateAction(a[0]!.id, 'worker-c', { state: 'succeeded', result: { ok: true }, release: true })).toBe(true);
        expect(await store.getAction(a[0]!.id)).toMatchObject({ state: 'succeeded', result: { ok: true } });
        expect(await store.getAction(a[0]!.id)).not.toHaveProperty('lease_owner');
      });

      it('does not claim an action before its next_attempt_at, and applies the owner\'s updates', async () => {
        const { action } = await store.enqueueAction(newAction('k1', 'A1'));
        const t = later(1_000);
        const [claimed] = await store.claimActions('w', 10_000, 1, t);
        const retryAt = new Date(t.getTime() + 60_000).toISOString();
        expect(await store.updateAction(action.id, 'intruder', { state: 'succeeded' })).toBe(false);
        expect(await store.updateAction(claimed!.id, 'w', { state: 'queued', attempts: 1, next_attempt_at: retryAt, error: { code: 'TEMP', message: '503' }, release: true })).toBe(true);
        expect(await store.getAction(action.id)).toMatchObject({ state: 'queued', attempts: 1, next_attempt_at: retryAt, error: { code: 'TEMP', message: '503' } });
        expect(await store.updateAction(action.id, 'w', { state: 'succeeded' })).toBe(false);
        expect(await store.claimActions('w', 10_000, 1, new Date(t.getTime() + 59_999))).toEqual([]);
        const [again] = await store.claimActions('w', 10_000, 1, new Date(t.getTime() + 60_000));
        expect(again?.id).toBe(action.id);
        expect(await store.updateAction(action.id, 'w', { state: 'succeeded', result: null, release: true })).toBe(true);
        const done = await store.getAction(action.id);
        expect(done?.state).toBe('succeeded');
        expect(done).not.toHaveProperty('error');
        expect(done).not.toHaveProperty('result');
        await expect(store.claimActions('w', 0, 1)).rejects.toMatchObject({ code: 'STORE_ARGUMENT_INVALID' });
      });

      it("keeps the worker's progress apart from the result, and clears it on null", async () => {
        const { action } = await store.enqueueAction(newAction('kp', 'P1'));
        const [claimed] = await store.claimActions('w', 10_000, 1, later(1_000));
        const progress = { steps_done: 1, unsure: { step: 1, message: 'timeout (response)' }, baseline: { lines: { 'P1-1': { quantity: 0 } } } };
        expect(await store.updateAction(claimed!.id, 'w', { state: 'sending', attempts: 1, progress })).toBe(true);
        expect(await store.getAction(action.id)).toMatchObject({ state: 'sending', progress });
        expect(await store.getAction(action.id)).not.toHaveProperty('result');
        expect(await store.updateAction(action.id, 'w', { state: 'succeeded', result: { ok: true }, progress: null, release: true })).toBe(true);
        const done = await store.getAction(action.id);
        expect(done).toMatchObject({ state: 'succeeded', result: { ok: true } });
        expect(done).not.toHaveProperty('progress');
      });

      it('retries failed or needs_attention actions and cancels queued, failed or needs_attention ones only', async () => {
        const { action } = await store.enqueueAction(newAction('k1', 'A1'));
        await expect(store.retryAction(action.id)).rejects.toMatchObject({ code: 'STORE_ACTION_STATE_CONFLICT' });
        await store.claimActions('w', 10_000, 1);
        await store.updateAction(action.id, 'w', { state: 'needs_attention', attempts: 5, error: { code: 'E', message: 'gave up' }, release: true });
        const retried = await store.retryAction(action.id);
        expect(retried).toMatchObject({ state: 'queued', attempts: 0 });
        expect(retried).not.toHaveProperty('error');
        expect(Date.parse(retried!.next_attempt_at)).toBeLessThanOrEqual(Date.now());

        // A claimed action that gets canceled is lost by its worker.
        await store.claimActions('w', 10_000, 1);
        expect(await store.cancelAction(action.id)).toMatchObject({ state: 'canceled' });
        expect(await store.updateAction(action.id, 'w', { state: 'sending' })).toBe(false);
        await expect(store.cancelAction(action.id)).rejects.toMatchObject({ code: 'STORE_ACTION_STATE_CONFLICT' });
        await expect(store.retryAction(action.id)).rejects.toMatchObject({ code: 'STORE_ACTION_STATE_CONFLICT' });
        expect(await store.retryAction('missing')).toBeUndefined();
        expect(await store.cancelAction('missing')).toBeUndefined();

        // Retried while another action is pending on the order, it would jump the queue.
        const failed = (await store.enqueueAction(newAction('k2', 'A2'))).action;
        await store.claimActions('w', 10_000, 1);
        await store.updateAction(failed.id, 'w', { state: 'failed', release: true });
        const waiting = (await store.enqueueAction(newAction('k3', 'A2', 'refuse'))).action;
        await expect(store.retryAction(failed.id)).rejects.toMatchObject({ code: 'STORE_ACTION_STATE_CONFLICT', message: expect.stringContaining(`action ${waiting.id} (refuse, queued) is pending`) });
        expect((await store.getAction(failed.id))?.state).toBe('failed');
      });

      it('lists actions by state, account and order, in pages', async () => {
        for (let i = 0; i < 5; i++) await store.enqueueAction(newAction(`k${i}`, `A${i % 2}`, i < 2 ? 'accept' : i < 4 ? 'refuse' : 'cancel'));
        const { action: other } = await store.enqueueAction({ idempotency_key: 'es', request: { ...request('E1'), account: 'worten-es' } });
        await store.cancelAction(other.id);
        expect((await store.listActions({ account: 'worten-es' })).items.map((a) => a.id)).toEqual([other.id]);
        expect((await store.listActions({ state: ['canceled'] })).items.map((a) => a.id)).toEqual([other.id]);
        expect((await store.listActions({ state: 'queued', marketplace_order_id: 'A0' })).items.map((a) => a.idempotency_key)).toEqual(['k0', 'k2', 'k4']);
        const first = await store.listActions({ limit: 4 });
        const second = await store.listActions({ limit: 4, after: first.next! });
        expect([...first.items, ...second.items].map((a) => a.idempotency_key)).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'es']);
        expect(second.next).toBeUndefined();
      });
    });

    quarantineSuite(() => store, options);
    deadlineAlertSuite(() => store);
    documentEventSuite(() => store);
    referenceListSuite(() => store);

    describe('sync runs', () => {
      it('records runs, lists the newest first and reports the last success per account', async () => {
        const base = { account: 'worten-pt', channel: 'worten', window_from: T0, window_to: at(T0, 900) };
        const r1 = await store.startRun({ ...base, kind: 'incremental', started_at: at(T0, 900) });
        expect(r1).toMatchObject({ state: 'running', pages: 0, orders: 0 });
        await store.finishRun(r1.id, { state: 'succeeded', pages: 2, orders: 150, requests: 3, errors: 0 });
        const r2 = await store.startRun({ ...base, kind: 'catch_up', started_at: at(T0, 1800) });
        await store.finishRun(r2.id, { state: 'failed', pages: 1, orders: 0, requests: 4, errors: 1, error_message: '503 from marketplace' });
        const r3 = await store.startRun({ ...base, account: 'cd-fr', channel: 'cdiscount', kind: 'manual', started_at: at(T0, 2000) });

        const runs = await store.listRuns({});
        expect(runs.map((r) => r.id)).toEqual([r3.id, r2.id, r1.id]);
        expect(runs[1]).toMatchObject({ state: 'failed', errors: 1, error_message: '503 from marketplace', kind: 'catch_up' });
        expect(runs[2]).toMatchObject({ state: 'succeeded', pages: 2, orders: 150, requests: 3 });
        expect(runs[2]?.finished_at).toBeDefined();
        expect(runs[0]).not.toHaveProperty('finished_at');
        expect((await store.listRuns({ account: 'worten-pt', limit: 1 })).map((r) => r.id)).toEqual([r2.id]);
        expect(await store.lastSuccessfulRuns()).toEqual([{ account: 'worten-pt', channel: 'worten', finished_at: runs[2]!.finished_at }]);
        await expect(store.finishRun('missing', { state: 'failed', pages: 0, orders: 0, requests: 0, errors: 1 })).rejects.toMatchObject({ code: 'STORE_RUN_NOT_FOUND' });
      });
    });

    describe('leases', () => {
      it('are held by one owner until released or expired; only the owner renews or releases', async () => {
        const t = new Date('2025-03-01T10:00:00Z');
        const plus = (ms: number) => new Date(t.getTime() + ms);
        expect(await store.acquireLease('poll:worten-pt', 'a', 10_000, t)).toBe(true);
        expect(await store.acquireLease('poll:worten-pt', 'b', 10_000, plus(5_000))).toBe(false);
        expect(await store.acquireLease('poll:worten-es', 'b', 10_000, plus(5_000))).toBe(true);
        expect(await store.renewLease('poll:worten-pt', 'b', 10_000, plus(5_000))).toBe(false);
        expect(await store.renewLease('poll:worten-pt', 'a', 10_000, plus(8_000))).toBe(true);
        expect(await store.acquireLease('poll:worten-pt', 'b', 10_000, plus(12_000))).toBe(false);
        await store.releaseLease('poll:worten-pt', 'b');
        expect(await store.acquireLease('poll:worten-pt', 'b', 10_000, plus(17_999))).toBe(false);
        expect(await store.acquireLease('poll:worten-pt', 'b', 10_000, plus(18_000))).toBe(true);
        expect(await store.renewLease('poll:worten-pt', 'a', 10_000, plus(18_001))).toBe(false);
        await store.releaseLease('poll:worten-pt', 'b');
        expect(await store.acquireLease('poll:worten-pt', 'a', 10_000, plus(18_002))).toBe(true);
        await expect(store.acquireLease('poll:worten-pt', 'a', -1)).rejects.toMatchObject({ code: 'STORE_ARGUMENT_INVALID' });
      });
    });

    describe('work sharing between daemons', () => {
      it('takeBudget grants at most `limit` requests in any window, per key, and says when the next fits', async () => {
        const t = new Date('2025-03-01T10:00:00Z');
        const plus = (ms: number) => new Date(t.getTime() + ms);
        expect(await store.takeBudget('worten-pt:OR07', 2, 1_000, t)).toEqual({ ok: true });
        expect(await store.takeBudget('worten-pt:OR07', 2, 1_000, plus(400))).toEqual({ ok: true });
        expect(await store.takeBudget('worten-pt:OR07', 2, 1_000, plus(600))).toEqual({ ok: false, retryAfterMs: 400 });
        // Another key (account or endpoint) has its own budget.
        expect(await store.takeBudget('worten-es:OR07', 2, 1_000, plus(600))).toEqual({ ok: true });
        // A sliding window: the first grant leaves it at +1000, the second only at +1400.
        expect(await store.takeBudget('worten-pt:OR07', 2, 1_000, plus(999))).toEqual({ ok: false, retryAfterMs: 1 });
        expect(await store.takeBudget('worten-pt:OR07', 2, 1_000, plus(1_000))).toEqual({ ok: true });
        expect(await store.takeBudget('worten-pt:OR07', 2, 1_000, plus(1_100))).toEqual({ ok: false, retryAfterMs: 300 });
        // Once a minute (Mirakl OR11): a call 59.9 s after the last one waits the rest of the minute.
        expect(await store.takeBudget('worten-pt:OR11', 1, 60_000, t)).toEqual({ ok: true });
        expect(await store.takeBudget('worten-pt:OR11', 1, 60_000, plus(59_900))).toEqual({ ok: false, retryAfterMs: 100 });
        expect(await store.takeBudget('worten-pt:OR11', 1, 60_000, plus(60_000))).toEqual({ ok: true });
        await expect(store.takeBudget('', 1, 1_000)).rejects.toMatchObject({ code: 'STORE_ARGUMENT_INVALID', details: { field: 'key' } });
        await expect(store.takeBudget('k', 0, 1_000)).rejects.toMatchObject({ code: 'STORE_ARGUMENT_INVALID', details: { field: 'limit' } });
        await expect(store.takeBudget('k', 1, 0)).rejects.toMatchObject({ code: 'STORE_ARGUMENT_INVALID', details: { field: 'windowMs' } });
      });

      it('takeBudget never grants more than `limit` to callers racing for the same budget', async () => {
        const t = new Date('2025-03-01T10:00:00Z');
        const decisions = await Promise.all(Array.from({ length: 24 }, () => store.takeBudget('worten-pt:OR07', 5, 60_000, t)));
        expect(decisions.filter((d) => d.ok)).toHaveLength(5);
        expect(decisions.filter((d) => !d.ok)).toEqual(Array.from({ length: 19 }, () => ({ ok: false, retryAfterMs: 60_000 })));
      });

      it("renewActionLease keeps a claimed action from other workers while its owner is on it", async () => {
        const { action } = await store.enqueueAction(newAction('k1', 'A1'));
        const t = later(1_000);
        const plus = (ms: number) => new Date(t.getTime() + ms);
        expect((await store.claimActions('worker-a', 10_000, 10, t)).map((a) => a.id)).toEqual([action.id]);
        expect(await store.renewActionLease(action.id, 'worker-b', 10_000, plus(5_000))).toBe(false);
        expect(await store.renewActionLease(action.id, 'worker-a', 10_000, plus(8_000))).toBe(true);
        // Without the renewal it would be free at +10 s; now it is held until +18 s.
        expect(await store.claimActions('worker-b', 10_000, 10, plus(17_999))).toEqual([]);
        expect((await store.claimActions('worker-b', 10_000, 10, plus(18_000))).map((a) => a.id)).toEqual([action.id]);
        // The old owner lost it: it can neither renew nor update it.
        expect(await store.renewActionLease(action.id, 'worker-a', 10_000, plus(18_001))).toBe(false);
        expect(await store.updateAction(action.id, 'worker-b', { state: 'succeeded', release: true })).toBe(true);
        expect(await store.renewActionLease(action.id, 'worker-b', 10_000, plus(18_002))).toBe(false);
        await expect(store.renewActionLease(action.id, 'worker-b', -1)).rejects.toMatchObject({ code: 'STORE_ARGUMENT_INVALID' });
      });
    });

    describe('back-office API tables (tokens, acknowledgements, webhooks)', () => {
      it('keeps tokens by hash only, finds live ones, lists and revokes them', async () => {
        const created = await store.createApiToken({ name: 'erp', accounts: ['worten-pt', 'cd-fr'], token_hash: 'h'.repeat(64), prefix: 'ow_abcd' });
        expect(created).toMatchObject({ name: 'erp', accounts: ['worten-pt', 'cd-fr'], prefix: 'ow_abcd' });
        expect(created).not.toHaveProperty('revoked_at');
        expect(await store.findApiToken('h'.repeat(64))).toEqual(created);
        expect(await store.findApiToken('x'.repeat(64))).toBeUndefined();
        expect((await store.listApiTokens()).map((t) => t.id)).toEqual([created.id]);
        const revoked = await store.revokeApiToken(created.id);
        expect(revoked?.revoked_at).toBeDefined();
        expect(await store.findApiToken('h'.repeat(64))).toBeUndefined();
        expect((await store.revokeApiToken(created.id))?.revoked_at).toBe(revoked?.revoked_at);
        expect(await store.revokeApiToken('missing')).toBeUndefined();
      });

      it('finds an order by its marketplace id, counts actions per account and state, and knows the last event seq', async () => {
        expect(await store.lastEventSeq()).toBe(0);
        await store.commitOrders([order('A1'), order('A2'), order('A1', { account: 'worten-es' })]);
        const found = await store.listOrders({ marketplace_order_id: 'A1', account: ['worten-pt'] });
        expect(found.items.map((s) => [s.order.account, s.order.marketplace_order_id])).toEqual([['worten-pt', 'A1']]);
        expect(await store.countOrders({ marketplace_order_id: 'A1' })).toBe(2);
        const events = await store.listEvents({});
        expect(await store.lastEventSeq()).toBe(Math.max(...events.map((e) => e.seq)));
        await store.enqueueAction(newAction('k1', 'A1'));
        const second = await store.enqueueAction(newAction('k2', 'A2'));
        await store.cancelAction(second.action.id);
        expect(await store.countActionsByState()).toEqual([
          { account: 'worten-pt', state: 'canceled', count: 1 },
          { account: 'worten-pt', state: 'queued', count: 1 },
        ]);
      });

      it('filters the feed by acknowledgement, changes since it, and marketplace fulfilment per account', async () => {
        await store.commitOrders([order('A1'), order('A2'), order('A3', { delivered_by_marketplace: true }), order('B1', { account: 'worten-es', delivered_by_marketplace: true })]);
        const id = async (m: string, account = 'worten-pt') => (await store.getOrder(account, 'worten', m))!.id;
        const ids = async (filter: Parameters<Store['listOrders']>[0]) => {
          const page = await store.listOrders(filter);
          expect(await store.countOrders(filter)).toBe(page.items.length);
          return page.items.map((s) => s.order.marketplace_order_id).sort();
        };
        const a1 = await id('A1');
        const ack = await store.acknowledgeOrder({ order_id: a1, account: 'worten-pt', reference: 'ERP-1', version: 1 });
        expect(ack).toMatchObject({ order_id: a1, reference: 'ERP-1', acknowledged_version: 1 });
        const error = await store.reportImportError({ order_id: await id('A2'), account: 'worten-pt', message: 'SKU unknown' });
        expect(error).toMatchObject({ import_error: 'SKU unknown' });
        expect(error).not.toHaveProperty('acknowledged_version');
        expect(await ids({ acknowledged: false })).toEqual(['A2', 'A3', 'B1']);
        expect(await ids({ acknowledged: true })).toEqual(['A1']);
        expect(await ids({ changed_since_ack: true })).toEqual([]);
        await store.commitOrders([order('A1', { updated_at: at(T0, 60), status: 'accepted', marketplace_status: 'ACCEPTED' })]);
        expect(await ids({ changed_since_ack: true })).toEqual(['A1']);
        expect(await ids({ acknowledged: false })).toEqual(['A2', 'A3', 'B1']);
        await store.acknowledgeOrder({ order_id: a1, account: 'worten-pt', reference: 'ERP-1', version: 2 });
        expect(await ids({ changed_since_ack: true })).toEqual([]);
        expect(await ids({ hide_delivered_by_marketplace_of: ['worten-pt'] })).toEqual(['A1', 'A2', 'B1']);
        expect(await ids({ hide_delivered_by_marketplace_of: ['worten-pt', 'worten-es'], acknowledged: false })).toEqual(['A2']);
        const acks = await store.getAcknowledgements([a1, await id('A2'), await id('A3')]);
        expect([...acks.keys()].sort()).toEqual([a1, await id('A2')].sort());
        expect(acks.get(a1)).toMatchObject({ acknowledged_version: 2, reference: 'ERP-1' });
        expect(await store.countOrdersByStatus()).toEqual([
          { account: 'worten-es', status: 'waiting_acceptance', count: 1 },
          { account: 'worten-pt', status: 'accepted', count: 1 },
          { account: 'worten-pt', status: 'waiting_acceptance', count: 2 },
        ]);
      });

      it('writes webhook deliveries with the change, for subscribed live endpoints only, with stable event ids', async () => {
        await store.commitOrders([order('BEFORE')]);
        const endpoint = await store.createWebhookEndpoint({ url: 'http://127.0.0.1:9/hook', accounts: ['worten-pt'], events: ['order.created', 'order.status_changed', 'action.succeeded'] });
        expect(await store.getWebhookEndpoint(endpoint.id)).toEqual(endpoint);
        expect(await store.listWebhookEndpoints()).toEqual([endpoint]);
        await store.commitOrders([order('A1'), order('E1', { account: 'worten-es' })]);
        await store.commitOrders([order('A1', { updated_at: at(T0, 60), status: 'accepted', marketplace_status: 'ACCEPTED' })]);
        const { action } = await store.enqueueAction(newAction('k1', 'A1'));
        await store.claimActions('w', 10_000, 1);
        await store.updateAction(action.id, 'w', { state: 'sending', attempts: 1 });
        await store.updateAction(action.id, 'w', { state: 'succeeded', result: { ok: true }, release: true });

        const t = later(1_000);
        const claimed = await store.claimWebhookDeliveries('d1', 30_000, 10, t);
        expect(claimed.map((d) => d.event.type)).toEqual(['order.created', 'order.status_changed', 'action.succeeded']);
        expect(claimed.every((d) => d.url === endpoint.url && d.endpoint_id === endpoint.id && d.state === 'pending' && d.attempts === 0)).toBe(true);
        expect(claimed[0]!.event.data).toMatchObject({ marketplace_order_id: 'A1', account: 'worten-pt', to_status: 'waiting_acceptance' });
        expect(claimed[1]!.event.data).toMatchObject({ from_status: 'waiting_acceptance', to_status: 'accepted' });
        expect(claimed[2]!.event.data).toMatchObject({ action_id: action.id, action: 'accept', state: 'succeeded', result: { ok: true }, order_id: (await store.getOrder('worten-pt', 'worten', 'A1'))!.id });
        expect(await store.claimWebhookDeliveries('d2', 30_000, 10, t)).toEqual([]);

        // A failed attempt: retried at next_attempt_at, with the same event id.
        const [first] = claimed;
        const retryAt = new Date(t.getTime() + 60_000).toISOString();
        expect(await store.recordDeliveryAttempt(first!.id, 'd2', { state: 'pending', attempts: 1, next_attempt_at: retryAt, last_status: 500, at: t.toISOString() })).toBe(false);
        expect(await store.recordDeliveryAttempt(first!.id, 'd1', { state: 'pending', attempts: 1, next_attempt_at: retryAt, last_status: 500, last_error: 'HTTP 500', at: t.toISOString() })).toBe(true);
        for (const d of claimed.slice(1)) await store.recordDeliveryAttempt(d.id, 'd1', { state: 'delivered', attempts: 1, last_status: 204, at: t.toISOString() });
        expect(await store.claimWebhookDeliveries('d2', 30_000, 10, new Date(t.getTime() + 59_999))).toEqual([]);
        const [again] = await store.claimWebhookDeliveries('d2', 30_000, 10, new Date(t.getTime() + 60_000));
        expect(again).toMatchObject({ id: first!.id, attempts: 1, last_status: 500, last_error: 'HTTP 500', event: first!.event });

        const log = await store.listWebhookDeliveries(endpoint.id);
        expect(log.map((d) => d.id)).toEqual(claimed.map((d) => d.id).reverse());
        expect(log[0]).toMatchObject({ state: 'delivered', last_status: 204 });
        expect(log[0]!.delivered_at).toBeDefined();
        expect((await store.listWebhookDeliveries(endpoint.id, { before: log[0]!.id, limit: 1 })).map((d) => d.id)).toEqual([log[1]!.id]);
        await expect(store.listWebhookDeliveries(endpoint.id, { before: 'nope' })).rejects.toMatchObject({ code: 'STORE_ARGUMENT_INVALID' });

        // A deleted endpoint gets nothing new and its pending deliveries are not claimed.
        expect(await store.deleteWebhookEndpoint(endpoint.id)).toBe(true);
        expect(await store.deleteWebhookEndpoint(endpoint.id)).toBe(false);
        expect(await store.getWebhookEndpoint(endpoint.id)).toBeUndefined();
        await store.commitOrders([order('A2')]);
        expect(await store.listWebhookDeliveries(endpoint.id)).toHaveLength(3);
        expect(await store.claimWebhookDeliveries('d3', 30_000, 10, new Date(t.getTime() + 3_600_000))).toEqual([]);
      });
    });
  });
}
