/**
 * Issue 8 part 2: one incremental cycle with N stored orders of which 1 % changed.
 *
 * Each run: a fresh simulator process with N orders (frozen clock), a first sync into a fresh
 * SQLite file (not timed here), then 1 % of the orders changed at the marketplace through the
 * simulator's admin API (half accepted from WAITING_ACCEPTANCE, half shipped from SHIPPING, as a
 * seller acting in another tool would), the clock advanced by the channel's poll period (PT15M),
 * and one incremental window synced by the engine in a fresh process: its wall time and the API
 * calls it made (ListResult.requests), against the minimum for the orders the marketplace reports
 * for that window (chainedMinimumCalls). Those orders are the changed ones plus the overlap (the 2-minute
 * overlap, Mirakl's 5-minute update delta) plus whatever the marketplace moved on its own in the
 * 15 minutes (lifecycle steps); the simulator's total_count for the same query says how many.
 */
import path from 'node:path';
import { SimulatorProcess } from '../lib/simulator-handle.ts';
import { SIM_HISTORY_DAYS, SIM_SEED, SIM_START, runEngineSync } from '../lib/sync-runs.ts';
import type { Benchmark, Size } from '../lib/types.ts';
import { incrementalSyncWindow, isoSeconds } from '../lib/window.ts';

/**
 * The fewest OR11 requests that list `orders` records in pages of `page` and prove none was
 * missed. The Mirakl paginator (offset_total) starts each page after the first on the last record
 * of the page before, so that the listing can check the pages join up (a record moved between two
 * requests would leave a gap otherwise): a page after the first brings page − 1 new records, and
 * only a short page ends the listing. 1,886 orders take 20 requests, not ceil(1,886 / 100) = 19.
 */
export function chainedMinimumCalls(orders: number, page: number): number {
  return orders < page ? 1 : Math.floor((orders - page) / (page - 1)) + 2;
}

const ORDERS: Record<Size, number> = { quick: 5_000, default: 100_000, full: 100_000 };
const CHANGED_SHARE = 0.01;
/** channels/worten.yaml retrieval.incremental.every. */
const POLL_PERIOD_MS = 15 * 60_000;
const PAGE = 100;
/** Forced transitions: a seller accepting, or shipping, from outside orderwire. */
const CHANGES: Array<[from: string, to: string]> = [
  ['WAITING_ACCEPTANCE', 'WAITING_DEBIT'],
  ['SHIPPING', 'SHIPPED'],
];

/** Ids of `count` orders in `state`, spread over the whole history (pages at even offsets). */
async function pickOrders(sim: SimulatorProcess, state: string, count: number): Promise<string[]> {
  const { total_count: total } = await sim.listOrders({ order_state_codes: state, max: '0' });
  if (total < count) throw new Error(`only ${total} ${state} orders at the simulator, ${count} needed`);
  const pages = Math.ceil(count / PAGE);
  const stride = Math.floor(total / pages);
  const ids: string[] = [];
  for (let p = 0; p < pages && ids.length < count; p++) {
    const page = await sim.listOrders({ order_state_codes: state, max: String(PAGE), offset: String(p * stride), sort: 'dateCreated' });
    ids.push(...page.orders.slice(0, count - ids.length).map((o) => o.order_id));
  }
  return ids;
}

async function changeOrders(sim: SimulatorProcess, changed: number): Promise<number> {
  let done = 0;
  for (const [i, [from, to]] of CHANGES.entries()) {
    const share = Math.floor(changed / CHANGES.length) + (i < changed % CHANGES.length ? 1 : 0);
    const ids = await pickOrders(sim, from, share);
    // A few admin calls in flight at once: setup only, not timed.
    for (let k = 0; k < ids.length; k += 8) {
      await Promise.all(ids.slice(k, k + 8).map((id) => sim.admin('POST', `/_admin/orders/${encodeURIComponent(id)}/advance`, { to })));
    }
    done += ids.length;
  }
  return done;
}

export const incremental: Benchmark = {
  name: 'incremental',
  title: 'Incremental cycle: N stored orders, 1 % changed, clock advanced by the poll period',
  description: 'First sync (untimed), 1 % of orders changed through the simulator admin API, clock +15 min, one incremental window: wall time and OR11 calls against the fewest that list the orders of the window in overlapping pages of 100.',
  figures: [
    { key: 'wall_ms', label: 'incremental window wall time', unit: 'ms' },
    { key: 'api_calls', label: 'API calls made', unit: 'calls', decimals: 0 },
    { key: 'minimum_calls', label: 'minimum calls', unit: 'calls', decimals: 0 },
    { key: 'calls_over_minimum', label: 'calls/minimum', unit: 'ratio', decimals: 2, target: { op: '<=', value: 1 } },
    { key: 'window_orders', label: 'orders in the window (changed + overlap + lifecycle)', unit: 'orders', decimals: 0 },
    { key: 'updated_orders', label: 'orders updated in the store', unit: 'orders', decimals: 0 },
  ],
  parameters: (size, orders) => {
    const n = orders ?? ORDERS[size];
    return { orders: n, changed: Math.max(1, Math.round(n * CHANGED_SHARE)), clock_advance: 'PT15M', history_days: SIM_HISTORY_DAYS, seed: SIM_SEED };
  },
  async run(ctx) {
    const orders = ctx.orders ?? ORDERS[ctx.size];
    const sim = await SimulatorProcess.start({ orders, seed: SIM_SEED, historyDays: SIM_HISTORY_DAYS, start: SIM_START });
    try {
      const store = path.join(ctx.dir, `incremental-${ctx.run}.sqlite`);
      const first = await runEngineSync(sim, store, await sim.now(), 'backfill', orders);
      const changed = await changeOrders(sim, Math.max(1, Math.round(orders * CHANGED_SHARE)));
      const now = await sim.advanceClock(POLL_PERIOD_MS);
      const window = incrementalSyncWindow(first.window.to, now);
      const { total_count: windowOrders } = await sim.listOrders({ start_update_date: isoSeconds(window.from), end_update_date: isoSeconds(window.to), max: '0' });
      const cycle = await runEngineSync(sim, store, now, 'incremental', orders);
      if (cycle.window.from !== window.from.toISOString() || cycle.window.to !== window.to.toISOString()) {
        throw new Error(`the engine synced ${cycle.window.from}..${cycle.window.to}, expected ${window.from.toISOString()}..${window.to.toISOString()}`);
      }
      if (cycle.orders !== windowOrders || cycle.updated < changed) {
        throw new Error(`incremental window: ${cycle.orders} orders listed (marketplace says ${windowOrders}), ${cycle.updated} updated (${changed} changed)`);
      }
      const minimum = chainedMinimumCalls(windowOrders, PAGE);
      ctx.log(`${first.orders} stored, ${changed} changed, ${windowOrders} in the window: ${cycle.requests} calls (minimum ${minimum}) in ${(cycle.seconds * 1000).toFixed(0)} ms`);
      return {
        values: {
          wall_ms: cycle.seconds * 1000,
          api_calls: cycle.requests,
          minimum_calls: minimum,
          calls_over_minimum: cycle.requests / minimum,
          window_orders: windowOrders,
          updated_orders: cycle.updated,
        },
        details: { stored: first.orders, changed, window: cycle.window, inserted: cycle.inserted, pages: cycle.pages, engine_peak_rss_mb: Math.round(cycle.maxRssKb / 1024) },
      };
    } finally {
      await sim.close();
    }
  },
};
