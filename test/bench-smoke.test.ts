/**
 * The benchmark harness end to end at a tiny size (500 orders, 1 run): it must run every default
 * benchmark through real child processes and write the JSON result with the keys readers and
 * tools rely on. No assertion on speed: performance lives in bench/, never in tests.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainedMinimumCalls } from '../bench/benchmarks/incremental.ts';

const RUN = path.resolve(import.meta.dirname, '../bench/run.ts');

function runBench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', RUN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

interface Report {
  schema: string;
  options: { size: string; runs: number; orders: number; benchmarks: string[] };
  machine: Record<string, unknown>;
  benchmarks: Array<{
    name: string;
    error?: string;
    runs: Array<{ values: Record<string, number>; details?: Record<string, unknown> }>;
    figures: Array<{ key: string; unit: string; median: number; min: number; max: number; values: number[]; met?: boolean }>;
  }>;
}

describe('npm run bench (tiny size)', () => {
  let dir: string;
  let result: { code: number | null; stdout: string; stderr: string };
  let report: Report;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'orderwire-bench-smoke-'));
    result = await runBench(['first-sync', 'incremental', 'validation', 'memory', 'api-feed', '--quick', '--runs', '1', '--orders', '500', '--results-dir', dir]);
    report = JSON.parse(await readFile(path.join(dir, 'latest.json'), 'utf8')) as Report;
  }, 120_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 0, prints the machine and the table', () => {
    expect(result.stderr).not.toMatch(/FAILED|Error/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/logical CPUs/);
    expect(result.stdout).toMatch(/node v\d+/);
    expect(result.stdout).toMatch(/benchmark\s+figure\s+median\s+min\s+max\s+unit\s+target/);
    expect(result.stdout).toMatch(/first-sync\s+engine\/floor/);
  });

  it('writes a timestamped JSON beside latest.json', async () => {
    const files = await readdir(dir);
    expect(files).toContain('latest.json');
    expect(files.filter((f) => /^\d{4}-\d\d-\d\dT.*\.json$/.test(f))).toHaveLength(1);
  });

  it('records the machine and the options', () => {
    expect(report.schema).toBe('orderwire-bench/1');
    expect(Object.keys(report.machine)).toEqual(expect.arrayContaining(['cpu_model', 'logical_cpus', 'node', 'free_memory_mb', 'load_average']));
    expect(report.options).toMatchObject({ size: 'quick', runs: 1, orders: 500, benchmarks: ['first-sync', 'incremental', 'validation', 'memory', 'api-feed'] });
  });

  it('gives every figure of every benchmark a median, min and max over one run', () => {
    const expected: Record<string, string[]> = {
      'first-sync': ['engine_orders_per_s', 'floor_orders_per_s', 'engine_over_floor', 'engine_peak_rss_mb'],
      incremental: ['wall_ms', 'api_calls', 'minimum_calls', 'calls_over_minimum'],
      validation: ['validations_per_s', 'p99_us'],
      memory: ['small_peak_rss_mb', 'large_peak_rss_mb', 'large_over_small', 'in_run_bytes_per_order'],
      'api-feed': ['requests_per_s', 'p99_ms', 'floor_orders_per_s', 'engine_floor'],
    };
    for (const [name, keys] of Object.entries(expected)) {
      const b = report.benchmarks.find((x) => x.name === name);
      expect(b, name).toBeDefined();
      expect(b!.error).toBeUndefined();
      expect(b!.runs).toHaveLength(1);
      for (const key of keys) {
        const f = b!.figures.find((x) => x.key === key);
        expect(f, `${name} ${key}`).toBeDefined();
        expect(f!.values).toHaveLength(1);
        expect(Number.isFinite(f!.median)).toBe(true);
        expect(f!.min).toBe(f!.median);
        expect(f!.max).toBe(f!.median);
      }
    }
  });

  it('takes the ratio within the run: engine/floor is the run’s own two rates', () => {
    const values = report.benchmarks.find((x) => x.name === 'first-sync')!.runs[0]!.values;
    expect(values.engine_over_floor).toBeCloseTo(values.engine_orders_per_s! / values.floor_orders_per_s!, 10);
  });

  it('measures the API feed against its serving floor in the same run', () => {
    const values = report.benchmarks.find((x) => x.name === 'api-feed')!.runs[0]!.values;
    expect(values.engine_floor).toBeCloseTo(values.orders_per_s! / values.floor_orders_per_s!, 10);
  });

  it('compares the incremental calls with the minimum for the orders the marketplace reports', () => {
    const values = report.benchmarks.find((x) => x.name === 'incremental')!.runs[0]!.values;
    expect(values.minimum_calls).toBe(chainedMinimumCalls(values.window_orders!, 100));
    expect(values.updated_orders).toBeGreaterThanOrEqual(5); // 1 % of 500 changed at the marketplace
  });
});

describe('npm run bench -- freshness (quick)', () => {
  let dir: string;
  let result: { code: number | null; stdout: string; stderr: string };
  let report: Report;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'orderwire-bench-freshness-'));
    result = await runBench(['freshness', '--quick', '--runs', '1', '--results-dir', dir]);
    report = JSON.parse(await readFile(path.join(dir, 'latest.json'), 'utf8')) as Report;
  }, 180_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('measures every counted order in the feed and at the webhook receiver, for each scenario', () => {
    expect(result.stderr).not.toMatch(/FAILED|Error/);
    expect(result.code).toBe(0);
    const b = report.benchmarks.find((x) => x.name === 'freshness')!;
    expect(b.error).toBeUndefined();
    const run = b.runs[0]!;
    for (const scenario of ['defaults', 'tight', 'tight0']) {
      const details = run.details![scenario] as { orders: number; polls: number };
      expect(details.orders, scenario).toBeGreaterThan(0);
      const p50 = run.values[`${scenario}_feed_p50`]!;
      const p99 = run.values[`${scenario}_feed_p99`]!;
      // An order cannot be in the feed before the poll after it was placed, nor its webhook before the feed's commit.
      expect(p50).toBeGreaterThan(0);
      expect(p99).toBeGreaterThanOrEqual(p50);
      expect(run.values[`${scenario}_webhook_p50`]!).toBeGreaterThanOrEqual(p50);
    }
    // The tightest settings poll every minute: nothing waits for a 15-minute period there.
    expect(run.values.tight_feed_p99!).toBeLessThan(run.values.defaults_feed_p99!);
  });
});

describe('bench/run.ts options', () => {
  it('refuses an unknown benchmark by name, listing the known ones', async () => {
    const r = await runBench(['no-such-bench']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown benchmark "no-such-bench" \(known: first-sync, incremental, validation, memory/);
  });

  it('refuses a run count that is not a positive integer', async () => {
    const r = await runBench(['validation', '--runs', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--runs must be a positive integer/);
  });

  it('lists the registry', async () => {
    const r = await runBench(['--list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^first-sync /m);
    expect(r.stdout).toMatch(/^store-commit +\(by name\)/m);
  });
});
