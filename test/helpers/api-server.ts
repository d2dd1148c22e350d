/**
 * A real back-office API for tests: a fresh SQLite store in a temp dir (or, with `store:
 * 'postgres'`, a throwaway schema on ORDERWIRE_TEST_PG_URL), the shipped worten and
 * cdiscount channels, two or three configured accounts, and the fastify server listening on
 * 127.0.0.1 port 0. `call` sends real HTTP requests with a token.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { loadChannel } from '../../engine/channel/load.ts';
import type { Channel } from '../../engine/channel/model.ts';
import { ApiMetrics } from '../../engine/api/metrics.ts';
import { buildApiServer, type ApiContext, type ApiOptions } from '../../engine/api/server.ts';
import { createToken } from '../../engine/api/tokens.ts';
import type { Logger } from '../../engine/log.ts';
import { openStore } from '../../engine/store/open.ts';
import { openPostgresStore } from '../../engine/store/postgres/index.ts';
import type { Store } from '../../engine/store/store.ts';
import type { AccountRuntime } from '../../engine/sync/account.ts';
import { DestinationPolicy, type HostLookup } from '../../engine/webhooks/destination.ts';
import { dropSchemas, requirePostgres, testSchemaName } from './postgres.ts';

export const TEST_SECRET_KEY = 'test-secret-key-0123456789abcdef0123456789';

/**
 * Name resolution for tests, with no network: `localhost` and the names in `table`; any other name
 * does not resolve. Tests never deliver to an address that is not loopback.
 */
export function offlineLookup(table: Record<string, string[]> = {}): HostLookup {
  const names: Record<string, string[]> = { localhost: ['127.0.0.1', '::1'], ...table };
  return async (hostname) => {
    const addresses = names[hostname.toLowerCase().replace(/\.$/, '')];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}

export interface ApiHarness {
  /** The destination policy the API registers webhooks with (give it to a test's dispatcher). */
  policy: DestinationPolicy;
  url: string;
  app: FastifyInstance;
  store: Store;
  metrics: ApiMetrics;
  channels: Map<string, Channel>;
  accounts: Map<string, AccountRuntime>;
  token(accounts: string[]): Promise<string>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies of every shape, read by the assertions
  call(method: string, pathAndQuery: string, options?: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> }): Promise<{ status: number; headers: Headers; body: any }>;
  close(): Promise<void>;
}

function account(id: string, channel: Channel, importFulfilledOrders = false): AccountRuntime {
  return { id, channel, baseUrl: 'http://127.0.0.1:9', credentials: {}, enabled: true, importFulfilledOrders, pollEveryMs: 300_000, concurrency: 1 };
}

export interface ApiHarnessOptions extends ApiOptions {
  secretKey?: string | null;
  log?: Logger;
  activity?: ApiContext['activity'];
  store?: 'sqlite' | 'postgres';
  /** Webhook destinations allowed besides public ones (the suite's receivers are on loopback: allow them explicitly). */
  allowedDestinations?: string[];
  /** Host names the webhook policy resolves (offlineLookup: no network). */
  lookup?: HostLookup;
  maxEndpointsPerToken?: number;
  /** The store the API is given: the harness's own, or what this makes of it (a test wrapping it to see what the API reads). */
  serveStore?: (store: Store) => Store;
}

export async function startApiHarness(options: ApiHarnessOptions = {}): Promise<ApiHarness> {
  const dir = await mkdtemp(path.join(tmpdir(), 'orderwire-api-'));
  const pgSchema = options.store === 'postgres' ? testSchemaName('api') : undefined;
  const store = pgSchema ? await openPostgresStore(requirePostgres(), { schema: pgSchema, max: 4 }) : await openStore(path.join(dir, 'orderwire.sqlite'));
  await store.migrate();
  const worten = await loadChannel('worten');
  const cdiscount = await loadChannel('cdiscount');
  const channels = new Map([[worten.id, worten], [cdiscount.id, cdiscount]]);
  const accounts = new Map([
    ['worten-pt', account('worten-pt', worten)],
    ['worten-es', account('worten-es', worten, true)],
    ['cd-fr', account('cd-fr', cdiscount)],
  ]);
  const metrics = options.metrics ?? new ApiMetrics(store);
  const secretKey = options.secretKey === null ? undefined : (options.secretKey ?? TEST_SECRET_KEY);
  const policy = new DestinationPolicy({ allowed: options.allowedDestinations ?? [], lookup: options.lookup ?? offlineLookup() });
  const webhooks = { policy, maxEndpointsPerToken: options.maxEndpointsPerToken ?? 20 };
  const { store: _kind, allowedDestinations: _allowed, lookup: _lookup, maxEndpointsPerToken: _max, secretKey: _key, activity: _activity, serveStore, ...apiOptions } = options;
  const app = await buildApiServer({ store: serveStore ? serveStore(store) : store, channels, accounts, secretKey, webhooks, ...(options.activity && { activity: options.activity }) }, { ...apiOptions, metrics });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    policy,
    url,
    app,
    store,
    metrics,
    channels,
    accounts,
    async token(list) {
      return (await createToken(store, { name: 'test', accounts: list })).token;
    },
    async call(method, pathAndQuery, o = {}) {
      const headers: Record<string, string> = { ...o.headers };
      if (o.token) headers.authorization = `Bearer ${o.token}`;
      let body: string | undefined = o.rawBody;
      if (o.body !== undefined) {
        body = JSON.stringify(o.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(`${url}${pathAndQuery}`, { method, headers, ...(body !== undefined && { body }) });
      const text = await res.text();
      const type = res.headers.get('content-type') ?? '';
      return { status: res.status, headers: res.headers, body: type.includes('json') && text ? JSON.parse(text) : text };
    },
    async close() {
      await app.close();
      await store.close();
      if (pgSchema) await dropSchemas(requirePostgres(), [pgSchema]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
