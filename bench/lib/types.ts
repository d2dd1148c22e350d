/**
 * The benchmark registry's contract. A benchmark declares its figures once and measures them in
 * `run`, which the harness calls --runs times; the harness takes the median, min and max of each
 * figure over the runs. Ratios (engine/floor, calls/minimum) are figures computed inside one run,
 * so their median is the median of per-run ratios, never a ratio of medians.
 */

export interface Target {
  /** The figure must be at least (>=) or at most (<=) this value. */
  op: '>=' | '<=';
  value: number;
}

export interface FigureSpec {
  key: string;
  label: string;
  unit: string;
  /** Decimals shown in the table. */
  decimals?: number;
  target?: Target;
}

export interface RunResult {
  values: Record<string, number>;
  /** Anything else worth keeping in the JSON (window, counts, RSS samples...). */
  details?: Record<string, unknown>;
}

export type Size = 'quick' | 'default' | 'full';

export interface BenchContext {
  size: Size;
  /** `--orders N`: replaces the benchmark's main order count (the smoke test's tiny size). */
  orders?: number;
  /** A temp directory of this benchmark, removed after it. */
  dir: string;
  /** 1-based run number. */
  run: number;
  log(message: string): void;
}

export interface Benchmark {
  name: string;
  title: string;
  /** Which issue-8 part it measures and how, in one or two sentences (printed in --list). */
  description: string;
  figures: FigureSpec[];
  /** Runs when --runs is not given (some benchmarks take minutes per run). */
  defaultRuns?: number;
  /** Part of `npm run bench` without naming it (false: only when named or with --full). */
  inDefaultRun?: boolean;
  /** Sizes used, for the header and the JSON (e.g. { orders: 100000 }). */
  parameters(size: Size, orders?: number): Record<string, unknown>;
  run(ctx: BenchContext): Promise<RunResult>;
}

export interface FigureSummary extends FigureSpec {
  median: number;
  min: number;
  max: number;
  /** Per-run values in run order. */
  values: number[];
  met?: boolean;
}

export interface BenchmarkSummary {
  name: string;
  title: string;
  parameters: Record<string, unknown>;
  runs: RunResult[];
  figures: FigureSummary[];
  seconds: number;
  error?: string;
}
