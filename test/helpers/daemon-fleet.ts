/**
 * Several `orderwire run` daemons on one PostgreSQL schema against in-process simulators: one
 * simulator per account (each a separate seller, so its call log is that account's), a config
 * with the store as `{ env: ORDERWIRE_STORE }` and credentials from environment variables. Used by
 * test/multi-daemon-postgres.test.ts and bench/multi-daemon.ts.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadChannel } from '../../engine/channel/load.ts';
import { createConnector, loadPlatform } from '../../engine/connector/declarative.ts';
import { startSimulator, type SimulatorKind, type StartedSimulator } from '@orderwire/simulators';
import { openPostgresStore } from '../../engine/store/postgres/index.ts';
import type { Store, StoredAction } from '../../engine/store/store.ts';
import type { AccountRuntime } from '../../engine/sync/account.ts';
import { submitAction } from '../../engine/sync/submit-action.ts';
import { spawnCli, type Spawned } from './cli-process.ts';
import { createSchema, dropSchemas, testSchemaName, urlInSchema } from './postgres.ts';
import { CHANNEL_OF, connectionUrls, platformCredentials } from './sync-harness.ts';

export interface FleetAccount {
  id: string;
  kind: SimulatorKind;
  sim: StartedSimulator;
  account: AccountRuntime;
}

export interface FleetOptions {
  pgUrl: string;
  /** Accounts per simulator kind (Worten on Mirakl, Cdiscount on Octopia). */
  accountsPerKind: number;
  /** Orders generated per account, all within the channels' lookback. */
  orders: number;
  /** daemon.lease_ttl, e.g. PT3S. */
  leaseTtl: string;
  logLevel?: string;
}

export interface Fleet {
  readonly accounts: readonly FleetAccount[];
  /** The shared store, as the test sees it. */
  readonly store: Store;
  readonly configFile: string;
  readonly daemons: Spawned[];
  /** Starts `n` more daemons (`orderwire run --config FILE`). */
  spawnDaemons(n: number): Spawned[];
  /** Runs SQL in the fleet's schema (leases, raw rows). */
  sql<T extends Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

const HOUR = 3_600_000;

function envName(accountId: string, credential: string): string {
  return `FLEET_${accountId}_${credential}`.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const dir = await mkdtemp(path.join(tmpdir(), 'orderwire-fleet-'));
  const schema = testSchemaName('fleet');
  await createSchema(options.pgUrl, schema);
  const pool = new pg.Pool({ connectionString: options.pgUrl, options: `-c search_path=${schema}`, max: 2 });
  const store = await openPostgresStore(options.pgUrl, { schema, max: 4 });
  await store.migrate();
  const kinds: SimulatorKind[] = ['mirakl', 'octopia'];
  // Frozen simulated time an hour back: every order is inside the first window, none moves on its own.
  const start = new Date(Date.now() - HOUR);
  const specs = kinds.flatMap((kind) => Array.from({ length: options.accountsPerKind }, (_, i) => ({ kind, i })));
  const accounts = await Promise.all(
    specs.map(async ({ kind, i }): Promise<FleetAccount> => {
      const sim = await startSimulator(kind, { orders: options.orders, seed: 100 + i * 7 + (kind === 'mirakl' ? 0 : 3), speed: 0, start, historyDays: 1 });
      const channel = await loadChannel(CHANNEL_OF[kind]);
      const id = `${channel.id}-${i + 1}`;
      const account: AccountRuntime = {
        id,
        channel,
        ...connectionUrls(sim),
        credentials: platformCredentials(sim),
        enabled: true,
        importFulfilledOrders: false,
        pollEveryMs: channel.retrieval.incremental.everyMs,
        concurrency: 2,
      };
      return { id, kind, sim, account };
    }),
  );
  const env: NodeJS.ProcessEnv = { ORDERWIRE_STORE: urlInSchema(options.pgUrl, schema), ORDERWIRE_LOG_LEVEL: options.logLevel ?? 'info' };
  const lines = ['store: { env: ORDERWIRE_STORE }', 'accounts:'];
  for (const { id, account } of accounts) {
    lines.push(`  - id: ${id}`, `    channel: ${account.channel.id}`, `    base_url: ${account.baseUrl}`);
    if (account.authUrl !== undefined) lines.push(`    auth_url: ${account.authUrl}`);
    lines.push('    credentials:');
    for (const [name, value] of Object.entries(account.credentials)) {
      lines.push(`      ${name}: { env: ${envName(id, name)} }`);
      env[envName(id, name)] = value;
    }
  }
  lines.push('daemon:', `  lease_ttl: ${options.leaseTtl}`, '  http: { enabled: false }', '');
  const configFile = path.join(dir, 'orderwire.yaml');
  await writeFile(configFile, lines.join('\n'));
  const daemons: Spawned[] = [];
  return {
    accounts,
    store,
    configFile,
    daemons,
    spawnDaemons(n) {
      const started = Array.from({ length: n }, () => spawnCli(['run', '--config', configFile], { env }));
      daemons.push(...started);
      return started;
    },
    async sql<T extends Record<string, unknown>>(text: string, params: unknown[] = []) {
      return (await pool.query(text, params)).rows as T[];
    },
    async close() {
      for (const d of daemons) if (d.child.exitCode === null && d.child.signalCode === null) d.child.kill('SIGKILL');
      await Promise.all(daemons.map((d) => d.exited));
      await store.close();
      await pool.end();
      await Promise.all(accounts.map((a) => a.sim.close()));
      await dropSchemas(options.pgUrl, [schema]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Queues `accept` for every waiting_acceptance order of the account, through submitAction. */
export async function queueAccepts(store: Store, account: AccountRuntime): Promise<StoredAction[]> {
  const queued: StoredAction[] = [];
  let after: string | undefined;
  do {
    const page = await store.listOrders({ account: account.id, status: 'waiting_acceptance', limit: 500, ...(after && { after }) });
    for (const stored of page.items) {
      const outcome = await submitAction(store, account, { marketplaceOrderId: stored.order.marketplace_order_id, name: 'accept' });
      if (outcome.kind !== 'queued') throw new Error(`accept on ${stored.order.marketplace_order_id}: ${outcome.kind}`);
      queued.push(outcome.action);
    }
    after = page.next;
  } while (after);
  return queued;
}

/** Every order the simulator shows for the account in [from, to] (the ground truth). */
export async function simulatorOrderIds(a: FleetAccount, from: Date, to: Date): Promise<Set<string>> {
  const connector = createConnector({ account: `truth-${a.id}`, channel: a.account.channel, ...connectionUrls(a.sim), credentials: a.account.credentials }, await loadPlatform(a.account.channel.platform), { budgets: false });
  const ids = new Set<string>();
  try {
    await connector.listOrders({ from, to, kind: 'manual' }, async (page) => {
      for (const o of page.orders) ids.add(o.marketplace_order_id);
    });
  } finally {
    await connector.close();
  }
  return ids;
}

/** The pid inside a lease owner (`host:pid:suffix`, engine/daemon/runtime.ts). */
export function ownerPid(owner: string): number {
  return Number(owner.split(':').at(-2));
}

/** Whether the daemon process is still running (not exited, not killed). */
export function alive(d: Spawned): boolean {
  return d.child.exitCode === null && d.child.signalCode === null;
}
