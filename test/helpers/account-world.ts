/**
 * One marketplace account wired as the daemon wires it, for tests that bring their own
 * marketplace (Prism, a stand-in): a fresh SQLite file, the channel and its platform, the
 * connector with fast retries and no budgets, and the sync's dependencies.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadChannel } from '../../engine/channel/load.ts';
import type { Channel } from '../../engine/channel/model.ts';
import type { Connector } from '../../engine/connector/connector.ts';
import { createConnector, loadPlatform } from '../../engine/connector/declarative.ts';
import { silentLogger } from '../../engine/log.ts';
import { openStore } from '../../engine/store/open.ts';
import type { Store } from '../../engine/store/store.ts';
import type { AccountRuntime } from '../../engine/sync/account.ts';
import type { SyncDeps } from '../../engine/sync/sync-window.ts';

export interface AccountWorldOptions {
  channel: string;
  account: string;
  baseUrl: string;
  authUrl?: string;
  credentials: Readonly<Record<string, string>>;
  importFulfilledOrders?: boolean;
}

export interface AccountWorld {
  store: Store;
  channel: Channel;
  account: AccountRuntime;
  connector: Connector;
  deps: SyncDeps;
  dir: string;
  close(): Promise<void>;
}

export async function openAccountWorld(o: AccountWorldOptions): Promise<AccountWorld> {
  const dir = await mkdtemp(path.join(tmpdir(), `orderwire-${o.channel}-`));
  const store = await openStore(path.join(dir, 'orderwire.sqlite'));
  await store.migrate();
  const channel = await loadChannel(o.channel);
  const urls = { baseUrl: o.baseUrl, ...(o.authUrl !== undefined && { authUrl: o.authUrl }) };
  const account: AccountRuntime = { id: o.account, channel, ...urls, credentials: { ...o.credentials }, enabled: true, importFulfilledOrders: o.importFulfilledOrders ?? false, pollEveryMs: 900_000, concurrency: 2 };
  const connector = createConnector({ account: account.id, channel, ...urls, credentials: account.credentials }, await loadPlatform(channel.platform), { budgets: false, retry: { baseDelayMs: 5, maxDelayMs: 50 } });
  const deps: SyncDeps = { store, connector, account, log: silentLogger(), now: () => new Date(), windows: { overlapMs: 120_000, safetyMarginMs: 0 } };
  return {
    store,
    channel,
    account,
    connector,
    deps,
    dir,
    async close() {
      await connector.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
