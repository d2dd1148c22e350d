/**
 * orderwire's benchmarks: `npm run bench` runs the default set; name some to run only those.
 *
 *   npm run bench                               first-sync, incremental, validation, memory, api-feed (~9 min)
 *   npm run bench -- first-sync --runs 5        one benchmark, five runs
 *   npm run bench -- --quick                    small sizes (a smoke run, about a minute)
 *   npm run bench -- --full                     full sizes (memory: 100k and 1M orders)
 *   npm run bench -- --list                     the registry
 *   options: --orders N (main order count), --results-dir DIR, --cpu-prof (profiles of the workers), --markdown
 *
 * Prints the machine and a table (median, min, max of the runs; ratios computed within each run)
 * and writes <results-dir>/<timestamp>.json and <results-dir>/latest.json. See bench/README.md.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_DIR, setWorkerNodeArgs } from './lib/child.ts';
import { describeMachine, machineLine } from './lib/machine.ts';
import { BENCHMARKS, findBenchmark } from './lib/registry.ts';
import { summarize } from './lib/stats.ts';
import { renderMarkdown, renderTable } from './lib/table.ts';
import type { Benchmark, BenchmarkSummary, RunResult, Size } from './lib/types.ts';

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    runs: { type: 'string' },
    quick: { type: 'boolean', default: false },
    full: { type: 'boolean', default: false },
    orders: { type: 'string' },
    list: { type: 'boolean', default: false },
    'results-dir': { type: 'string', default: path.join(BENCH_DIR, 'results') },
    'cpu-prof': { type: 'boolean', default: false },
    markdown: { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  console.error(`bench: ${message}`);
  process.exit(2);
}

if (opts.list) {
  for (const b of BENCHMARKS) console.log(`${b.name.padEnd(14)} ${b.inDefaultRun === false ? '(by name) ' : ''}${b.description}`);
  process.exit(0);
}
if (opts.quick && opts.full) fail('--quick and --full exclude each other');
const size: Size = opts.quick ? 'quick' : opts.full ? 'full' : 'default';
const runsOption = opts.runs === undefined ? undefined : Number(opts.runs);
if (runsOption !== undefined && !(Number.isInteger(runsOption) && runsOption >= 1)) fail(`--runs must be a positive integer, got ${opts.runs}`);
const orders = opts.orders === undefined ? undefined : Number(opts.orders);
if (orders !== undefined && !(Number.isInteger(orders) && orders >= 100 && orders <= 1_000_000)) fail(`--orders must be an integer from 100 to 1,000,000, got ${opts.orders}`);
const selected: Benchmark[] =
  positionals.length === 0
    ? BENCHMARKS.filter((b) => b.inDefaultRun !== false)
    : positionals.map((name) => findBenchmark(name) ?? fail(`unknown benchmark "${name}" (known: ${BENCHMARKS.map((b) => b.name).join(', ')})`));
const resultsDir = path.resolve(opts['results-dir']);
mkdirSync(resultsDir, { recursive: true });
if (opts['cpu-prof']) setWorkerNodeArgs(['--cpu-prof', `--cpu-prof-dir=${path.join(resultsDir, 'profiles')}`]);

const startedAt = new Date();
const machine = describeMachine();
console.log(`orderwire benchmarks (${size} sizes), ${startedAt.toISOString()}`);
console.log(machineLine(machine));
console.log('The simulator runs in its own process: on 2 cores it shares the CPU with the measured process.\n');

async function runBenchmark(b: Benchmark): Promise<BenchmarkSummary> {
  const runs = runsOption ?? b.defaultRuns ?? 3;
  const began = performance.now();
  const dir = mkdtempSync(path.join(tmpdir(), `orderwire-bench-${b.name}-`));
  const results: RunResult[] = [];
  let parameters: Record<string, unknown> = {};
  let error: string | undefined;
  try {
    console.log(`${b.name}: ${b.title}; ${runs} run${runs === 1 ? '' : 's'}`);
    parameters = b.parameters(size, orders);
    console.log(`  ${JSON.stringify(parameters)}`);
    for (let run = 1; run <= runs; run++) {
      const result = await b.run({ size, ...(orders !== undefined && { orders }), dir, run, log: (m) => console.log(`  run ${run}/${runs}: ${m}`) });
      const missing = b.figures.filter((f) => typeof result.values[f.key] !== 'number');
      if (missing.length > 0) throw new Error(`run ${run} gave no ${missing.map((f) => f.key).join(', ')}`);
      results.push(result);
    }
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
    console.log(`  FAILED: ${error}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const figures = b.figures.map((f) => {
    const values = results.map((r) => r.values[f.key]!);
    const s = summarize(values);
    const met = f.target && results.length > 0 ? (f.target.op === '>=' ? s.median >= f.target.value : s.median <= f.target.value) : undefined;
    return { ...f, ...s, values, ...(met !== undefined && { met }) };
  });
  const seconds = (performance.now() - began) / 1000;
  console.log(`  ${b.name} done in ${seconds.toFixed(0)} s\n`);
  return { name: b.name, title: b.title, parameters, runs: results, figures, seconds, ...(error !== undefined && { error }) };
}

const summaries: BenchmarkSummary[] = [];
for (const b of selected) summaries.push(await runBenchmark(b));
const finishedAt = new Date();

console.log(renderTable(summaries));
if (opts.markdown) console.log(`\n${renderMarkdown(summaries)}`);

const report = {
  schema: 'orderwire-bench/1',
  started_at: startedAt.toISOString(),
  finished_at: finishedAt.toISOString(),
  seconds: (finishedAt.getTime() - startedAt.getTime()) / 1000,
  options: { size, runs: runsOption ?? null, orders: orders ?? null, benchmarks: selected.map((b) => b.name) },
  machine,
  benchmarks: summaries,
};
const file = path.join(resultsDir, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(path.join(resultsDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log(`\nresults: ${path.relative(process.cwd(), file)} (and latest.json)`);
process.exitCode = summaries.some((s) => s.error) ? 1 : 0;
