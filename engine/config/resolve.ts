/**
 * Resolves configured accounts against their channels and the environment: credentials are read
 * from environment variables here and only here, and never appear in an error message.
 */
import type { Channel } from '../channel/model.ts';
import { OrderwireError } from '../errors.ts';
import type { AccountRuntime } from '../sync/account.ts';
import { pollPeriodMs } from '../sync/windows.ts';
import type { AccountConfig, Config, EnvRef } from './model.ts';

export function readEnv(ref: EnvRef, what: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[ref.env];
  if (value === undefined || value === '') {
    throw new OrderwireError('CONFIG_SECRET_MISSING', `${what}: environment variable ${ref.env} is not set`, { variable: ref.env });
  }
  return value;
}

/**
 * With `withCredentials: false` (commands that only read or queue in the store) no environment
 * variable is read and `credentials` is empty.
 */
export function resolveAccount(account: AccountConfig, channels: ReadonlyMap<string, Channel>, env: NodeJS.ProcessEnv = process.env, withCredentials = true): AccountRuntime {
  const channel = channels.get(account.channel);
  if (!channel) {
    throw new OrderwireError('CONFIG_UNKNOWN_CHANNEL', `account ${account.id}: no channel "${account.channel}" (known: ${[...channels.keys()].join(', ')})`, { account: account.id });
  }
  const credentials: Record<string, string> = {};
  if (withCredentials) for (const [name, ref] of Object.entries(account.credentials)) credentials[name] = readEnv(ref, `account ${account.id}, credential ${name}`, env);
  const { incremental } = channel.retrieval;
  return Object.freeze({
    id: account.id,
    channel,
    baseUrl: account.baseUrl.replace(/\/+$/, ''),
    ...(account.authUrl !== undefined && { authUrl: account.authUrl.replace(/\/+$/, '') }),
    credentials: Object.freeze(credentials),
    enabled: account.enabled,
    importFulfilledOrders: account.importFulfilledOrders,
    pollEveryMs: pollPeriodMs(incremental.everyMs, incremental.minEveryMs, account.pollEveryMs),
    concurrency: account.concurrency,
  });
}

/** The store spec with any env reference resolved (a PostgreSQL URL carries a password). */
export function resolveStoreSpec(config: Config, env: NodeJS.ProcessEnv = process.env): string {
  return typeof config.store === 'string' ? config.store : readEnv(config.store, 'store', env);
}
