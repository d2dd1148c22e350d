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
 * action ends `succeeded`, the marketplace's call log shows each of its requests applied exactly
 * once (one 2xx per request of the action, no refusal of a repeated one), and the order the
 * marketplace shows is the one a single clean send of the same action gives (`controlOutcomes`).
 * The cells themselves are in test/helpers/action-cells.ts.
 *
 *   npx vitest run test/exactly-once-matrix.test.ts      (PostgreSQL rows need ORDERWIRE_TEST_PG_URL)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../engine/store/open.ts';
import type { Store } from '../engine/store/store.ts';
import { CELLS, controlOutcomes, deliveryOf, ERROR_BODY, outcomeOf, prepareCell, readAtMarketplace, startCellWorld, TERMINAL, writeDaemonConfig, type Cell, type CellWorld, type Kind } from './helpers/action-cells.ts';
import { spawnCli, waitFor, type Spawned } from './helpers/cli-process.ts';
import { startFaultProxy, type FaultProxy, type ProxyFault } from './helpers/fault-proxy.ts';
import { createSchema, dropSchemas, PG_SKIP_REASON, requirePostgres, SKIP_PG, testSchemaName, urlInSchema } from './helpers/postgres.ts';
import { adminCalls } from './helpers/sim-admin.ts';

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

let world: CellWorld;
let controls: Map<Cell, unknown>;
const cleanup: Array<() => Promise<unknown>> = [];
const summary: string[] = [];

beforeAll(async () => {
  world = await startCellWorld();
  controls = await controlOutcomes(world);
}, 60_000);

afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn().catch(() => undefined);
  await world?.close();
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
  const sims = world.sims;
  const proxies = {
    mirakl: await startFaultProxy(sims.mirakl.baseUrl, ERROR_BODY.mirakl),
    octopia: await startFaultProxy(sims.octopia.baseUrl, ERROR_BODY.octopia),
  };
  // A held answer must outlast the kill; a hung one must time out quickly.
  const { configFile, env } = await writeDaemonConfig(world, dir, {
    store: storeEnv,
    baseUrls: { mirakl: proxies.mirakl.url, octopia: proxies.octopia.url },
    responseTimeout: fault.proxy === 'hang' ? 'PT3S' : 'PT30S',
    leaseTtl: 'PT2S',
  });
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

function stop(daemon: Spawned, signal: NodeJS.Signals): Promise<unknown> {
  if (daemon.child.exitCode === null && daemon.child.signalCode === null) daemon.child.kill(signal);
  return daemon.exited;
}

async function runBatch(storeKind: 'sqlite' | 'postgres', fault: Fault): Promise<void> {
  const batch = await openBatch(storeKind, fault);
  cleanup.push(() => batch.done());
  const { sims } = world;
  const sinceMirakl = (await adminCalls(sims.mirakl.baseUrl)).at(-1)?.seq ?? 0;
  const sinceOctopia = (await adminCalls(sims.octopia.baseUrl)).at(-1)?.seq ?? 0;
  const cells = await Promise.all(CELLS.map((cell) => prepareCell(world, batch.store, cell)));
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
    const delivery = deliveryOf(cell, order, calls[cell.kind]);
    const fired = batch.proxies[cell.kind].fired().some((f) => f.order === order);
    const shown = await readAtMarketplace(world, cell.account, order);
    const outcomeOk = shown !== undefined && JSON.stringify(outcomeOf(shown)) === JSON.stringify(controls.get(cell));
    const ok = stored.state === 'succeeded' && delivery.once && fired && outcomeOk;
    return {
      ok,
      line: `${cell.name}: ${stored.state}, ${delivery.describe}${fired ? '' : ', FAULT NOT INJECTED'}${outcomeOk ? '' : `, marketplace shows ${JSON.stringify(shown && outcomeOf(shown))}, expected ${JSON.stringify(controls.get(cell))}`}${stored.error ? ` (${stored.error.code}: ${stored.error.message})` : ''}`,
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
