/**
 * The Store contract for per-record isolation, the quarantine and abandoned runs: part of the one
 * suite (test/store-suite.ts) both stores pass.
 */
import { describe, expect, it } from 'vitest';
import type { Store } from '../engine/store/store.ts';
import { at, line, order, type StoreSuiteOptions } from './helpers/store-orders.ts';

const T0 = '2025-03-01T10:00:00.000Z';

export function quarantineSuite(store: () => Store, options: StoreSuiteOptions): void {
  describe('per-record isolation', () => {
    it('an order the store cannot check is refused alone: the rest of the batch and the cursor commit', async () => {
      const cursor = { account: 'worten-pt', channel: 'worten', kind: 'incremental' as const, position: at(T0, 600) };
      const twice = order('DUP', { lines: [line('L1'), line('L1')] });
      const result = await store().commitOrders([order('A1'), twice, order('A2'), order('', {})], cursor, { isolate: true });
      expect(result).toMatchObject({ inserted: 2 });
      expect(result.rejected?.map((r) => [r.index, r.code])).toEqual([[1, 'STORE_ORDER_INVALID'], [3, 'STORE_ORDER_INVALID']]);
      expect(result.rejected?.[0]?.message).toBe('order.lines[1].id duplicates line id "L1"');
      expect(await store().getOrder('worten-pt', 'worten', 'A2')).toBeDefined();
      expect(await store().getOrder('worten-pt', 'worten', 'DUP')).toBeUndefined();
      expect((await store().getCursor('worten-pt', 'worten', 'incremental'))?.position).toBe(cursor.position);
      // Without isolation the same batch still fails whole.
      await expect(store().commitOrders([order('A3'), twice])).rejects.toMatchObject({ code: 'STORE_ORDER_INVALID' });
      expect(await store().getOrder('worten-pt', 'worten', 'A3')).toBeUndefined();
    });

    it('orders prepared when their page was read (prepareOrder) commit as the orders themselves would', async () => {
      const twice = order('DUP', { lines: [line('L1'), line('L1')] });
      // An order the store would refuse is handed back as it is, to be refused by the commit, located.
      expect(store().prepareOrder(twice)).toBe(twice);
      const prepared = [order('P1'), order('P2', { updated_at: at(T0, 60) })].map((o) => store().prepareOrder(o));
      expect(prepared.map((p) => 'prepared' in p && { id: p.marketplace_order_id, raw: JSON.parse(p.raw) as unknown })).toEqual([
        { id: 'P1', raw: order('P1').raw },
        { id: 'P2', raw: order('P2').raw },
      ]);
      // Something shaped like a prepared order but not made by the store is checked as an order.
      const forged = { prepared: true, marketplace_order_id: 'F1', raw: '{}' } as never;
      const result = await store().commitOrders([prepared[0]!, twice, order('N1'), forged, prepared[1]!], undefined, { isolate: true });
      expect(result).toMatchObject({ inserted: 3 });
      expect(result.rejected?.map((r) => [r.index, r.code])).toEqual([[1, 'STORE_ORDER_INVALID'], [3, 'STORE_ORDER_INVALID']]);
      const stored = await store().getOrder('worten-pt', 'worten', 'P2');
      expect(stored?.order).toEqual(order('P2', { updated_at: at(T0, 60) }));
      // Same content hash as the normalized order: committing it again changes nothing, and neither
      // does committing the prepared form of a stored order.
      expect(await store().commitOrders([order('P1'), order('P2', { updated_at: at(T0, 60) }), store().prepareOrder(order('N1'))])).toMatchObject({ inserted: 0, updated: 0, unchanged: 3 });
      // Without isolation, prepared orders commit like any page.
      expect(await store().commitOrders([store().prepareOrder(order('P3'))])).toMatchObject({ inserted: 1 });
      expect((await store().listEvents({})).map((e) => [e.marketplace_order_id, e.type])).toEqual([
        ['P1', 'order.created'], ['N1', 'order.created'], ['P2', 'order.created'], ['P3', 'order.created'],
      ]);
    });

    it('a batch the database refuses is written again order by order: only the refused order is left out', async () => {
      await store().commitOrders([order('A1'), order('A0')]);
      await options.failInsertsOf(store(), 'BOOM');
      const cursor = { account: 'worten-pt', channel: 'worten', kind: 'incremental' as const, position: at(T0, 600) };
      // Two updates written one by one in one transaction, on either side of the refused order.
      const page = [order('A1', { updated_at: at(T0, 60), status: 'accepted', marketplace_status: 'ACCEPTED' }), order('BOOM'), order('A2'), order('A0', { updated_at: at(T0, 60), buyer: { first_name: 'Rita', last_name: 'Silva' } })];
      const result = await store().commitOrders(page, cursor, { isolate: true });
      expect(result).toMatchObject({ inserted: 1, updated: 2 });
      expect(result.rejected).toEqual([{ index: 1, code: 'STORE_CONSTRAINT_VIOLATION', message: expect.stringContaining('injected failure') }]);
      expect((await store().getOrder('worten-pt', 'worten', 'A1'))?.order.status).toBe('accepted');
      expect(await store().getOrder('worten-pt', 'worten', 'A2')).toBeDefined();
      expect((await store().getOrder('worten-pt', 'worten', 'A0'))?.order.buyer).toEqual({ first_name: 'Rita', last_name: 'Silva' });
      expect(await store().getOrder('worten-pt', 'worten', 'BOOM')).toBeUndefined();
      expect((await store().getCursor('worten-pt', 'worten', 'incremental'))?.position).toBe(cursor.position);
      // The refused order left no event behind: created A1, its status change, created A2.
      expect((await store().listEvents({})).map((e) => [e.marketplace_order_id, e.type])).toEqual([
        ['A1', 'order.created'], ['A0', 'order.created'], ['A1', 'order.status_changed'], ['A2', 'order.created'], ['A0', 'order.updated'],
      ]);
    });
  });

  describe('quarantine', () => {
    const record = (id: string | undefined, code = 'ORDER_UNMAPPABLE', raw: unknown = { order_id: id, order_state: null }) =>
      ({ account: 'worten-pt', channel: 'worten', ...(id !== undefined && { marketplace_order_id: id }), code, reason: 'marketplace_status: missing', raw, run: 'run-1' });

    it('keeps one row per record, refreshed and counted each time it is met; lists and counts per account', async () => {
      const [first] = await store().quarantineRecords([record('Q1')]);
      expect(first).toMatchObject({ marketplace_order_id: 'Q1', code: 'ORDER_UNMAPPABLE', attempts: 1, raw: { order_id: 'Q1', order_state: null }, last_run: 'run-1' });
      const [again] = await store().quarantineRecords([{ ...record('Q1', 'STORE_ORDER_INVALID'), reason: 'lines[1].id duplicates', run: 'run-2' }]);
      expect(again).toMatchObject({ id: first!.id, attempts: 2, code: 'STORE_ORDER_INVALID', reason: 'lines[1].id duplicates', last_run: 'run-2' });
      // Without an order id, the payload is the record's identity (met twice in one batch: one sighting).
      await store().quarantineRecords([record(undefined, 'ORDER_UNMAPPABLE', { order_id: 123.5, x: '\u0000' }), record(undefined, 'ORDER_UNMAPPABLE', { order_id: 123.5, x: '\u0000' })]);
      await store().quarantineRecords([{ ...record('C1'), account: 'cd-fr', channel: 'cdiscount' }]);
      const worten = await store().listQuarantine({ account: 'worten-pt' });
      expect(worten.items.map((q) => [q.marketplace_order_id ?? null, q.attempts])).toEqual([['Q1', 2], [null, 1]]);
      expect(worten.items[1]!.raw).toEqual({ order_id: 123.5, x: '\u0000' });
      const paged = await store().listQuarantine({ limit: 2 });
      expect(paged.items).toHaveLength(2);
      expect((await store().listQuarantine({ after: paged.next!, limit: 2 })).items.map((q) => q.marketplace_order_id)).toEqual(['C1']);
      await expect(store().listQuarantine({ after: 'bm90LWEtY3Vyc29y' })).rejects.toMatchObject({ code: 'STORE_PAGE_CURSOR_INVALID' });
      expect(await store().countQuarantine()).toEqual([
        { account: 'cd-fr', code: 'ORDER_UNMAPPABLE', count: 1 },
        { account: 'worten-pt', code: 'ORDER_UNMAPPABLE', count: 1 },
        { account: 'worten-pt', code: 'STORE_ORDER_INVALID', count: 1 },
      ]);
      expect(await store().releaseQuarantine([worten.items[1]!.id, 'no-such-id'])).toBe(1);
      expect((await store().listQuarantine({ account: 'worten-pt' })).items.map((q) => q.marketplace_order_id)).toEqual(['Q1']);
    });

    it('an order stored leaves the quarantine in the same commit; an older version than the stored one does not', async () => {
      await store().commitOrders([order('OLD', { updated_at: at(T0, 120) })]);
      await store().quarantineRecords([record('Q1'), record('OLD')]);
      await store().commitOrders([order('Q1'), order('OLD', { updated_at: T0 })], undefined, { isolate: true });
      expect((await store().listQuarantine({})).items.map((q) => q.marketplace_order_id)).toEqual(['OLD']);
      await store().commitOrders([order('OLD', { updated_at: at(T0, 120) })]);
      expect((await store().listQuarantine({})).items).toEqual([]);
    });
  });

  describe('abandoned runs', () => {
    it("closes the account's running runs as abandoned, leaves other accounts' and finished runs alone", async () => {
      const base = { account: 'worten-pt', channel: 'worten', window_from: T0, window_to: at(T0, 900), kind: 'incremental' as const };
      const running = await store().startRun({ ...base, started_at: at(T0, 900) });
      const done = await store().startRun({ ...base, started_at: at(T0, 950) });
      await store().finishRun(done.id, { state: 'succeeded', pages: 1, orders: 3, requests: 1, errors: 0, quarantined: 2 });
      const other = await store().startRun({ ...base, account: 'cd-fr', channel: 'cdiscount', started_at: at(T0, 960) });
      const closed = await store().abandonRuns('worten-pt', 'abandoned: test');
      expect(closed.map((r) => [r.id, r.state, r.error_message])).toEqual([[running.id, 'abandoned', 'abandoned: test']]);
      const runs = await store().listRuns({});
      expect(runs.find((r) => r.id === done.id)).toMatchObject({ state: 'succeeded', quarantined: 2 });
      expect(runs.find((r) => r.id === other.id)).toMatchObject({ state: 'running' });
      expect(runs.find((r) => r.id === running.id)?.finished_at).toBeDefined();
      expect(await store().abandonRuns('worten-pt', 'again')).toEqual([]);
    });
  });
}
