/**
 * Several PostgreSQL stores (separate pools, so separate connections, as several daemons would
 * have) working on one schema at the same time.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActionRequest } from '../engine/rules/request.ts';
import { openPostgresStore } from '../engine/store/postgres/index.ts';
import type { OrderEvent, Store } from '../engine/store/store.ts';
import { dropSchemas, PG_SKIP_REASON, requirePostgres, SKIP_PG, testSchemaName } from './helpers/postgres.ts';
import { shippedMigrations } from '../engine/store/migrations.ts';
import { at, order } from './store-suite.ts';

const DAEMONS = 5;

if (SKIP_PG) {
  describe.skip(`PostgreSQL store under concurrency (${PG_SKIP_REASON})`, () => {
    it('needs a PostgreSQL server', () => undefined);
  });
} else {
  const url = requirePostgres();
  const schemas: string[] = [];
  afterAll(() => dropSchemas(url, schemas));

  describe('PostgreSQL store under concurrency', () => {
    let stores: Store[];
    beforeEach(async () => {
      const schema = testSchemaName('conc');
      schemas.push(schema);
      stores = await Promise.all(Array.from({ length: DAEMONS }, () => openPostgresStore(url, { schema, max: 3 })));
    });
    afterEach(async () => {
      await Promise.all(stores.map((s) => s.close()));
    });

    it('migrates once when several daemons start together', async () => {
      const applied = await Promise.all(stores.map((s) => s.migrate()));
      expect(applied.filter((names) => names.length > 0)).toEqual([shippedMigrations('postgres').map((m) => m.name)]);
      expect(await Promise.all(stores.map((s) => s.ping()))).toEqual(stores.map(() => true));
    });

    it('never hands one action to two workers claiming at the same time', async () => {
      await Promise.all(stores.map((s) => s.migrate()));
      const request = (i: number): ActionRequest => ({ channel: 'worten', account: 'worten-pt', marketplace_order_id: `O${i}`, action: 'accept', status: 'waiting_acceptance', lines: null, data: {} });
      const ids = new Set<string>();
      for (let i = 0; i < 120; i++) ids.add((await stores[0]!.enqueueAction({ idempotency_key: `k${i}`, request: request(i) })).action.id);
      const now = new Date(Date.now() + 1_000);
      const claims = new Map<string, string[]>();
      // Each daemon runs three claim loops at once on its own pool.
      await Promise.all(stores.flatMap((store, d) => [0, 1, 2].map(async (loop) => {
        const owner = `daemon-${d}-${loop}`;
        for (;;) {
          const batch = await store.claimActions(owner, 60_000, 4, now);
          if (batch.length === 0) return;
          expect(batch.length).toBeLessThanOrEqual(4);
          for (const action of batch) claims.set(action.id, [...(claims.get(action.id) ?? []), owner]);
        }
      })));
      expect(new Set(claims.keys())).toEqual(ids);
      expect([...claims.values()].filter((owners) => owners.length > 1)).toEqual([]);
      const owners = new Set([...claims.values()].map(([owner]) => owner));
      expect(owners.size).toBeGreaterThan(1);
      // Every stored lease owner is the one worker that got the action.
      for (const id of ids) expect((await stores[0]!.getAction(id))?.lease_owner).toBe(claims.get(id)![0]);
    });

    it('stores one action per idempotency key, and queues one of several actions validated after the same pending ones, when enqueued concurrently', async () => {
      await Promise.all(stores.map((s) => s.migrate()));
      const request: ActionRequest = { channel: 'worten', account: 'worten-pt', marketplace_order_id: 'O1', action: 'refuse', status: 'waiting_acceptance', lines: null, data: { reason: 'out_of_stock' } };
      const sameKey = await Promise.all(stores.map((s) => s.enqueueAction({ idempotency_key: 'same', request })));
      expect(new Set(sameKey.map((r) => r.action.id)).size).toBe(1);
      expect(sameKey.filter((r) => !r.existing)).toHaveLength(1);
      // Each daemon validated its action with nothing pending on O2: one is queued, the others must validate again.
      const otherKeys = await Promise.allSettled(stores.map((s, i) => s.enqueueAction({ idempotency_key: `other-${i}`, request: { ...request, marketplace_order_id: 'O2' }, after_pending: [] })));
      expect(otherKeys.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(otherKeys.filter((r) => r.status === 'rejected').map((r) => (r.reason as { code?: string }).code)).toEqual(Array(stores.length - 1).fill('STORE_ACTION_PENDING_CHANGED'));
      expect((await stores[0]!.listActions({})).items).toHaveLength(2);
    });

    it('commits overlapping pages from several daemons once each, with a change feed that never goes back', async () => {
      await Promise.all(stores.map((s) => s.migrate()));
      const seen: OrderEvent[] = [];
      let writing = true;
      const reader = (async () => {
        // Follows the feed like a webhook dispatcher: a seq below one already seen must never appear.
        let after = 0;
        while (writing || seen.length === 0 || (await stores[0]!.listEvents({ after })).length > 0) {
          for (const event of await stores[0]!.listEvents({ after, limit: 50 })) {
            expect(event.seq).toBeGreaterThan(after);
            seen.push(event);
            after = event.seq;
          }
        }
      })();
      const results = await Promise.all(stores.map(async (store, d) => {
        const totals = { inserted: 0, updated: 0 };
        for (let round = 0; round < 4; round++) {
          // Every daemon writes the same 30 orders; later rounds bring newer versions.
          const page = Array.from({ length: 30 }, (_, i) => order(`O${(i * 7 + d) % 30}`, { updated_at: at('2025-03-01T10:00:00Z', round), marketplace_status: `S${round}` }));
          const r = await store.commitOrders(page);
          totals.inserted += r.inserted;
          totals.updated += r.updated;
        }
        return totals;
      }));
      writing = false;
      await reader;
      expect(results.reduce((n, r) => n + r.inserted, 0)).toBe(30);
      expect(results.reduce((n, r) => n + r.updated, 0)).toBe(90);
      const all = await stores[0]!.listEvents({ limit: 1000 });
      expect(seen.map((e) => e.seq)).toEqual(all.map((e) => e.seq));
      expect(all.filter((e) => e.type === 'order.created')).toHaveLength(30);
      const final = await stores[1]!.listOrders({ limit: 100 });
      expect(final.items).toHaveLength(30);
      expect(final.items.every((s) => s.version === 4 && s.order.marketplace_status === 'S3')).toBe(true);
    });

    it('gives a free lease to exactly one of several daemons asking at once', async () => {
      await Promise.all(stores.map((s) => s.migrate()));
      const now = new Date();
      const got = await Promise.all(stores.map((s, i) => s.acquireLease('poll:worten-pt', `daemon-${i}`, 30_000, now)));
      expect(got.filter(Boolean)).toHaveLength(1);
    });

    it('raises each deadline alert once, with one webhook event, when several daemons watch at once', async () => {
      await Promise.all(stores.map((s) => s.migrate()));
      await stores[0]!.createWebhookEndpoint({ url: 'http://127.0.0.1:9/hook', accounts: ['worten-pt'], events: ['order.deadline_approaching'] });
      const T0 = '2025-03-01T10:00:00.000Z';
      await stores[0]!.commitOrders(Array.from({ length: 60 }, (_, i) => order(`D${i}`, { acceptance_deadline: at(T0, 60 + i) })));
      const now = new Date(T0);
      const leads = { acceptance: 3_600_000, shipping: 0 };
      // Every daemon runs two watch loops at once on its own pool, in small batches.
      const raised = (await Promise.all(stores.flatMap((store) => [0, 1].map(async () => {
        const mine: string[] = [];
        for (;;) {
          const alerts = await store.recordDeadlineAlerts(now, leads, 7);
          mine.push(...alerts.map((a) => a.marketplace_order_id));
          if (alerts.length === 0) return mine;
        }
      })))).flat();
      expect(raised.sort()).toEqual(Array.from({ length: 60 }, (_, i) => `D${i}`).sort());
      const deliveries = await stores[1]!.claimWebhookDeliveries('d', 60_000, 1000, new Date(Date.parse(T0) + 1_000));
      expect(deliveries).toHaveLength(60);
      expect(new Set(deliveries.map((d) => (d.event.data as { marketplace_order_id: string }).marketplace_order_id)).size).toBe(60);
    });
  });
}
