/**
 * Issue 8 part 6 (and issue 7's figures): several `orderwire run` daemons on one PostgreSQL
 * store, through bench/multi-daemon.ts (runnable on its own) in a child process: first-sync
 * orders/s and actions/s with 1 and with 3 daemons, and the 3/1 ratios taken within each run.
 * Needs PostgreSQL ($ORDERWIRE_BENCH_PG_URL or $ORDERWIRE_TEST_PG_URL), so it runs when named.
 */
import { benchScript, runJsonScript } from '../lib/child.ts';
import type { Benchmark, Size } from '../lib/types.ts';

const ORDERS: Record<Size, number> = { quick: 1_200, default: 6_000, full: 12_000 };

interface MultiDaemonOutput {
  runs: Array<{ daemons: number; ordersPerSecond: number; orders: number; actionsPerSecond: number; actions: number }>;
}

export const multiDaemon: Benchmark = {
  name: 'multi-daemon',
  title: '1 vs 3 daemons on one PostgreSQL store',
  description: 'bench/multi-daemon.ts --json: 6 accounts (3 Worten, 3 Cdiscount; one simulator each, in the benchmark process), a first sync then an accept on every waiting order, with 1 and then 3 `orderwire run` daemons on a fresh schema.',
  inDefaultRun: false,
  figures: [
    { key: 'orders_per_s_1', label: 'first sync, 1 daemon', unit: 'orders/s' },
    { key: 'orders_per_s_3', label: 'first sync, 3 daemons', unit: 'orders/s' },
    { key: 'orders_ratio', label: 'first sync 3/1', unit: 'ratio', decimals: 2 },
    { key: 'actions_per_s_1', label: 'actions, 1 daemon', unit: 'actions/s' },
    { key: 'actions_per_s_3', label: 'actions, 3 daemons', unit: 'actions/s' },
    { key: 'actions_ratio', label: 'actions 3/1', unit: 'ratio', decimals: 2 },
  ],
  parameters: (size, orders) => ({ orders: orders ?? ORDERS[size], accounts: 6 }),
  async run(ctx) {
    const url = process.env.ORDERWIRE_BENCH_PG_URL || process.env.ORDERWIRE_TEST_PG_URL;
    if (!url) throw new Error('multi-daemon needs PostgreSQL: set ORDERWIRE_BENCH_PG_URL or ORDERWIRE_TEST_PG_URL (bash .ci/postgres-up.sh starts one)');
    const orders = ctx.orders ?? ORDERS[ctx.size];
    const out = await runJsonScript<MultiDaemonOutput>(benchScript('multi-daemon.ts'), ['--runs', '1', '--orders', String(orders), '--json'], { ORDERWIRE_BENCH_PG_URL: url });
    const one = out.runs.find((r) => r.daemons === 1);
    const three = out.runs.find((r) => r.daemons === 3);
    if (!one || !three) throw new Error('bench/multi-daemon.ts reported no 1- or 3-daemon run');
    return {
      values: {
        orders_per_s_1: one.ordersPerSecond,
        orders_per_s_3: three.ordersPerSecond,
        orders_ratio: three.ordersPerSecond / one.ordersPerSecond,
        actions_per_s_1: one.actionsPerSecond,
        actions_per_s_3: three.actionsPerSecond,
        actions_ratio: three.actionsPerSecond / one.actionsPerSecond,
      },
      details: { orders: one.orders, actions: one.actions },
    };
  },
};
