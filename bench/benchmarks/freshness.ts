/**
 * Issue 18: freshness, on the simulator's clock. Per scenario a fresh Mirakl simulator process
 * placing orders at a steady rate after its start, and bench/workers/freshness.ts (the real
 * scheduler's poll, the real API read by a back office acknowledging what it imports, the real
 * webhook dispatcher delivering to a loopback receiver) in a fresh process, over a few simulated
 * hours that take seconds. Per order placed at the marketplace: the time until it is in the
 * "new for you" feed and until its `order.created` webhook arrived; p50 and p99 per scenario.
 *
 * Scenarios: the channel's defaults (worten: a poll every PT15M, the daemon's 30 s safety
 * margin) and the tightest legal settings (a poll every PT1M, OR11's once-a-minute contract),
 * with the default safety margin and with none (the margin widens each window's start, so it
 * should not move these figures: the two scenarios show it). Only orders placed early enough that a poll must
 * have listed them are counted (the simulator's own list, by creation time), and the run fails
 * unless every one of them reached both the feed and the webhook receiver: nothing is lost.
 */
import path from 'node:path';
import { benchScript, runJsonScript } from '../lib/child.ts';
import { SimulatorProcess } from '../lib/simulator-handle.ts';
import { percentile } from '../lib/stats.ts';
import type { Benchmark, FigureSpec, Size } from '../lib/types.ts';

interface Scenario {
  key: string;
  label: string;
  pollEveryMs: number;
  safetyMarginMs: number;
  /** Simulated duration per size. */
  durationMs: Record<Size, number>;
  /** The p99 target (feed and webhook), if any. */
  targetS?: number;
}

const HOUR = 3_600_000;
const SCENARIOS: Scenario[] = [
  { key: 'defaults', label: 'channel defaults (PT15M, margin 30 s)', pollEveryMs: 15 * 60_000, safetyMarginMs: 30_000, durationMs: { quick: HOUR / 2, default: 4 * HOUR, full: 8 * HOUR } },
  // The target: p99 within one poll period + 10 s at the tightest legal settings.
  { key: 'tight', label: 'tightest (PT1M, margin 30 s)', pollEveryMs: 60_000, safetyMarginMs: 30_000, durationMs: { quick: HOUR / 6, default: HOUR, full: 2 * HOUR }, targetS: 70 },
  { key: 'tight0', label: 'tightest, no margin (PT1M, margin 0 s)', pollEveryMs: 60_000, safetyMarginMs: 0, durationMs: { quick: HOUR / 6, default: HOUR, full: 2 * HOUR }, targetS: 70 },
];
/** Orders placed per simulated hour: one every 10 s. */
const RATE: Record<Size, number> = { quick: 120, default: 360, full: 360 };
/** History placed before the start (backfilled by the first poll, not measured). */
const HISTORY_ORDERS = 200;

interface WorkerReport {
  polls: number;
  backfilled: number;
  drained_ms: number;
  orders: Array<{ id: string; created: number; feedMs: number | null; webhookMs: number | null }>;
}

function figures(): FigureSpec[] {
  return SCENARIOS.flatMap((s) => (['feed', 'webhook'] as const).flatMap((where) => [
    { key: `${s.key}_${where}_p50`, label: `${s.label}: ${where} p50`, unit: 's', decimals: 1 },
    { key: `${s.key}_${where}_p99`, label: `${s.label}: ${where} p99`, unit: 's', decimals: 1, ...(s.targetS !== undefined && { target: { op: '<=' as const, value: s.targetS } }) },
  ]));
}

async function runScenario(dir: string, s: Scenario, size: Size, seed: number): Promise<{ values: Record<string, number>; details: Record<string, unknown> }> {
  // Real now: webhook deliveries are stamped by the database's clock (see the worker).
  const start = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
  const durationMs = s.durationMs[size];
  const sim = await SimulatorProcess.start({ orders: HISTORY_ORDERS, seed, historyDays: 1, start, newOrdersPerHour: RATE[size] });
  let report: WorkerReport;
  try {
    report = await runJsonScript<WorkerReport>(
      benchScript('workers/freshness.ts'),
      ['--base-url', sim.baseUrl, '--store', path.join(dir, `freshness-${s.key}-${seed}.sqlite`), '--start', start,
        '--poll-every-ms', String(s.pollEveryMs), '--safety-margin-ms', String(s.safetyMarginMs), '--duration-ms', String(durationMs)],
      { ORDERWIRE_BENCH_API_KEY: sim.apiKey },
    );
  } finally {
    await sim.close();
  }
  const counted = report.orders;
  const lost = counted.filter((o) => o.feedMs === null || o.webhookMs === null);
  if (lost.length > 0) throw new Error(`${s.key}: ${lost.length} of ${counted.length} orders placed never reached the feed or the webhook receiver (${lost[0]!.id}...)`);
  if (counted.length === 0) throw new Error(`${s.key}: no order placed during the run`);
  const feed = counted.map((o) => o.feedMs! / 1000).sort((a, b) => a - b);
  const hook = counted.map((o) => o.webhookMs! / 1000).sort((a, b) => a - b);
  return {
    values: {
      [`${s.key}_feed_p50`]: percentile(feed, 50),
      [`${s.key}_feed_p99`]: percentile(feed, 99),
      [`${s.key}_webhook_p50`]: percentile(hook, 50),
      [`${s.key}_webhook_p99`]: percentile(hook, 99),
    },
    details: { [s.key]: { orders: counted.length, polls: report.polls, backfilled: report.backfilled, drained_s: report.drained_ms / 1000, feed_max_s: feed.at(-1), webhook_max_s: hook.at(-1), simulated_ms: durationMs } },
  };
}

export const freshness: Benchmark = {
  name: 'freshness',
  title: 'Freshness: an order placed at the marketplace → in the API feed / in a webhook (simulated clock)',
  description: 'Orders placed at a steady rate on the simulator\'s clock; the real scheduler polls, a back office reads the feed and a receiver gets webhooks; p50/p99 with the channel defaults and the tightest legal settings (PT1M).',
  figures: figures(),
  parameters: (size) => ({ orders_per_hour: RATE[size], scenarios: Object.fromEntries(SCENARIOS.map((s) => [s.key, { poll_every_ms: s.pollEveryMs, safety_margin_ms: s.safetyMarginMs, simulated_ms: s.durationMs[size] }])) }),
  async run(ctx) {
    const values: Record<string, number> = {};
    const details: Record<string, unknown> = {};
    for (const s of SCENARIOS) {
      const r = await runScenario(ctx.dir, s, ctx.size, ctx.run);
      Object.assign(values, r.values);
      Object.assign(details, r.details);
      ctx.log(`${s.key}: ${JSON.stringify(r.details[s.key])}`);
    }
    return { values, details };
  },
};
