/**
 * The API as the daemon runs it: the fastify server on config.daemon.http, the webhook
 * dispatcher, and the metrics fed by the daemon's hooks (engine/app.ts wires them). Listening is
 * asynchronous: `ready` resolves with the base URL (or rejects, e.g. port in use; the daemon
 * keeps syncing).
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Channel } from '../channel/model.ts';
import type { Logger } from '../log.ts';
import type { DeadlineAlert, Store, StoredAction } from '../store/store.ts';
import type { AccountRuntime } from '../sync/account.ts';
import type { SyncOutcome } from '../sync/sync-window.ts';
import { WebhookDispatcher } from '../webhooks/dispatcher.ts';
import { SECRET_KEY_ENV } from '../webhooks/signing.ts';
import { DestinationPolicy, type HostLookup } from '../webhooks/destination.ts';
import { DEFAULT_MAX_ENDPOINTS_PER_TOKEN, type ApiContext } from './context.ts';
import { ApiMetrics } from './metrics.ts';
import { buildApiServer, type ApiOptions } from './server.ts';

export interface DaemonApi {
  /** Resolves with the API's base URL once listening (http://host:port). */
  readonly ready: Promise<string>;
  readonly metrics: ApiMetrics;
  readonly dispatcher: WebhookDispatcher;
  /** Hooks to give the scheduler and the action worker (metrics). */
  readonly hooks: ApiHooks;
  close(): Promise<void>;
}

export interface ApiHooks {
  onRun(account: string, outcome: SyncOutcome | Error): void;
  onActionOutcome(action: StoredAction, state: StoredAction['state']): void;
  onListFailure(account: string, list: string, code: string): void;
  onDeadlineAlert(alert: DeadlineAlert): void;
  /** A failed document download tried again by the daemon: downloaded, failed again, or given up. */
  onDocumentRetry(account: string, outcome: 'downloaded' | 'failed' | 'gave_up'): void;
}

/** What the API serves and with whom it shares leases; engine/app.ts takes them from the runtime. */
export interface DaemonApiDeps {
  readonly store: Store;
  readonly channels: ReadonlyMap<string, Channel>;
  readonly accounts: ReadonlyMap<string, AccountRuntime>;
  readonly log: Logger;
  /** This process in webhook delivery leases. */
  readonly owner: string;
  readonly http: { readonly host: string; readonly port: number };
  readonly leaseMs: number;
  /** What the daemon is doing per account (account health: next poll, budget waits). */
  readonly activity?: ApiContext['activity'];
  /** Order documents (config `documents.dir`). */
  readonly files?: ApiContext['files'];
  /** config.webhooks: destinations allowed besides public addresses, endpoints per token. */
  readonly webhooks?: { readonly allowedDestinations: readonly string[]; readonly maxEndpointsPerToken: number };
}

export interface DaemonApiOptions extends Pick<ApiOptions, 'bodyLimit' | 'rateLimit' | 'plugins' | 'authFailures'> {
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
  /** Webhook dispatcher polling period (default 1 s) and tuning; `lookup` resolves destination host names (default: the system's). */
  webhooks?: { intervalMs?: number; maxAttempts?: number; backoffMs?: (failed: number) => number; lookup?: HostLookup };
}

export function startDaemonApi(deps: DaemonApiDeps, options: DaemonApiOptions = {}): DaemonApi {
  const { store, log } = deps;
  const env = options.env ?? process.env;
  const secretKey = env[SECRET_KEY_ENV] || undefined;
  const metrics = new ApiMetrics(store, options.now);
  // One destination policy for registrations and deliveries.
  const policy = new DestinationPolicy({ allowed: deps.webhooks?.allowedDestinations ?? [], ...(options.webhooks?.lookup && { lookup: options.webhooks.lookup }) });
  const webhooks = { policy, maxEndpointsPerToken: deps.webhooks?.maxEndpointsPerToken ?? DEFAULT_MAX_ENDPOINTS_PER_TOKEN };
  const dispatcher = new WebhookDispatcher({
    policy,
    store,
    log: log.child({ component: 'webhooks' }),
    owner: deps.owner,
    secretKey,
    leaseMs: deps.leaseMs,
    ...(options.webhooks?.maxAttempts !== undefined && { maxAttempts: options.webhooks.maxAttempts }),
    ...(options.webhooks?.backoffMs && { backoffMs: options.webhooks.backoffMs }),
    ...(options.now && { now: options.now }),
    onAttempt: (_delivery, outcome) => metrics.webhookDeliveries.inc({ outcome }),
  });
  let app: FastifyInstance | undefined;
  const ready = (async () => {
    app = await buildApiServer(
      { store, channels: deps.channels, accounts: deps.accounts, secretKey, webhooks, ...(deps.activity && { activity: deps.activity }), ...(deps.files && { files: deps.files }) },
      { log, metrics, ...(options.bodyLimit !== undefined && { bodyLimit: options.bodyLimit }), ...(options.rateLimit && { rateLimit: options.rateLimit }), ...(options.authFailures && { authFailures: options.authFailures }), ...(options.plugins && { plugins: options.plugins }) },
    );
    await app.listen({ host: deps.http.host, port: deps.http.port });
    const address = app.server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const url = `http://${host}:${address.port}`;
    dispatcher.start(options.webhooks?.intervalMs ?? 1_000);
    log.info({ url, docs: `${url}/docs`, webhookSigning: secretKey !== undefined }, 'back-office API listening');
    return url;
  })();
  // Observed here so a failed listen is logged, not an unhandled rejection; callers may await it.
  ready.catch((err: unknown) => log.error({ err: err instanceof Error ? err.message : String(err) }, 'back-office API failed to start'));
  return {
    ready,
    metrics,
    dispatcher,
    hooks: {
      onRun: (account, outcome) => metrics.onRun(account, outcome),
      onActionOutcome: (action, state) => metrics.onActionOutcome(action, state),
      onListFailure: (account, list, code) => metrics.listFailures.inc({ account, list, code }),
      onDeadlineAlert: (alert) => metrics.onDeadlineAlert(alert),
      onDocumentRetry: (account, outcome) => metrics.documentRetries.inc({ account, outcome }),
    },
    async close() {
      await ready.catch(() => undefined);
      await dispatcher.stop();
      await app?.close();
    },
  };
}
