/**
 * The back-office round trip end to end, over real HTTP: both marketplace simulators, a daemon
 * (openRuntime + startDaemon) syncing into SQLite with its API on port 0, a local webhook
 * receiver. Read the feed, acknowledge, accept a waiting order, watch the action reach the
 * simulator and the order change, and receive the signed webhooks.
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../engine/api/tokens.ts';
import { loadConfigFile } from '../engine/config/load.ts';
import { startDaemon, type Daemon } from '../engine/app.ts';
import { openRuntime, type Runtime } from '../engine/daemon/runtime.ts';
import { silentLogger } from '../engine/log.ts';
import { startSimulator, type StartedSimulator } from '@orderwire/simulators';
import { verifySignature } from '../engine/webhooks/signing.ts';
import { waitFor } from './helpers/cli-process.ts';
import { adminCalls, adminCreateOrder } from './helpers/sim-admin.ts';

const SECRET_KEY = 'e2e-secret-key-abcdefghijklmnopqrstuvwxyz012345';

describe('back-office round trip (daemon + simulators + API + webhooks)', () => {
  let mirakl: StartedSimulator;
  let octopia: StartedSimulator;
  let dir: string;
  let runtime: Runtime;
  let daemon: Daemon;
  let api: string;
  let token: string;
  let receiver: Server;
  let receiverUrl: string;
  const received: Array<{ headers: Record<string, unknown>; body: string }> = [];
  let waitingOrder: string;

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies of every shape, read by the assertions
  const call = async (method: string, p: string, body?: unknown): Promise<{ status: number; headers: Headers; body: any }> => {
    const res = await fetch(`${api}${p}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };

  beforeAll(async () => {
    // Frozen simulated time ten minutes ago: every order is inside the daemon's first window.
    const start = new Date(Date.now() - 600_000);
    mirakl = await startSimulator('mirakl', { orders: 25, seed: 11, speed: 0, start, historyDays: 2 });
    octopia = await startSimulator('octopia', { orders: 25, seed: 12, speed: 0, start, historyDays: 1 });
    waitingOrder = (await adminCreateOrder(mirakl.baseUrl, { state: 'WAITING_ACCEPTANCE', lines: 1 })).order_id;

    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks`;

    dir = await mkdtemp(path.join(tmpdir(), 'orderwire-e2e-'));
    const configFile = path.join(dir, 'orderwire.yaml');
    await writeFile(configFile, `store: orderwire.sqlite
accounts:
  - id: worten-e2e
    channel: worten
    base_url: ${mirakl.baseUrl}
    credentials: { api_key: { env: E2E_WORTEN_KEY } }
  - id: cdiscount-e2e
    channel: cdiscount
    base_url: ${octopia.baseUrl}/seller/v2
    auth_url: ${octopia.baseUrl}
    credentials:
      client_id: { env: E2E_CD_ID }
      client_secret: { env: E2E_CD_SECRET }
      seller_id: { env: E2E_CD_SELLER }
daemon:
  http: { host: 127.0.0.1, port: 0 }
# The test's webhook receiver listens on loopback: allowed explicitly, as an operator would.
webhooks:
  allowed_destinations: [127.0.0.1]
`);
    const env = {
      E2E_WORTEN_KEY: mirakl.credentials.apiKey!,
      E2E_CD_ID: octopia.credentials.clientId!,
      E2E_CD_SECRET: octopia.credentials.clientSecret!,
      E2E_CD_SELLER: octopia.credentials.sellerId!,
      ORDERWIRE_SECRET_KEY: SECRET_KEY,
    };
    runtime = await openRuntime(await loadConfigFile(configFile), silentLogger(), { env });
    const synced = new Set<string>();
    let firstSyncs!: () => void;
    const bothSynced = new Promise<void>((resolve) => (firstSyncs = resolve));
    daemon = startDaemon(runtime, {
      workerIntervalMs: 50,
      api: { env, webhooks: { intervalMs: 50 } },
      hooks: {
        onRun: (account, outcome) => {
          if (outcome instanceof Error) throw outcome;
          synced.add(account);
          if (synced.size === 2) firstSyncs();
        },
      },
    });
    api = await daemon.api!.ready;
    await bothSynced;
    token = (await createToken(runtime.store, { name: 'e2e', accounts: ['worten-e2e', 'cdiscount-e2e'] })).token;
  }, 60_000);

  afterAll(async () => {
    await daemon?.stop();
    await runtime?.close();
    await Promise.all([mirakl?.close(), octopia?.close(), new Promise((resolve) => receiver?.close(resolve))]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reads the feed, acknowledges, accepts an order through the API and receives the signed webhooks', async () => {
    expect((await fetch(`${api}/readyz`)).status).toBe(200);
    const hook = await call('POST', '/v1/webhooks', { url: receiverUrl, accounts: ['worten-e2e'] });
    expect(hook.status).toBe(201);

    // The "new for you" feed has both accounts' orders; acknowledge one.
    const feed = await call('GET', '/v1/orders?acknowledged=false&limit=1000');
    expect(new Set(feed.body.items.map((o: { account: string }) => o.account))).toEqual(new Set(['worten-e2e', 'cdiscount-e2e']));
    const first = feed.body.items.find((o: { marketplace_order_id: string }) => o.marketplace_order_id !== waitingOrder);
    expect((await call('PUT', `/v1/orders/${first.id}/acknowledgement`, { reference: 'ERP-1' })).status).toBe(200);
    const after = await call('GET', '/v1/orders?acknowledged=false&limit=1000');
    expect(after.body.items.map((o: { id: string }) => o.id)).not.toContain(first.id);
    expect(after.body.items).toHaveLength(feed.body.items.length - 1);

    // Accept the waiting order.
    const waiting = feed.body.items.find((o: { marketplace_order_id: string }) => o.marketplace_order_id === waitingOrder);
    expect(waiting).toMatchObject({ account: 'worten-e2e', status: 'waiting_acceptance' });
    const submitted = await call('POST', `/v1/orders/${waiting.id}/actions`, { action: 'accept' });
    expect(submitted.status).toBe(202);
    let action: { state: string; result?: unknown } = submitted.body;
    await waitFor(async () => {
      action = (await call('GET', submitted.headers.get('location')!)).body;
      return action.state !== 'queued' && action.state !== 'sending';
    }, 20_000, 'the action to settle');
    expect(action.state).toBe('succeeded');
    const calls = await adminCalls(mirakl.baseUrl);
    expect(calls.some((c) => c.method === 'PUT' && c.path.includes(waitingOrder) && c.path.endsWith('/accept'))).toBe(true);
    const changed = await call('GET', `/v1/orders/${waiting.id}`);
    expect(['accepted', 'waiting_shipment']).toContain(changed.body.status);
    expect(changed.body.history.map((e: { type: string }) => e.type)).toContain('order.status_changed');

    // Webhooks: the status change and the action outcome, signed with the endpoint's secret.
    const events = (): Array<{ id: string; type: string; data: Record<string, unknown> }> => received.map((r) => JSON.parse(r.body));
    await waitFor(() => ['order.status_changed', 'action.succeeded'].every((t) => events().some((e) => e.type === t && e.data.order_id === waiting.id)), 20_000, 'the webhooks');
    for (const r of received) expect(verifySignature(hook.body.secret, r.headers['orderwire-signature'] as string, r.body)).toBe(true);
    expect(events().every((e) => e.data.account === 'worten-e2e')).toBe(true);

    const metrics = await (await fetch(`${api}/metrics`)).text();
    expect(metrics).toMatch(/orderwire_sync_runs_total\{account="worten-e2e",kind="\w+",state="succeeded"\} [1-9]/);
    expect(metrics).toContain('orderwire_actions_total{account="worten-e2e",action="accept",outcome="succeeded"} 1');
  }, 60_000);
});
