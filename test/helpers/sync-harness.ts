/**
 * A real sync stack for integration tests: a marketplace simulator on loopback, the shipped
 * channel and platform files, the declarative connector, and a fresh SQLite store in a temp dir.
 * The engine's clock is the simulator's, so windows line up with the simulated marketplace time.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadChannel } from '../../engine/channel/load.ts';
import type { Channel } from '../../engine/channel/model.ts';
import type { Connector } from '../../engine/connector/connector.ts';
import { createConnector, loadPlatform, type ConnectorOptions } from '../../engine/connector/declarative.ts';
import { silentLogger, type Logger } from '../../engine/log.ts';
import { startSimulator, type SimulatorKind, type SimulatorOptions, type StartedSimulator } from '@orderwire/simulators';
import { openStore } from '../../engine/store/open.ts';
import type { Store } from '../../engine/store/store.ts';
import type { AccountRuntime } from '../../engine/sync/account.ts';
import type { SyncDeps } from '../../engine/sync/sync-window.ts';

export const CHANNEL_OF: Record<SimulatorKind, string> = { mirakl: 'worten', octopia: 'cdiscount' };

/** Simulator credentials under the names the platform files read (api_key, client_id, ...). */
export function platformCredentials(sim: { kind: SimulatorKind; credentials: Readonly<Record<string, string>> }): Record<string, string> {
  const c = sim.credentials;
  return sim.kind === 'mirakl'
    ? { api_key: c.apiKey ?? '' }
    : { client_id: c.clientId ?? '', client_secret: c.clientSecret ?? '', seller_id: c.sellerId ?? '' };
}

/**
 * Where a connector points for a simulator: Octopia's API lives under /seller/v2 and its token
 * endpoint at the root (production: api.octopia-io.net/seller/v2 and auth.octopia-io.net).
 */
export function connectionUrls(sim: { kind: SimulatorKind; baseUrl: string }): { baseUrl: string; authUrl?: string } {
  return sim.kind === 'octopia' ? { baseUrl: `${sim.baseUrl}/seller/v2`, authUrl: sim.baseUrl } : { baseUrl: sim.baseUrl };
}

export interface SyncHarness {
  sim: StartedSimulator;
  store: Store;
  channel: Channel;
  account: AccountRuntime;
  connector: Connector;
  deps: SyncDeps;
  log: Logger;
  dir: string;
  storeFile: string;
  /** The simulator's current time. */
  now(): Date;
  close(): Promise<void>;
}

export interface HarnessOptions {
  kind: SimulatorKind;
  sim?: SimulatorOptions & Record<string, unknown>;
  connector?: ConnectorOptions;
  channel?: Channel;
  accountId?: string;
  importFulfilledOrders?: boolean;
  /** A store URL (a PostgreSQL schema) instead of a fresh SQLite file. */
  storeUrl?: string;
}

export async function startSyncHarness(options: HarnessOptions): Promise<SyncHarness> {
  const sim = await startSimulator(options.kind, { orders: 200, seed: 7, speed: 0, ...options.sim });
  const dir = await mkdtemp(path.join(tmpdir(), 'orderwire-sync-'));
  const storeFile = path.join(dir, 'orderwire.sqlite');
  const store = await openStore(options.storeUrl ?? storeFile);
  await store.migrate();
  const channel = options.channel ?? (await loadChannel(CHANNEL_OF[options.kind]));
  const platform = await loadPlatform(channel.platform);
  const urls = connectionUrls(sim);
  const account: AccountRuntime = {
    id: options.accountId ?? `${channel.id}-test`,
    channel,
    ...urls,
    credentials: platformCredentials(sim),
    enabled: true,
    importFulfilledOrders: options.importFulfilledOrders ?? false,
    pollEveryMs: channel.retrieval.incremental.everyMs,
    concurrency: 2,
  };
  const log = silentLogger();
  const connector = createConnector(
    { account: account.id, channel, ...urls, credentials: account.credentials },
    platform,
    { budgets: false, retry: { baseDelayMs: 5, maxDelayMs: 50 }, ...options.connector },
  );
  const now = (): Date => sim.clock.nowDate();
  const deps: SyncDeps = { store, connector, account, log, now, windows: { overlapMs: 120_000, safetyMarginMs: 30_000 } };
  return {
    sim,
    store,
    channel,
    account,
    connector,
    deps,
    log,
    dir,
    storeFile,
    now,
    async close() {
      await connector.close();
      await store.close();
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Every order the simulator has updated in [from, to), straight from its API (the ground truth). */
export async function simulatorOrderIds(h: SyncHarness, from: Date, to: Date): Promise<Set<string>> {
  const ids = new Set<string>();
  await h.connector.listOrders({ from, to, kind: 'manual' }, async (page) => {
    for (const o of page.orders) ids.add(o.marketplace_order_id);
  });
  return ids;
}

/** Every stored order of an account, following the feed's pages to the end. */
export async function allStoredIds(store: Store, account: string): Promise<string[]> {
  const ids: string[] = [];
  let after: string | undefined;
  do {
    const page = await store.listOrders({ account, limit: 1_000, ...(after && { after }) });
    ids.push(...page.items.map((s) => s.order.marketplace_order_id));
    after = page.next;
  } while (after);
  return ids;
}
