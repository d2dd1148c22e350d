/**
 * Several daemons on one PostgreSQL store: orders/s of a first sync (N orders spread over Worten
 * and Cdiscount accounts, one simulator per account) and actions/s (accept every waiting order),
 * with 1 and with 3 `orderwire run` daemons. Each figure is the median of --runs runs (min..max),
 * every run on a fresh schema.
 *
 *   npx node bench/multi-daemon.ts [--orders 12000] [--accounts-per-kind 3] [--runs 3] [--pg postgres://...] [--json]
 *
 * --json prints one line {runs: [{daemons, ordersPerSecond, orders, actionsPerSecond, actions}]}
 * for the bench harness (bench/benchmarks/multi-daemon.ts) instead of the text table.
 *
 * --pg defaults to $ORDERWIRE_BENCH_PG_URL or $ORDERWIRE_TEST_PG_URL. The simulators run in this
 * process, the daemons in child processes. Times come from the store (runs' started/finished,
 * actions' settlement), so daemon start-up is not counted:
 * - orders/s = orders stored / (last run finished - first run started);
 * - actions/s = (actions - 1) / (last settled - first settled), actions queued before the daemons start.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { redactStoreUrl } from '../engine/store/redact.ts';
import { waitFor } from '../test/helpers/cli-process.ts';
import { alive, type Fleet, queueAccepts, startFleet } from '../test/helpers/daemon-fleet.ts';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '12000' },
    'accounts-per-kind': { type: 'string', default: '3' },
    runs: { type: 'string', default: '3' },
    json: { type: 'boolean', default: false },
    pg: { type: 'string', default: process.env.ORDERWIRE_BENCH_PG_URL ?? process.env.ORDERWIRE_TEST_PG_URL ?? '' },
  },
});
const PG = values.pg;
const PER_KIND = Number(values['accounts-per-kind']);
const ORDERS_PER_ACCOUNT = Math.ceil(Number(values.orders) / (2 * PER_KIND));
const RUNS = Number(values.runs);
const LIMIT_MS = 600_000;

if (!PG) {
  process.stderr.write('bench/multi-daemon.ts needs PostgreSQL: pass --pg postgres://... or set ORDERWIRE_TEST_PG_URL (see .ci/postgres-up.sh)\n');
  process.exit(2);
}

interface RunResult { ordersPerSecond: number; orders: number; actionsPerSecond: number; actions: number }

async function stopAll(fleet: Fleet): Promise<void> {
  const running = fleet.daemons.filter(alive);
  for (const d of running) d.child.kill('SIGTERM');
  for (const d of running) {
    const { code } = await d.exited;
    if (code !== 0) throw new Error(`a daemon exited with ${code}: ${d.stderr().slice(-2000)}`);
  }
}

async function measure(daemons: number): Promise<RunResult> {
  const fleet = await startFleet({ pgUrl: PG, accountsPerKind: PER_KIND, orders: ORDERS_PER_ACCOUNT, leaseTtl: 'PT30S', logLevel: 'warn' });
  try {
    const { store, accounts } = fleet;
    fleet.spawnDaemons(daemons);
    await waitFor(async () => {
      const cursors = await Promise.all(accounts.map((a) => store.getCursor(a.id, a.account.channel.id, 'incremental')));
      return cursors.every((c) => c !== undefined);
    }, LIMIT_MS, 'every account to be synced');
    const runs = (await Promise.all(accounts.map((a) => store.listRuns({ account: a.id, limit: 100 })))).flat().filter((r) => r.state === 'succeeded');
    const orders = await store.countOrders({});
    const syncMs = Math.max(...runs.map((r) => Date.parse(r.finished_at!))) - Math.min(...runs.map((r) => Date.parse(r.started_at)));
    await stopAll(fleet);

    const queued = (await Promise.all(accounts.map((a) => queueAccepts(store, a.account)))).flat();
    fleet.spawnDaemons(daemons);
    let settledAt: number[] = [];
    await waitFor(async () => {
      const done = await Promise.all(queued.map((q) => store.getAction(q.id)));
      if (done.some((a) => a?.state === 'queued' || a?.state === 'sending')) return false;
      const failed = done.filter((a) => a?.state !== 'succeeded');
      if (failed.length) throw new Error(`${failed.length} actions did not succeed, e.g. ${JSON.stringify(failed[0])}`);
      settledAt = done.map((a) => Date.parse(a!.updated_at));
      return true;
    }, LIMIT_MS, 'every action to settle');
    await stopAll(fleet);
    const actionMs = Math.max(...settledAt) - Math.min(...settledAt);
    return { ordersPerSecond: orders / (syncMs / 1000), orders, actionsPerSecond: (queued.length - 1) / (actionMs / 1000), actions: queued.length };
  } finally {
    await fleet.close();
  }
}

function summary(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const f = (n: number): string => n.toFixed(0);
  return `${f(sorted[Math.floor(sorted.length / 2)]!)} (${f(sorted[0]!)}..${f(sorted.at(-1)!)})`;
}

if (values.json) {
  // One run of 1 daemon then 3 daemons per --runs, so each 3/1 ratio is taken within one run.
  const runs: Array<RunResult & { daemons: number }> = [];
  for (let run = 0; run < RUNS; run++) for (const daemons of [1, 3]) runs.push({ daemons, ...(await measure(daemons)) });
  process.stdout.write(`${JSON.stringify({ runs })}\n`);
} else {
  const cpus = os.cpus();
  process.stdout.write(`machine: ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; PostgreSQL ${redactStoreUrl(PG)}\n`);
  process.stdout.write(`workload: ${2 * PER_KIND} accounts (${PER_KIND} Worten, ${PER_KIND} Cdiscount), ${ORDERS_PER_ACCOUNT} orders each; median of ${RUNS} runs (min..max)\n\n`);
  process.stdout.write('daemons | orders/s (first sync)  | actions/s (accept)\n');
  for (const daemons of [1, 3]) {
    const results: RunResult[] = [];
    for (let run = 0; run < RUNS; run++) results.push(await measure(daemons));
    const r0 = results[0]!;
    process.stdout.write(`${String(daemons).padStart(7)} | ${summary(results.map((r) => r.ordersPerSecond)).padEnd(22)} | ${summary(results.map((r) => r.actionsPerSecond))}   [${r0.orders} orders, ${r0.actions} actions per run]\n`);
  }
}
