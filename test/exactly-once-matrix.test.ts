/**
 * The exactly-once fault matrix: every action of both channels (Worten on the Mirakl simulator,
 * Cdiscount on the Octopia simulator, and OR29's cancel, OR30's line cancellation and OR28's
 * partial refunds through a Mirakl channel that offers them)
 * under every fault, on SQLite and on PostgreSQL, delivered by a real `orderwire run` daemon.
 * Faults come from outside the engine: a loopback proxy in front of each simulator drops, holds,
 * resets or answers 502 for the one request chosen, before or after forwarding it, and the test
 * kills the daemon with SIGKILL while a request is held.
 *
 * One daemon per (store, fault) batch drives every action at once (one order each), so the 168
 * cells cost 12 daemon runs (16 with the restarts after a kill), not one per cell; each cell
 * still has its own order, its own armed fault and its own verdict. A cell passes when the
 * action ends `succeeded` and the marketplace's call log shows each of its requests applied
 * exactly once (one 2xx per request of the action, no refusal of a repeated one).
 *
 *   npx vitest run test/exactly-once-matrix.test.ts      (PostgreSQL rows need ORDERWIRE_TEST_PG_URL)
 */
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimulator, type StartedSimulator } from '@orderwire/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS_DIR, loadChannelFile } from '../engine/channel/load.ts';
import type { Channel } from '../engine/channel/model.ts';
import { createConnector, loadPlatform } from '../engine/connector/declarative.ts';
import { openStore } from '../engine/store/open.ts';
import type { Store, StoredAction } from '../engine/store/store.ts';
import type { AccountRuntime } from '../engine/sync/account.ts';
import { submitAction } from '../engine/sync/submit-action.ts';
import { spawnCli, waitFor, type Spawned } from './helpers/cli-process.ts';
import { startFaultProxy, type FaultProxy, type ProxyFault } from './helpers/fault-proxy.ts';
import { createSchema, dropSchemas, PG_SKIP_REASON, requirePostgres, SKIP_PG, testSchemaName, urlInSchema } from './helpers/postgres.ts';
import { adminCalls, adminCreateOrder, type CallEntry } from './helpers/sim-admin.ts';
import { connectionUrls, platformCredentials } from './helpers/sync-harness.ts';

type Kind = 'mirakl' | 'octopia';

interface Cell {
  name: string;
  kind: Kind;
  /** Account of the daemon's config (a channel). */
  account: 'worten' | 'miraklcancel' | 'cdiscount';
  create: Record<string, unknown>;
  action: string;
  data?: (order: string) => Record<string, unknown>;
  /** Which lines, by index, when the action targets some. */
  lines?: number[];
  /** Lines by index with their parts (channel `partial_lines`): some units, an amount; none: the whole line. */
  parts?: Array<{ line: number; quantity?: number; amount?: number }>;
  /** The requests the action sends, by path suffix; the fault strikes the last one. */
  requests: string[];
}

const CELLS: Cell[] = [
  { name: 'Worten accept', kind: 'mirakl', account: 'worten', create: { state: 'WAITING_ACCEPTANCE', lines: 2 }, action: 'accept', requests: ['/accept'] },
  { name: 'Worten refuse', kind: 'mirakl', account: 'worten', create: { state: 'WAITING_ACCEPTANCE', lines: 2 }, action: 'refuse', requests: ['/accept'] },
  { name: 'Worten partial accept', kind: 'mirakl', account: 'worten', create: { state: 'WAITING_ACCEPTANCE', lines: 2 }, action: 'accept', lines: [0], requests: ['/accept'] },
  { name: 'Worten partial refuse', kind: 'mirakl', account: 'worten', create: { state: 'WAITING_ACCEPTANCE', lines: 2 }, action: 'refuse', lines: [1], requests: ['/accept'] },
  { name: 'Worten ship (OR23 then OR24)', kind: 'mirakl', account: 'worten', create: { state: 'SHIPPING', lines: 1 }, action: 'ship', data: (o) => ({ tracking_number: `T-${o}`, carrier: 'UPS' }), requests: ['/tracking', '/ship'] },
  { name: 'Worten refund of one line', kind: 'mirakl', account: 'worten', create: { state: 'SHIPPED', lines: 2 }, action: 'refund', data: () => ({ reason: '15' }), lines: [1], requests: ['/api/orders/refund'] },
  { name: 'Worten refund of all lines', kind: 'mirakl', account: 'worten', create: { state: 'SHIPPED', lines: 2 }, action: 'refund', data: () => ({ reason: '15' }), requests: ['/api/orders/refund'] },
  { name: 'Mirakl partial refund (1 unit of a line, an amount of another)', kind: 'mirakl', account: 'miraklcancel', create: { state: 'SHIPPED', lines: 2 }, action: 'refund', data: () => ({ reason: '15' }), parts: [{ line: 0, quantity: 1 }, { line: 1, amount: 0.5 }], requests: ['/api/orders/refund'] },
  { name: 'Mirakl cancel_lines (OR30: 1 unit of a line, another whole)', kind: 'mirakl', account: 'miraklcancel', create: { state: 'SHIPPING', lines: 2 }, action: 'cancel_lines', data: () => ({ reason: '35' }), parts: [{ line: 0, quantity: 1 }, { line: 1 }], requests: ['/api/orders/cancel'] },
  { name: 'Mirakl cancel (OR29)', kind: 'mirakl', account: 'miraklcancel', create: { state: 'SHIPPING', lines: 2 }, action: 'cancel', requests: ['/cancel'] },
  { name: 'Cdiscount accept', kind: 'octopia', account: 'cdiscount', create: { status: 'WaitingAcceptance' }, action: 'accept', requests: ['/approval-status'] },
  { name: 'Cdiscount refuse', kind: 'octopia', account: 'cdiscount', create: { status: 'WaitingAcceptance' }, action: 'refuse', requests: ['/approval-status'] },
  { name: 'Cdiscount ship', kind: 'octopia', account: 'cdiscount', create: { status: 'InPreparation' }, action: 'ship', data: (o) => ({ tracking_number: `P-${o}`, carrier: 'Colissimo' }), requests: ['/shipments'] },
  { name: 'Cdiscount refund (whole order: no line-level refund)', kind: 'octopia', account: 'cdiscount', create: { status: 'Shipped' }, action: 'refund', data: () => ({ refund_reason: 'ClientClaim' }), requests: ['/cancellation-requests'] },
];

interface Fault {
  name: string;
  proxy: ProxyFault;
  /** Kill -9 the daemon once every cell's request is held, then start another. */
  crash?: boolean;
}

const FAULTS: Fault[] = [
  { name: 'crash before the request reaches the marketplace', proxy: 'hold', crash: true },
  { name: 'crash after the marketplace applied it, before the store recorded it', proxy: 'hold_response', crash: true },
  { name: 'timeout after apply', proxy: 'hang' },
  { name: '502 after apply', proxy: '502_after' },
  { name: '502 before apply', proxy: '502' },
  { name: 'reset before apply', proxy: 'reset' },
];

const ERROR_BODY: Record<Kind, (status: number) => { contentType: string; body: string }> = {
  mirakl: (status) => ({ contentType: 'application/json', body: JSON.stringify({ status, message: 'Bad Gateway' }) }),
  octopia: (status) => ({ contentType: 'application/problem+json', body: JSON.stringify({ type: 'about:blank', title: 'Bad Gateway', status, detail: 'upstream failed' }) }),
};

const HOUR = 3_600_000;
const TERMINAL = new Set(['succeeded', 'failed', 'needs_attention', 'canceled']);

let sims: Record<Kind, StartedSimulator>;
let channelsDir: string;
let channels: Record<Cell['account'], Channel>;
const cleanup: Array<() => Promise<unknown>> = [];
const summary: string[] = [];

beforeAll(async () => {
  // Frozen simulated time an hour back: every order is inside the daemon's first window, none moves on its own.
  const start = new Date(Date.now() - HOUR);
  sims = {
    mirakl: await startSimulator('mirakl', { orders: 0, seed: 41, speed: 0, start }),
    octopia: await startSimulator('octopia', { orders: 0, seed: 42, speed: 0, start }),
  };
  channelsDir = await mkdtemp(path.join(tmpdir(), 'orderwire-matrix-channels-'));
  for (const name of ['worten', 'cdiscount']) await copyFile(path.join(CHANNELS_DIR, `${name}.yaml`), path.join(channelsDir, `${name}.yaml`));
  await copyFile(path.resolve(import.meta.dirname, 'fixtures/channels/matrix/miraklcancel.yaml'), path.join(channelsDir, 'miraklcancel.yaml'));
  channels = {
    worten: await loadChannelFile(path.join(channelsDir, 'worten.yaml')),
    miraklcancel: await loadChannelFile(path.join(channelsDir, 'miraklcancel.yaml')),
    cdiscount: await loadChannelFile(path.join(channelsDir, 'cdiscount.yaml')),
  };
}, 60_000);

afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn().catch(() => undefined);
  await Promise.all(Object.values(sims ?? {}).map((s) => s.close()));
  if (channelsDir) await rm(channelsDir, { recursive: true, force: true });
  if (summary.length) console.log(`exactly-once fault matrix\n${summary.join('\n')}`);
});

interface Batch {
  store: Store;
  storeEnv: string;
  configFile: string;
  env: Record<string, string | undefined>;
  proxies: Record<Kind, FaultProxy>;
  done(): Promise<void>;
}

function envName(account: string, credential: string): string {
  return `MATRIX_${account}_${credential}`.toUpperCase();
}

/** A store, two proxies and a config pointing the daemon at the proxies. */
async function openBatch(storeKind: 'sqlite' | 'postgres', fault: Fault): Promise<Batch> {
  const dir = await mkdtemp(path.join(tmpdir(), 'orderwire-matrix-'));
  let storeEnv: string;
  let dropSchema = async (): Promise<void> => undefined;
  if (storeKind === 'sqlite') {
    storeEnv = path.join(dir, 'orderwire.sqlite');
  } else {
    const url = requirePostgres();
    const schema = testSchemaName('matrix');
    await createSchema(url, schema);
    storeEnv = urlInSchema(url, schema);
    dropSchema = () => dropSchemas(url, [schema]);
  }
  const store = await openStore(storeEnv);
  await store.migrate();
  const proxies = {
    mirakl: await startFaultProxy(sims.mirakl.baseUrl, ERROR_BODY.mirakl),
    octopia: await startFaultProxy(sims.octopia.baseUrl, ERROR_BODY.octopia),
  };
  const env: Record<string, string | undefined> = { ORDERWIRE_STORE: storeEnv, ORDERWIRE_LOG_LEVEL: 'warn' };
  // A held answer must outlast the kill; a hung one must time out quickly.
  const response = fault.proxy === 'hang' ? 'PT3S' : 'PT30S';
  const lines = ['store: { env: ORDERWIRE_STORE }', `channels_dir: ${channelsDir}`, 'accounts:'];
  for (const account of ['worten', 'miraklcancel', 'cdiscount'] as const) {
    const kind: Kind = account === 'cdiscount' ? 'octopia' : 'mirakl';
    const urls = connectionUrls({ kind, baseUrl: proxies[kind].url });
    lines.push(`  - id: ${account}-m`, `    channel: ${account}`, `    base_url: ${urls.baseUrl}`);
    if (urls.authUrl !== undefined) lines.push(`    auth_url: ${urls.authUrl}`);
    lines.push('    credentials:');
    for (const [name, value] of Object.entries(platformCredentials(sims[kind]))) {
      lines.push(`      ${name}: { env: ${envName(account, name)} }`);
      env[envName(account, name)] = value;
    }
    // Every cell's request in flight at once (all held, for the crash faults).
    lines.push('    options:', '      concurrency: 16', `      timeouts: { connect: PT5S, response: ${response} }`);
  }
  lines.push('daemon:', '  lease_ttl: PT2S', '  action_workers: 32', '  http: { enabled: false }', '');
  const configFile = path.join(dir, 'orderwire.yaml');
  await writeFile(configFile, lines.join('\n'));
  return {
    store,
    storeEnv,
    configFile,
    env,
    proxies,
    async done() {
      await store.close();
      await Promise.all(Object.values(proxies).map((p) => p.close()));
      await dropSchema();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function runtimeOf(account: Cell['account']): AccountRuntime {
  const kind: Kind = account === 'cdiscount' ? 'octopia' : 'mirakl';
  const channel = channels[account];
  return { id: `${account}-m`, channel, ...connectionUrls(sims[kind]), credentials: platformCredentials(sims[kind]), enabled: true, importFulfilledOrders: false, pollEveryMs: 900_000, concurrency: 2 };
}

/** Creates the cell's order at the marketplace, stores it as a poll would, and queues the action. */
async function prepare(batch: Batch, cell: Cell): Promise<{ cell: Cell; order: string; action: StoredAction }> {
  const sim = sims[cell.kind];
  const { order_id: order } = await adminCreateOrder(sim.baseUrl, cell.create);
  const account = runtimeOf(cell.account);
  const connector = createConnector({ account: account.id, channel: account.channel, ...connectionUrls(sim), credentials: account.credentials }, await loadPlatform(account.channel.platform), { budgets: false });
  try {
    const read = await connector.getOrder(order);
    if (!read) throw new Error(`${cell.name}: order ${order} not readable`);
    await batch.store.commitOrders([read]);
    const submitted = await submitAction(batch.store, account, {
      marketplaceOrderId: order,
      name: cell.action,
      ...(cell.data && { data: cell.data(order) }),
      ...(cell.lines && { lines: cell.lines.map((i) => read.lines[i]!.id) }),
      ...(cell.parts && { lines: cell.parts.map(({ line, ...part }) => ({ id: read.lines[line]!.id, ...part })) }),
    });
    if (submitted.kind !== 'queued') throw new Error(`${cell.name}: ${JSON.stringify(submitted)}`);
    return { cell, order, action: submitted.action };
  } finally {
    await connector.close();
  }
}

function stop(daemon: Spawned, signal: NodeJS.Signals): Promise<unknown> {
  if (daemon.child.exitCode === null && daemon.child.signalCode === null) daemon.child.kill(signal);
  return daemon.exited;
}

/** What the marketplace saw of one order's changes: requests that change state naming it. */
function changesOf(calls: readonly CallEntry[], order: string): CallEntry[] {
  return calls.filter((c) => c.method !== 'GET' && !c.path.includes('/token') && (c.path.includes(order) || JSON.stringify(c.body ?? '').includes(order)));
}

async function runBatch(storeKind: 'sqlite' | 'postgres', fault: Fault): Promise<void> {
  const batch = await openBatch(storeKind, fault);
  cleanup.push(() => batch.done());
  const sinceMirakl = (await adminCalls(sims.mirakl.baseUrl)).at(-1)?.seq ?? 0;
  const sinceOctopia = (await adminCalls(sims.octopia.baseUrl)).at(-1)?.seq ?? 0;
  const cells = await Promise.all(CELLS.map((cell) => prepare(batch, cell)));
  for (const { cell, order } of cells) batch.proxies[cell.kind].arm({ order, fault: fault.proxy, pathSuffix: cell.requests.at(-1)! });
  const perKind = (kind: Kind) => cells.filter((c) => c.cell.kind === kind).length;

  let daemon = spawnCli(['run', '--config', batch.configFile], { env: batch.env });
  const daemons = [daemon];
  cleanup.push(() => Promise.all(daemons.map((d) => stop(d, 'SIGKILL'))));
  const logs = (): string => daemons.map((d, i) => `--- daemon ${i + 1} stderr:\n${d.stderr().slice(-3_000)}\n--- stdout:\n${d.stdout().slice(-3_000)}`).join('\n');
  try {
    if (fault.crash) {
      await Promise.all((['mirakl', 'octopia'] as const).map((kind) => batch.proxies[kind].waitFired(perKind(kind), 60_000)));
      await stop(daemon, 'SIGKILL');
      for (const proxy of Object.values(batch.proxies)) proxy.release();
      daemon = spawnCli(['run', '--config', batch.configFile], { env: batch.env });
      daemons.push(daemon);
    }
    await waitFor(async () => {
      const states = await Promise.all(cells.map(async (c) => (await batch.store.getAction(c.action.id))?.state));
      return states.every((s) => s !== undefined && TERMINAL.has(s));
    }, 90_000, `every action of the batch (${storeKind}, ${fault.name}) to settle`);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${logs()}`, { cause: err });
  } finally {
    await stop(daemon, 'SIGTERM');
  }

  const calls = { mirakl: await adminCalls(sims.mirakl.baseUrl, sinceMirakl), octopia: await adminCalls(sims.octopia.baseUrl, sinceOctopia) };
  const verdicts = await Promise.all(cells.map(async ({ cell, order, action }) => {
    const stored = (await batch.store.getAction(action.id))!;
    const changes = changesOf(calls[cell.kind], order);
    const applied = cell.requests.map((suffix) => changes.filter((c) => c.path.endsWith(suffix) && c.status !== null && c.status < 300).length);
    const refused = changes.filter((c) => c.status !== null && c.status >= 400);
    const fired = batch.proxies[cell.kind].fired().some((f) => f.order === order);
    const ok = stored.state === 'succeeded' && applied.every((n) => n === 1) && refused.length === 0 && fired;
    return {
      ok,
      line: `${cell.name}: ${stored.state}, applied ${cell.requests.map((r, i) => `${r} x${applied[i]}`).join(', ')}${refused.length ? `, refused ${refused.length}` : ''}${fired ? '' : ', FAULT NOT INJECTED'}${stored.error ? ` (${stored.error.code}: ${stored.error.message})` : ''}`,
      result: stored.result,
    };
  }));
  const failed = verdicts.filter((v) => !v.ok);
  summary.push(`  ${storeKind.padEnd(8)} ${fault.name.padEnd(70)} ${verdicts.length - failed.length}/${verdicts.length} cells exactly once`);
  expect(failed.map((v) => v.line), `cells that did not take effect exactly once, or did not end succeeded`).toEqual([]);
  // Internal bookkeeping never reaches the served result.
  expect(verdicts.filter((v) => JSON.stringify(v.result ?? null).includes('ambiguous'))).toEqual([]);
}

describe.each([
  ['sqlite', false],
  ['postgres', SKIP_PG],
] as const)('exactly once on %s', (storeKind, skip) => {
  it.skipIf(skip).each(FAULTS.map((f) => [f.name, f] as const))(`%s${skip ? ` (${PG_SKIP_REASON})` : ''}`, async (_name, fault) => {
    await runBatch(storeKind, fault);
  }, 180_000);
});
