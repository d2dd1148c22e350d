/**
 * Issue 8 part 1 (and part 6's PostgreSQL first sync): first sync of N orders from the Mirakl
 * simulator (pages of 100) into the store, engine against the floor in the same run. Each run
 * starts a fresh simulator process, then runs the engine and the floor (bench/floor-first-sync.ts)
 * each in a fresh process over the same window, in alternating order so neither always meets a
 * warmer simulator. The floor always writes one SQLite table: it is the physical floor of listing
 * and keeping the payloads, whatever store the engine uses.
 */
import path from 'node:path';
import pg from 'pg';
import { redactStoreUrl } from '../../engine/store/redact.ts';
import { SimulatorProcess } from '../lib/simulator-handle.ts';
import { SIM_HISTORY_DAYS, SIM_SEED, SIM_START, mb, runEngineSync, runFloor, type StoreTarget } from '../lib/sync-runs.ts';
import type { Benchmark, Size } from '../lib/types.ts';
import { firstSyncWindow, isoSeconds } from '../lib/window.ts';

const ORDERS: Record<Size, number> = { quick: 5_000, default: 100_000, full: 100_000 };

/** $ORDERWIRE_BENCH_PG_URL, else $ORDERWIRE_TEST_PG_URL (bash .ci/postgres-up.sh). */
function postgresUrl(): string {
  const url = process.env.ORDERWIRE_BENCH_PG_URL || process.env.ORDERWIRE_TEST_PG_URL;
  if (!url) throw new Error('first-sync-postgres needs PostgreSQL: set ORDERWIRE_BENCH_PG_URL or ORDERWIRE_TEST_PG_URL (bash .ci/postgres-up.sh starts one)');
  return url;
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

function firstSyncBenchmark(store: 'sqlite' | 'postgres'): Benchmark {
  const suffix = store === 'postgres' ? '-postgres' : '';
  return {
    name: `first-sync${suffix}`,
    title: `First sync from the Mirakl simulator into ${store === 'postgres' ? 'PostgreSQL' : 'SQLite'}, engine vs floor`,
    description:
      store === 'postgres'
        ? 'first-sync with the engine writing to PostgreSQL ($ORDERWIRE_BENCH_PG_URL or $ORDERWIRE_TEST_PG_URL, a throwaway schema per run); the floor stays the one-table SQLite script.'
        : 'N orders, pages of 100, engine (syncWindow + declarative connector + SQLite store) and floor (fetch + JSON.parse + raw INSERT in one transaction) over the same window; ratio per run.',
    ...(store === 'postgres' && { inDefaultRun: false }),
    figures: [
      { key: 'engine_orders_per_s', label: 'engine', unit: 'orders/s' },
      { key: 'floor_orders_per_s', label: 'floor', unit: 'orders/s' },
      // Issue 18's targets: three quarters of the floor on SQLite, 0.6 on PostgreSQL; 150 µs of CPU an order.
      { key: 'engine_over_floor', label: 'engine/floor', unit: 'ratio', decimals: 2, target: { op: '>=', value: store === 'postgres' ? 0.6 : 0.75 } },
      { key: 'engine_cpu_us_per_order', label: 'engine CPU per order', unit: 'µs', target: { op: '<=', value: 150 } },
      { key: 'floor_cpu_us_per_order', label: 'floor CPU per order', unit: 'µs' },
      { key: 'simulator_cpu_us_per_order', label: 'simulator CPU per order (engine run)', unit: 'µs' },
      { key: 'engine_peak_rss_mb', label: 'engine peak RSS', unit: 'MB', target: { op: '<=', value: 250 } },
      { key: 'floor_peak_rss_mb', label: 'floor peak RSS', unit: 'MB' },
    ],
    parameters: (size, orders) => ({
      orders: orders ?? ORDERS[size],
      page_size: 100,
      history_days: SIM_HISTORY_DAYS,
      seed: SIM_SEED,
      ...(store === 'postgres' && { postgres: redactStoreUrl(postgresUrl()) }),
    }),
    async run(ctx) {
      const orders = ctx.orders ?? ORDERS[ctx.size];
      const pgUrl = store === 'postgres' ? postgresUrl() : undefined;
      const schema = `bench_first_sync_${process.pid}_${ctx.run}`;
      const target: StoreTarget = pgUrl ? { pgUrl, schema } : path.join(ctx.dir, `engine-${ctx.run}.sqlite`);
      const sim = await SimulatorProcess.start({ orders, seed: SIM_SEED, historyDays: SIM_HISTORY_DAYS, start: SIM_START });
      try {
        const now = await sim.now();
        const window = firstSyncWindow(now);
        // Warm the simulator's listing path once so the first measured side is not penalised.
        await sim.listOrders({ start_update_date: isoSeconds(window.from), end_update_date: isoSeconds(window.to), max: '100' });
        const engineSide = () => runEngineSync(sim, target, now, 'backfill', orders);
        const floorSide = () => runFloor(sim, ctx.dir, window, String(ctx.run), orders);
        let engine: Awaited<ReturnType<typeof engineSide>>;
        let floor: Awaited<ReturnType<typeof floorSide>>;
        if (ctx.run % 2 === 1) {
          engine = await engineSide();
          floor = await floorSide();
        } else {
          floor = await floorSide();
          engine = await engineSide();
        }
        if (engine.window.from !== window.from.toISOString() || engine.window.to !== window.to.toISOString()) {
          throw new Error(`the engine synced ${engine.window.from}..${engine.window.to}, the floor ${window.from.toISOString()}..${window.to.toISOString()}`);
        }
        if (engine.orders !== floor.orders || engine.inserted !== engine.orders) {
          throw new Error(`engine and floor disagree: engine listed ${engine.orders} and inserted ${engine.inserted}, floor stored ${floor.orders}`);
        }
        ctx.log(`${engine.orders} orders: engine ${engine.seconds.toFixed(1)} s, floor ${floor.seconds.toFixed(1)} s`);
        const engineRate = engine.orders / engine.seconds;
        const floorRate = floor.orders / floor.seconds;
        return {
          values: {
            engine_orders_per_s: engineRate,
            floor_orders_per_s: floorRate,
            engine_over_floor: engineRate / floorRate,
            engine_cpu_us_per_order: (engine.cpuMs * 1000) / engine.orders,
            floor_cpu_us_per_order: (floor.cpuMs * 1000) / floor.orders,
            simulator_cpu_us_per_order: (engine.simCpuMs * 1000) / engine.orders,
            engine_peak_rss_mb: mb(engine.maxRssKb),
            floor_peak_rss_mb: mb(floor.maxRssKb),
          },
          details: {
            window: engine.window,
            orders: engine.orders,
            requests: { engine: engine.requests, floor: floor.requests },
            seconds: { engine: engine.seconds, floor: floor.seconds },
            engine_start_rss_mb: engine.startRssMb,
            order: ctx.run % 2 === 1 ? 'engine, then floor' : 'floor, then engine',
          },
        };
      } finally {
        await sim.close();
        if (pgUrl) await dropSchema(pgUrl, schema);
      }
    },
  };
}

export const firstSync = firstSyncBenchmark('sqlite');
export const firstSyncPostgres = firstSyncBenchmark('postgres');
