/**
 * The channel library against the Mirakl simulator: every Mirakl channel of channels/ (one
 * account each, all on one simulated instance) syncs its orders with the daemon's runtime and
 * delivers each action its file allows (accept, ship, refund), each reaching the marketplace
 * request that carries it out; an action the file does not allow never leaves orderwire.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimulator, type StartedSimulator } from '@orderwire/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS_DIR, loadChannels } from '../engine/channel/load.ts';
import { loadConfigFile } from '../engine/config/load.ts';
import { openRuntime, type Runtime } from '../engine/daemon/runtime.ts';
import { silentLogger } from '../engine/log.ts';
import { ActionWorker } from '../engine/sync/action-worker.ts';
import { submitAction } from '../engine/sync/submit-action.ts';
import { syncWindow } from '../engine/sync/sync-window.ts';
import { adminCalls, adminCreateOrder } from './helpers/sim-admin.ts';
import { LIBRARY_CHANNELS } from './helpers/library.ts';

const mirakl = (await loadChannels()).filter((c) => c.platform === 'mirakl');

let sim: StartedSimulator;
let dir: string;
let runtime: Runtime;

beforeAll(async () => {
  sim = await startSimulator('mirakl', { orders: 10, historyDays: 1, seed: 15, speed: 0 });
  dir = await mkdtemp(path.join(tmpdir(), 'orderwire-library-'));
  const accounts = mirakl
    .map((c) => `  - id: ${c.id}-acct\n    channel: ${c.id}\n    base_url: ${sim.baseUrl}\n    credentials:\n      api_key: { env: MIRAKL_KEY }\n`)
    .join('');
  await writeFile(path.join(dir, 'orderwire.yaml'), `store: library.sqlite\nchannels_dir: ${CHANNELS_DIR}\naccounts:\n${accounts}`);
  runtime = await openRuntime(await loadConfigFile(path.join(dir, 'orderwire.yaml')), silentLogger(), { env: { MIRAKL_KEY: sim.credentials.apiKey } });
});
afterAll(async () => {
  await runtime?.close();
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

it('covers every Mirakl channel of the library', () => {
  expect(mirakl.map((c) => c.id).sort()).toEqual(LIBRARY_CHANNELS.filter((id) => id !== 'cdiscount' && id !== 'bol' && id !== 'kaufland'));
  // Declared acceptance limits: Jardiland refuses after 5 days, MediaMarkt gives 48 hours.
  expect(Object.fromEntries(mirakl.filter((c) => c.deadlines).map((c) => [c.id, c.deadlines!.acceptance]))).toEqual({ jardiland: 'P5D', mediamarkt: 'PT48H' });
});

describe.each(mirakl.map((c) => [c.id, c] as const))('%s', (id, channel) => {
  it('syncs and delivers the actions its file allows', async () => {
    const entry = runtime.accounts.get(`${id}-acct`)!;
    const at = new Date(sim.clock.now() - 3_600_000).toISOString();
    const waiting = await adminCreateOrder(sim.baseUrl, { state: 'WAITING_ACCEPTANCE', created_date: at });
    const shipping = await adminCreateOrder(sim.baseUrl, { state: 'SHIPPING', created_date: at });
    const shipped = await adminCreateOrder(sim.baseUrl, { state: 'SHIPPED', created_date: at, lines: 2 });
    await syncWindow(
      { store: runtime.store, connector: entry.connector, account: entry.account, log: runtime.log, now: () => sim.clock.nowDate(), windows: { overlapMs: 60_000, safetyMarginMs: 30_000 } },
      'incremental',
    );
    for (const o of [waiting, shipping, shipped]) expect((await runtime.store.getOrder(entry.account.id, id, o.order_id))?.order.channel).toBe(id);
    // Deadlines: Mirakl's shipping_deadline as sent; the acceptance limit only where the channel declares one.
    const stored = (await runtime.store.getOrder(entry.account.id, id, waiting.order_id))!;
    const raw = stored.order.raw as { shipping_deadline: string };
    expect(stored.order.shipping_deadline).toBe(new Date(raw.shipping_deadline).toISOString());
    const limitMs = channel.deadlines?.acceptanceMs;
    expect(stored.order.acceptance_deadline).toBe(limitMs === undefined ? undefined : new Date(Date.parse(stored.order.created_at) + limitMs).toISOString());

    const acceptable = channel.actions.accept!.allowedIn.includes('waiting_acceptance');
    const accept = await submitAction(runtime.store, entry.account, { marketplaceOrderId: waiting.order_id, name: 'accept' });
    expect(accept.kind).toBe(acceptable ? 'queued' : 'denied');
    const carrier = channel.actions.ship!.byStatus.waiting_shipment!.fields.tracking_url?.required
      ? { carrier: 'UPS', tracking_url: 'https://track.example/T1' }
      : { carrier: 'UPS' };
    expect((await submitAction(runtime.store, entry.account, { marketplaceOrderId: shipping.order_id, name: 'ship', data: { tracking_number: `T-${id}`, ...carrier } })).kind).toBe('queued');
    expect((await submitAction(runtime.store, entry.account, { marketplaceOrderId: shipped.order_id, name: 'refund', data: { reason: '15' } })).kind).toBe('queued');

    const worker = new ActionWorker({ store: runtime.store, accounts: runtime.accounts, log: runtime.log, owner: id, leaseMs: 10_000, maxAttempts: 2 });
    while ((await worker.runOnce()) > 0);

    const calls = await adminCalls(sim.baseUrl);
    const ok = (method: string, p: string, body?: (b: unknown) => boolean) => calls.some((c) => c.method === method && c.path === p && c.status < 300 && (!body || body(c.body)));
    expect(ok('PUT', `/api/orders/${waiting.order_id}/accept`)).toBe(acceptable);
    expect(ok('PUT', `/api/orders/${shipping.order_id}/tracking`, (b) => (b as { tracking_number?: string }).tracking_number === `T-${id}`)).toBe(true);
    expect(ok('PUT', `/api/orders/${shipping.order_id}/ship`)).toBe(true);
    expect(ok('PUT', '/api/orders/refund', (b) => JSON.stringify(b).includes(`${shipped.order_id}-`))).toBe(true);
  });
});
