/**
 * Running the engine and the floor against a simulator process, shared by the first-sync,
 * incremental and memory benchmarks.
 */
import path from 'node:path';
import { benchScript, daemonEnv, daemonNodeFlags, runJsonScript } from './child.ts';
import type { SimulatorProcess } from './simulator-handle.ts';
import { isoSeconds } from './window.ts';

/** Where the generated history ends (frozen simulated time); 4 days fit the 5-day lookback. */
export const SIM_START = '2025-03-10T12:00:00Z';
export const SIM_HISTORY_DAYS = 4;
export const SIM_SEED = 1;

export interface SyncReport {
  kind: string;
  window: { from: string; to: string };
  orders: number;
  pages: number;
  requests: number;
  inserted: number;
  updated: number;
  seconds: number;
  cpuMs: number;
  maxRssKb: number;
  /** RSS once modules are loaded and the store migrated, before the first request. */
  startRssMb: number;
  rssSamples: Array<[orders: number, rssMb: number]>;
}

export interface FloorReport {
  orders: number;
  requests: number;
  seconds: number;
  cpuMs: number;
  maxRssKb: number;
  rssSamples: Array<[orders: number, rssMb: number]>;
}

/** About 50 RSS samples per sync, whatever its size. */
function sampleEvery(orders: number): string {
  return String(Math.max(1, Math.floor(orders / 100 / 50)));
}

/** A SQLite file, or a PostgreSQL schema (the URL travels in the environment: it holds a password). */
export type StoreTarget = string | { pgUrl: string; schema: string };

export async function runEngineSync(sim: SimulatorProcess, store: StoreTarget, now: Date, kind: 'backfill' | 'incremental', orders: number): Promise<SyncReport & { simCpuMs: number }> {
  const before = await sim.usage();
  const storeArgs = typeof store === 'string' ? ['--store', store] : ['--pg-schema', store.schema];
  const args = ['--base-url', sim.baseUrl, ...storeArgs, '--now', now.toISOString(), '--kind', kind, '--sample-every', sampleEvery(orders)];
  const report = await runJsonScript<SyncReport>(benchScript('workers/engine-sync.ts'), args, {
    ...daemonEnv(),
    ORDERWIRE_BENCH_API_KEY: sim.apiKey,
    ...(typeof store !== 'string' && { ORDERWIRE_BENCH_PG_URL: store.pgUrl }),
  }, daemonNodeFlags());
  const after = await sim.usage();
  return { ...report, simCpuMs: after.cpuMs - before.cpuMs };
}

export async function runFloor(sim: SimulatorProcess, dir: string, window: { from: Date; to: Date }, label: string, orders: number): Promise<FloorReport & { simCpuMs: number }> {
  const before = await sim.usage();
  const report = await runJsonScript<FloorReport>(
    benchScript('floor-first-sync.ts'),
    ['--base-url', sim.baseUrl, '--from', isoSeconds(window.from), '--to', isoSeconds(window.to), '--db', path.join(dir, `floor-${label}.sqlite`), '--sample-every', sampleEvery(orders)],
    { ORDERWIRE_BENCH_API_KEY: sim.apiKey },
  );
  const after = await sim.usage();
  return { ...report, simCpuMs: after.cpuMs - before.cpuMs };
}

export const mb = (kb: number): number => Math.round(kb / 102.4) / 10;
