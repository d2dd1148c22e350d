/**
 * An account as the sync engine runs it: the config entry resolved against its channel, with
 * credentials read from the environment (never logged) and periods in milliseconds.
 */
import type { Channel } from '../channel/model.ts';
import type { AccountConfig } from '../config/model.ts';
import { readEnv } from '../config/resolve.ts';
import { OrderwireError } from '../errors.ts';
import { pollPeriodMs } from './windows.ts';

export interface AccountRuntime {
  readonly id: string;
  readonly channel: Channel;
  readonly baseUrl: string;
  readonly authUrl?: string;
  readonly credentials: Readonly<Record<string, string>>;
  readonly enabled: boolean;
  readonly importFulfilledOrders: boolean;
  /** Incremental poll period (account option clamped to the channel's minimum). */
  readonly pollEveryMs: number;
  readonly concurrency: number;
  /** HTTP timeouts in ms overriding the platform's. */
  readonly timeouts?: { readonly connect?: number; readonly response?: number };
  /** Opt-in (options.auto_refuse): refuse orders still waiting for acceptance this long before their acceptance deadline. */
  readonly autoRefuseBeforeMs?: number;
}

/**
 * Resolves a configured account against its channel and the environment. Credentials are read
 * from environment variables here and only here, and never appear in an error message. With
 * `withCredentials: false` (commands that only read or queue in the store) no environment
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
    ...(account.timeouts && { timeouts: account.timeouts }),
    ...(account.autoRefuseBeforeMs !== undefined && { autoRefuseBeforeMs: account.autoRefuseBeforeMs }),
  });
}
