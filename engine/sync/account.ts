/**
 * An account as the sync engine runs it: the config entry resolved against its channel, with
 * credentials read from the environment (never logged) and periods in milliseconds.
 */
import type { Channel } from '../channel/model.ts';

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
}
