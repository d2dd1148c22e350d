/** What route groups need from the daemon: the store, channels and accounts, and settings. */
import type { DocumentStore } from '../store/document-store.ts';
import type { Channel } from '../channel/model.ts';
import type { AccountActivitySnapshot } from '../sync/activity.ts';
import type { Store } from '../store/store.ts';
import type { AccountRuntime } from '../sync/account.ts';
import type { DestinationPolicy } from '../webhooks/destination.ts';

/** The operator's webhook settings (config `webhooks:`). */
export interface WebhookSettings {
  /** Where endpoints may point: public addresses, plus the configured allow-list. */
  readonly policy: DestinationPolicy;
  /** Live endpoints one token may hold. */
  readonly maxEndpointsPerToken: number;
}

export const DEFAULT_MAX_ENDPOINTS_PER_TOKEN = 20;

export interface ApiContext {
  readonly store: Store;
  readonly channels: ReadonlyMap<string, Channel>;
  /** Configured accounts (their channel and the import-marketplace-fulfilled option). */
  readonly accounts: ReadonlyMap<string, AccountRuntime>;
  /** ORDERWIRE_SECRET_KEY (webhook secrets are derived from it); undefined when unset. */
  readonly secretKey: string | undefined;
  /** Webhook destination policy and limits; default: public destinations only, 20 endpoints per token. */
  readonly webhooks?: WebhookSettings;
  /** What the daemon is doing per account (next poll, budget waits); absent when no daemon runs the accounts. */
  readonly activity?: { snapshot(account: string): AccountActivitySnapshot };
  /** Order documents (uploads for file fields, downloads); without it the document routes answer 404. */
  readonly files?: DocumentStore;
}
