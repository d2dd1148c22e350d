/**
 * Every named benchmark, in the order `npm run bench` runs them (those with inDefaultRun: false
 * only when named). A new benchmark (1 vs 3 daemons...) is one module exporting a Benchmark and
 * one line here.
 */
import { apiFeed } from '../benchmarks/api-feed.ts';
import { firstSync, firstSyncPostgres } from '../benchmarks/first-sync.ts';
import { freshness } from '../benchmarks/freshness.ts';
import { incremental } from '../benchmarks/incremental.ts';
import { memory } from '../benchmarks/memory.ts';
import { multiDaemon } from '../benchmarks/multi-daemon.ts';
import { storeCommit } from '../benchmarks/store-commit.ts';
import { validation } from '../benchmarks/validation.ts';
import type { Benchmark } from './types.ts';

export const BENCHMARKS: readonly Benchmark[] = [firstSync, incremental, validation, memory, apiFeed, freshness, firstSyncPostgres, multiDaemon, storeCommit];

export function findBenchmark(name: string): Benchmark | undefined {
  return BENCHMARKS.find((b) => b.name === name);
}
