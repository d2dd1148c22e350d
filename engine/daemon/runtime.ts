/**
 * Everything a daemon or a one-off CLI command needs, built from a validated configuration:
 * channels, the store (migrated), one connector per enabled account. Closing it closes them all.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { ActionName, Channel } from '../channel/model.ts';
import { loadChannels } from '../channel/load.ts';
import type { Config } from '../config/model.ts';
import { resolveStoreSpec } from '../config/resolve.ts';
import { createConnector, loadPlatform } from '../connector/declarative.ts';
import type { Platform } from '../connector/platform/model.ts';
import { OrderwireError } from '../errors.ts';
import { AccountLimiter, type LimiterOptions } from '../connector/http/limiter.ts';
import type { Logger } from '../log.ts';
import { compiledRules } from '../rules/index.ts';
import { DatabaseDocumentStore } from '../store/database-documents.ts';
import type { DocumentStore } from '../store/document-store.ts';
import { FileStore } from '../store/files.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/store.ts';
import { resolveAccount, type AccountRuntime } from '../sync/account.ts';
import type { WorkerAccount } from '../sync/action-worker.ts';
import { AccountActivity } from '../sync/activity.ts';
import { sharedBudgetLimiter } from './shared-budget.ts';

export interface Runtime {
  readonly config: Config;
  readonly store: Store;
  readonly channels: ReadonlyMap<string, Channel>;
  /** Every configured account (selected by accountIds), resolved against its channel. */
  readonly accountConfigs: ReadonlyMap<string, AccountRuntime>;
  /** Accounts with a live connector; empty when opened with `connect: false`. */
  readonly accounts: ReadonlyMap<string, WorkerAccount>;
  readonly log: Logger;
  /** Identifies this process in leases (host, pid, random suffix). */
  readonly owner: string;
  /** What this process is doing per account (next poll, budget waits), for the API's account health. */
  readonly activity: AccountActivity;
  /** Order documents (config `documents`: a directory or the store's database): uploads the actions send, downloads from marketplaces. */
  readonly files: DocumentStore;
  close(): Promise<void>;
}

/**
 * A channel allowing an action its platform cannot send (a line cancellation on a platform without
 * one) is refused when the daemon starts, not when the first such action fails to be built.
 */
function undeclaredActions(accountId: string, channel: Channel, platform: Platform): void {
  const missing = (Object.keys(channel.actions) as ActionName[]).filter((name) => (channel.actions[name]?.allowedIn.length ?? 0) > 0 && !platform.actions[name]);
  if (missing.length === 0) return;
  throw new OrderwireError('CONNECTOR_ACTION_NOT_DECLARED', `account ${accountId}: channel ${channel.id} allows ${missing.join(', ')}, but platform ${platform.id} declares no request for ${missing.length === 1 ? 'it' : 'them'}`, { account: accountId, channel: channel.id, platform: platform.id, actions: missing });
}

export async function openRuntime(config: Config, log: Logger, options: { env?: NodeJS.ProcessEnv; accountIds?: string[]; connect?: boolean } = {}): Promise<Runtime> {
  const channels = new Map<string, Channel>();
  for (const channel of await loadChannels(config.channelsDir)) {
    // Each channel's rules engine is compiled once, here, never per validation.
    compiledRules(channel);
    channels.set(channel.id, channel);
  }
  const store = await openStore(resolveStoreSpec(config, options.env));
  try {
    await store.migrate();
    const connect = options.connect ?? true;
    const accountConfigs = new Map<string, AccountRuntime>();
    const accounts = new Map<string, WorkerAccount>();
    const activity = new AccountActivity();
    const files: DocumentStore = config.documents.store === 'database' ? new DatabaseDocumentStore(store) : new FileStore(config.documents.dir);
    for (const accountConfig of config.accounts) {
      if (options.accountIds && !options.accountIds.includes(accountConfig.id)) continue;
      const account = resolveAccount(accountConfig, channels, options.env, connect);
      accountConfigs.set(account.id, account);
      if (!connect) continue;
      const platform = withAccountBudgets(await loadPlatform(account.channel.platform), account);
      undeclaredActions(account.id, account.channel, platform);
      const accountLog = log.child({ account: account.id });
      // Processes on a store that shares budgets (SQLite and PostgreSQL) keep to the ceilings together.
      // Every budget wait is told to the activity (account health: "blocked" by a budget).
      const onBudgetWait: LimiterOptions['onBudgetWait'] = (e) => activity.budgetWait(account.id, e);
      const limiter = sharedBudgetLimiter(store, account.id, { concurrency: account.concurrency, budgets: platform.budgets, log: accountLog, onBudgetWait })
        ?? new AccountLimiter({ concurrency: account.concurrency, budgets: platform.budgets, onBudgetWait });
      const connector = createConnector(
        { account: account.id, channel: account.channel, baseUrl: account.baseUrl, credentials: account.credentials, ...(account.authUrl !== undefined && { authUrl: account.authUrl }) },
        platform,
        { concurrency: account.concurrency, log: accountLog, limiter, files, ...(account.timeouts && { timeouts: account.timeouts }) },
      );
      accounts.set(account.id, { account, connector });
    }
    return {
      config,
      store,
      channels,
      accountConfigs,
      accounts,
      log,
      owner: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
      activity,
      files,
      async close() {
        await Promise.allSettled([...accounts.values()].map((a) => a.connector.close()));
        await store.close();
      },
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}

/**
 * The platform with the account's own request ceilings (`options.budgets`) in place of the
 * platform file's; how a budget counts (per request or per listing) stays the platform's.
 */
export function withAccountBudgets(platform: Platform, account: Pick<AccountRuntime, 'id' | 'budgets'>): Platform {
  if (!account.budgets) return platform;
  const budgets = { ...platform.budgets };
  for (const [endpoint, b] of Object.entries(account.budgets)) {
    const base = platform.budgets[endpoint];
    const at = `accounts[${account.id}].options.budgets.${endpoint}`;
    if (!base) {
      const known = Object.keys(platform.budgets);
      throw new OrderwireError('CONFIG_INVALID', `${at}: the ${platform.id} platform budgets no endpoint "${endpoint}" (${known.length > 0 ? `it budgets ${known.join(', ')}` : 'it budgets none'})`, { account: account.id, endpoint });
    }
    if (!(b.perMs > 0)) throw new OrderwireError('CONFIG_INVALID', `${at}.per: the period must be longer than zero`, { account: account.id, endpoint });
    budgets[endpoint] = { ...base, limit: b.limit, perMs: b.perMs };
  }
  return { ...platform, budgets };
}
