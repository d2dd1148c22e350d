/**
 * `order.deadline_approaching` end to end, on the daemon's simulated clock: a real daemon syncs a
 * Jardiland account (acceptance limit P5D, Mirakl's shipping_deadline) from the Mirakl simulator
 * into a SQLite file and POSTs signed alerts to a local receiver. Each alert goes out once per
 * order and deadline kind when the clock reaches its lead time, and a second daemon on the same
 * store (a restart) never sends it again.
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimulator, type StartedSimulator } from '@orderwire/simulators';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../engine/app.ts';
import { CHANNELS_DIR } from '../engine/channel/load.ts';
import { loadConfigFile } from '../engine/config/load.ts';
import { openRuntime, type Runtime } from '../engine/daemon/runtime.ts';
import { silentLogger } from '../engine/log.ts';
import type { DeadlineAlert } from '../engine/store/store.ts';
import { endpointSecret, verifySignature } from '../engine/webhooks/signing.ts';
import { waitFor } from './helpers/cli-process.ts';
import { submitAction } from '../engine/sync/submit-action.ts';
import { adminCalls, adminCreateOrder } from './helpers/sim-admin.ts';

const SECRET_KEY = 'deadline-secret-key-abcdefghijklmnopqrstuvwxyz0123';
const HOUR = 3_600_000;

let sim: StartedSimulator;
let dir: string;
let configFile: string;
let receiver: Server;
let receiverUrl: string;
const received: Array<{ headers: Record<string, unknown>; body: string }> = [];
let clock: number;
const env = (): Record<string, string> => ({ MIRAKL_KEY: sim.credentials.apiKey!, ORDERWIRE_SECRET_KEY: SECRET_KEY });

beforeAll(async () => {
  sim = await startSimulator('mirakl', { orders: 3, historyDays: 1, seed: 23, speed: 0, start: new Date(Date.now() - 600_000) });
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/deadlines`;
  dir = await mkdtemp(path.join(tmpdir(), 'orderwire-deadlines-'));
  configFile = path.join(dir, 'orderwire.yaml');
  await writeFile(configFile, `store: deadlines.sqlite
channels_dir: ${CHANNELS_DIR}
accounts:
  - id: jardiland-fr
    channel: jardiland
    base_url: ${sim.baseUrl}
    credentials: { api_key: { env: MIRAKL_KEY } }
daemon:
  http: { host: 127.0.0.1, port: 0 }
webhooks:
  allowed_destinations: [127.0.0.1]
deadlines:
  alert_before: { acceptance: PT12H, shipping: PT1H }
  check_every: PT0.1S
`);
});

afterAll(async () => {
  await new Promise((resolve) => receiver?.close(resolve));
  await sim?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function runDaemon(file = configFile): Promise<{ runtime: Runtime; daemon: Daemon; synced: Promise<void> }> {
  const runtime = await openRuntime(await loadConfigFile(file), silentLogger(), { env: env() });
  let done!: () => void;
  const synced = new Promise<void>((resolve) => (done = resolve));
  const daemon = startDaemon(runtime, {
    now: () => new Date(clock),
    workerIntervalMs: 50,
    api: { env: env(), webhooks: { intervalMs: 50 } },
    hooks: { onRun: (_account, outcome) => (outcome instanceof Error ? undefined : done()) },
  });
  await daemon.api!.ready;
  return { runtime, daemon, synced };
}

/** The alerts the receiver got for one order, after checking each signature. */
function alertsFor(marketplaceOrderId: string, secret: string): DeadlineAlert[] {
  return received
    .map((r) => {
      const header = String(r.headers['orderwire-signature']);
      // Signed at the daemon's (simulated) time, days ahead of the wall clock.
      expect(verifySignature(secret, header, r.body, { now: Math.floor(clock / 1000), toleranceSec: 30 * 86_400 })).toBe(true);
      return JSON.parse(r.body) as { type: string; data: DeadlineAlert };
    })
    .filter((e) => e.type === 'order.deadline_approaching' && e.data.marketplace_order_id === marketplaceOrderId)
    .map((e) => e.data);
}

it('sends each deadline alert once, at its lead time on the simulated clock, across a restart', async () => {
  clock = sim.clock.now();
  // Created an hour ago: inside the daemon's first window.
  const created = await adminCreateOrder(sim.baseUrl, { state: 'WAITING_ACCEPTANCE', lines: 1, created_date: new Date(clock - HOUR).toISOString() });
  const first = await runDaemon();
  const endpoint = await first.runtime.store.createWebhookEndpoint({ url: receiverUrl, accounts: ['jardiland-fr'], events: ['order.deadline_approaching'] });
  const secret = endpointSecret(SECRET_KEY, endpoint.id);
  await first.synced;
  const stored = (await first.runtime.store.getOrder('jardiland-fr', 'jardiland', created.order_id))!.order;
  // Jardiland declares 5 days to accept; Mirakl sends the shipping deadline.
  const acceptance = Date.parse(stored.acceptance_deadline!);
  const shipping = Date.parse(stored.shipping_deadline!);
  expect(acceptance).toBe(Date.parse(stored.created_at) + 5 * 24 * HOUR);
  // The seed's order must ship well before the acceptance limit, so the two alerts fall apart.
  expect(shipping).toBeLessThan(acceptance - 12 * HOUR);

  // Well before either lead time: the watch finds nothing for this order.
  expect((await first.daemon.deadlines.check()).filter((a) => a.marketplace_order_id === created.order_id)).toEqual([]);

  // Half an hour before the shipping deadline (lead 1 h): its alert goes out.
  clock = shipping - HOUR / 2;
  await waitFor(() => alertsFor(created.order_id, secret).some((a) => a.kind === 'shipping'), 10_000);
  const shippingAlert = alertsFor(created.order_id, secret).find((a) => a.kind === 'shipping');
  expect(shippingAlert).toMatchObject({ account: 'jardiland-fr', channel: 'jardiland', status: 'waiting_acceptance', deadline: new Date(shipping).toISOString(), overdue: false, at: new Date(clock).toISOString() });
  await first.daemon.stop();
  await first.runtime.close();

  // A second daemon on the same store, eleven hours before the acceptance limit (lead 12 h) and
  // past the shipping deadline: the acceptance alert goes out, the shipping one not again.
  clock = Math.max(acceptance - 11 * HOUR, clock + HOUR);
  const second = await runDaemon();
  try {
    await waitFor(() => alertsFor(created.order_id, secret).some((a) => a.kind === 'acceptance'), 10_000);
    expect(await second.daemon.deadlines.check()).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const alerts = alertsFor(created.order_id, secret);
    expect(alerts.map((a) => a.kind).sort()).toEqual(['acceptance', 'shipping']);
    expect(alerts.find((a) => a.kind === 'acceptance')).toMatchObject({ deadline: new Date(acceptance).toISOString(), overdue: false });
    // This daemon counted the one alert it raised.
    const metrics = await (await fetch(`${await second.daemon.api!.ready}/metrics`)).text();
    expect(metrics).toMatch(/orderwire_deadline_alerts_total\{account="jardiland-fr",kind="acceptance",overdue="false"\} [1-9]/);
    expect(metrics).not.toMatch(/orderwire_deadline_alerts_total\{account="jardiland-fr",kind="shipping"/);
  } finally {
    await second.daemon.stop();
    await second.runtime.close();
  }
}, 60_000);

it('opted in (options.auto_refuse), refuses an order left unaccepted through the action path, once, and leaves an accepted one alone', async () => {
  const file = path.join(dir, 'auto-refuse.yaml');
  await writeFile(file, `store: auto-refuse.sqlite
channels_dir: ${CHANNELS_DIR}
accounts:
  - id: jardiland-auto
    channel: jardiland
    base_url: ${sim.baseUrl}
    credentials: { api_key: { env: MIRAKL_KEY } }
    options:
      auto_refuse: { before_deadline: PT2H }
daemon:
  http: { host: 127.0.0.1, port: 0 }
deadlines:
  check_every: PT0.1S
`);
  clock = sim.clock.now();
  const createdAt = new Date(clock - HOUR).toISOString();
  const left = await adminCreateOrder(sim.baseUrl, { state: 'WAITING_ACCEPTANCE', lines: 2, created_date: createdAt });
  const accepted = await adminCreateOrder(sim.baseUrl, { state: 'WAITING_ACCEPTANCE', lines: 1, created_date: createdAt });
  const refusals = async (orderId: string) => (await adminCalls(sim.baseUrl)).filter((c) => c.method === 'PUT' && c.path === `/api/orders/${orderId}/accept`);

  const first = await runDaemon(file);
  await first.synced;
  const store = first.runtime.store;
  const deadline = Date.parse((await store.getOrder('jardiland-auto', 'jardiland', left.order_id))!.order.acceptance_deadline!);
  // Three hours before the limit nothing is refused; the merchant accepts the second order.
  clock = deadline - 3 * HOUR;
  await first.daemon.deadlines.check();
  expect(await refusals(left.order_id)).toEqual([]);
  const entry = first.runtime.accounts.get('jardiland-auto')!;
  expect((await submitAction(store, entry.account, { marketplaceOrderId: accepted.order_id, name: 'accept' })).kind).toBe('queued');

  // One hour before the limit (within the 2 h): the order left unaccepted is refused, every line.
  clock = deadline - HOUR;
  await waitFor(async () => (await store.listActions({ marketplace_order_id: left.order_id })).items.some((a) => a.state === 'succeeded'), 10_000);
  const [refusal] = (await store.listActions({ marketplace_order_id: left.order_id })).items;
  expect(refusal).toMatchObject({ idempotency_key: `auto-refuse:${(await store.getOrder('jardiland-auto', 'jardiland', left.order_id))!.id}`, action: 'refuse', state: 'succeeded' });
  const [sent] = await refusals(left.order_id);
  expect((sent!.body as { order_lines: Array<{ accepted: boolean }> }).order_lines.map((l) => l.accepted)).toEqual([false, false]);
  await first.daemon.stop();
  await first.runtime.close();

  // A restart later: no second refusal; the accepted order was never refused.
  clock += HOUR / 2;
  const second = await runDaemon(file);
  try {
    await second.daemon.deadlines.check();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await refusals(left.order_id)).toHaveLength(1);
    expect((await second.runtime.store.listActions({ marketplace_order_id: left.order_id })).items).toHaveLength(1);
    const acceptedActions = (await second.runtime.store.listActions({ marketplace_order_id: accepted.order_id })).items;
    expect(acceptedActions.map((a) => a.action)).toEqual(['accept']);
  } finally {
    await second.daemon.stop();
    await second.runtime.close();
  }
}, 60_000);
