/**
 * The API as the daemon runs it: the fastify server on config.daemon.http, the webhook
 * dispatcher, and the metrics fed by the daemon's hooks. Listening is asynchronous: `ready`
 * resolves with the base URL (or rejects, e.g. port in use; the daemon keeps syncing).
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { DaemonHooks } from '../daemon/daemon.ts';
import type { Runtime } from '../daemon/runtime.ts';
import { WebhookDispatcher } from '../webhooks/dispatcher.ts';
import { SECRET_KEY_ENV } from '../webhooks/signing.ts';
import { ApiMetrics } from './metrics.ts';
import { buildApiServer, type ApiOptions } from './server.ts';

export interface DaemonApi {
  /** Resolves with the API's base URL once listening (http://host:port). */
  readonly ready: Promise<string>;
  readonly metrics: ApiMetrics;
  readonly dispatcher: WebhookDispatcher;
  /** Hooks to give the scheduler and the action worker (metrics). */
  readonly hooks: Required<DaemonHooks>;
  close(): Promise<void>;
}

export interface DaemonApiOptions extends Pick<ApiOptions, 'bodyLimit' | 'rateLimit'> {
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
  /** Webhook dispatcher polling period (default 1 s) and tuning. */
  webhooks?: { intervalMs?: number; maxAttempts?: number; backoffMs?: (failed: number) => number };
}

export function startDaemonApi(runtime: Runtime, options: DaemonApiOptions = {}): DaemonApi {
  const { config, store, log } = runtime;
  const env = options.env ?? process.env;
  const secretKey = env[SECRET_KEY_ENV] || undefined;
  const metrics = new ApiMetrics(store, options.now);
  const dispatcher = new WebhookDispatcher({
    store,
    log: log.child({ component: 'webhooks' }),
    owner: runtime.owner,
    secretKey,
    leaseMs: config.daemon.leaseTtlMs,
    ...(options.webhooks?.maxAttempts !== undefined && { maxAttempts: options.webhooks.maxAttempts }),
    ...(options.webhooks?.backoffMs && { backoffMs: options.webhooks.backoffMs }),
    ...(options.now && { now: options.now }),
    onAttempt: (_delivery, outcome) => metrics.webhookDeliveries.inc({ outcome }),
  });
  let app: FastifyInstance | undefined;
  const ready = (async () => {
    app = await buildApiServer(
      { store, channels: runtime.channels, accounts: runtime.accountConfigs, secretKey, activity: runtime.activity },
      { log, metrics, ...(options.bodyLimit !== undefined && { bodyLimit: options.bodyLimit }), ...(options.rateLimit && { rateLimit: options.rateLimit }) },
    );
    await app.listen({ host: config.daemon.http.host, port: config.daemon.http.port });
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
    },
    async close() {
      await ready.catch(() => undefined);
      await dispatcher.stop();
      await app?.close();
    },
  };
}

/** The API's hooks followed by the caller's own. */
export function combineHooks(api: Required<DaemonHooks>, own: DaemonHooks = {}): DaemonHooks {
  return {
    onRun: (account, outcome) => {
      api.onRun(account, outcome);
      own.onRun?.(account, outcome);
    },
    onActionOutcome: (action, state) => {
      api.onActionOutcome(action, state);
      own.onActionOutcome?.(action, state);
    },
  };
}
