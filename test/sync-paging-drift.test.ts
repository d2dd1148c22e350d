/**
 * Paging drift, as a property: whatever mix of the simulators' paging faults (duplicate pages,
 * shifting pages) and whatever orders the marketplace updates while we page through a window,
 * every order changed in the window is stored after the run, and the cursor never moves past a
 * window the listing could not prove complete. Orders updated during the run (their newest change
 * is after the window) are stored by the next run.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Connector } from '../engine/connector/connector.ts';
import { syncWindow } from '../engine/sync/sync-window.ts';
import type { SimulatorKind } from '@orderwire/simulators';
import { adminAdvanceClock, adminSetFaults } from './helpers/sim-admin.ts';
import { allStoredIds, simulatorOrderIds, startSyncHarness, type SyncHarness } from './helpers/sync-harness.ts';

/** Final states an order can be forced to from most states; the first reachable one is used. */
const TARGETS: Record<SimulatorKind, readonly string[]> = {
  mirakl: ['CLOSED', 'SHIPPED', 'CANCELED'],
  octopia: ['Shipped', 'Cancelled', 'Refused'],
};

/** Updates an order on the marketplace now (its update date moves past the window's end). */
async function touch(h: SyncHarness, id: string): Promise<boolean> {
  for (const to of TARGETS[h.sim.kind]) {
    const res = await fetch(`${h.sim.baseUrl}/_admin/orders/${encodeURIComponent(id)}/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to }) });
    await res.text();
    if (res.ok) return true;
  }
  return false;
}

/**
 * The connector, with the marketplace updating orders while pages are handed over: after page k,
 * the orders `plan` names by their rank among those handed over so far (already read: updating
 * them shifts the pages still to come).
 */
function churning(h: SyncHarness, plan: Map<number, number[]>, touched: Set<string>): Connector {
  const inner = h.connector;
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop !== 'listOrders') return Reflect.get(target, prop, receiver);
      const list: Connector['listOrders'] = (window, onPage, signal) => {
        let pages = 0;
        const read: string[] = [];
        return inner.listOrders(
          window,
          async (page) => {
            pages += 1;
            read.push(...page.orders.map((o) => o.marketplace_order_id));
            for (const pick of plan.get(pages) ?? []) {
              const id = read[pick % read.length];
              if (id !== undefined && !touched.has(id) && (await touch(h, id))) touched.add(id);
            }
            await onPage(page);
          },
          signal,
        );
      };
      return list;
    },
  });
}

const FAULT_SETS = ['duplicate-pages', 'shifting-pages', 'duplicate-pages,shifting-pages', ''] as const;

let h: SyncHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe.each(['mirakl', 'octopia'] as SimulatorKind[])('paging drift under concurrent updates (%s)', (kind) => {
  it('stores every order changed in the window; the cursor never passes an unproven window', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          seed: fc.integer({ min: 1, max: 1_000_000 }),
          faults: fc.constantFrom(...FAULT_SETS),
          // Page (1-based, as handed over) → positions in the window's order list to update then.
          churn: fc.array(fc.record({ page: fc.integer({ min: 1, max: 3 }), picks: fc.array(fc.nat({ max: 10_000 }), { minLength: 1, maxLength: 6 }) }), { minLength: 1, maxLength: 4 }),
        }),
        async ({ seed, faults, churn }) => {
          await h?.close();
          h = await startSyncHarness({ kind, sim: { orders: 350, historyDays: 3, seed }, connector: { retry: { maxAttempts: 6, baseDelayMs: 2, maxDelayMs: 20 } } });
          const plan = new Map<number, number[]>();
          for (const { page, picks } of churn) plan.set(page, [...(plan.get(page) ?? []), ...picks]);
          const touched = new Set<string>();
          await adminSetFaults(h.sim.baseUrl, faults);
          const outcome = await syncWindow({ ...h.deps, connector: churning(h, plan, touched) }, 'incremental');
          await adminSetFaults(h.sim.baseUrl, '');

          // Every order whose newest change is in the window is stored.
          const truth = await simulatorOrderIds(h, outcome.window.from, outcome.window.to);
          const stored = new Set(await allStoredIds(h.store, h.account.id));
          const missing = [...truth].filter((id) => !stored.has(id));
          expect(missing, `missing after the run (faults "${faults}", touched ${touched.size})`).toEqual([]);
          // The cursor is the window's end, or unmoved when the listing could not prove itself.
          const cursor = await h.store.getCursor(h.account.id, h.channel.id, 'incremental');
          if (cursor) expect(Date.parse(cursor.position)).toBeLessThanOrEqual(outcome.window.to.getTime());

          // Orders updated meanwhile left the window: the next run picks them up.
          await adminAdvanceClock(h.sim.baseUrl, 60_000);
          const next = await syncWindow(h.deps, 'incremental');
          const truthNext = await simulatorOrderIds(h, outcome.window.from, next.window.to);
          const storedNext = await allStoredIds(h.store, h.account.id);
          expect(storedNext.length).toBe(new Set(storedNext).size);
          const missingNext = [...truthNext].filter((id) => !storedNext.includes(id));
          expect(missingNext, 'missing after the next run').toEqual([]);
        },
      ),
      // Each run starts a simulator and a store: few runs, and no shrinking (a failure names its faults and counts).
      { numRuns: 6, endOnFailure: true },
    );
  }, 240_000);
});

describe('a window the listing cannot prove complete', () => {
  it('is listed again, then keeps the cursor where it was; a proven window moves it', async () => {
    h = await startSyncHarness({ kind: 'mirakl', sim: { orders: 120, historyDays: 2, seed: 3 } });
    const first = await syncWindow(h.deps, 'incremental');
    expect(first.cursorHeld).toBe(false);
    const cursor = await h.store.getCursor(h.account.id, h.channel.id, 'incremental');
    expect(cursor?.position).toBe(first.window.to.toISOString());

    // The marketplace's total count keeps disagreeing with what its pages hold.
    let listings = 0;
    const inner = h.connector;
    const unproven = new Proxy(inner, {
      get(target, prop, receiver) {
        if (prop !== 'listOrders') return Reflect.get(target, prop, receiver);
        const list: Connector['listOrders'] = async (window, onPage, signal) => {
          listings += 1;
          return { ...(await inner.listOrders(window, onPage, signal)), unstable: true };
        };
        return list;
      },
    });
    await adminAdvanceClock(h.sim.baseUrl, 120_000);
    const held = await syncWindow({ ...h.deps, connector: unproven, maxRelists: 2 }, 'incremental');
    expect(listings).toBe(3);
    expect(held.cursorHeld).toBe(true);
    expect(held.run.state).toBe('succeeded');
    expect((await h.store.getCursor(h.account.id, h.channel.id, 'incremental'))?.position).toBe(cursor?.position);

    const healed = await syncWindow(h.deps, 'incremental');
    expect(healed.cursorHeld).toBe(false);
    expect(healed.window.from.getTime()).toBeLessThanOrEqual(held.window.from.getTime());
    expect((await h.store.getCursor(h.account.id, h.channel.id, 'incremental'))?.position).toBe(healed.window.to.toISOString());
  });
});
