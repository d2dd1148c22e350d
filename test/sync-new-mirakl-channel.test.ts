/**
 * "A new Mirakl marketplace is a channel file and nothing else": a Leroy Merlin channel is
 * written into a fresh channels folder, named by a configuration, and the daemon's own runtime
 * syncs it from the Mirakl simulator and delivers an action, with no code change.
 */
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS_DIR } from '../engine/channel/load.ts';
import { loadConfigFile } from '../engine/config/load.ts';
import { openRuntime, type Runtime } from '../engine/daemon/runtime.ts';
import { silentLogger } from '../engine/log.ts';
import { startSimulator, type StartedSimulator } from '@orderwire/simulators';
import { ActionWorker } from '../engine/sync/action-worker.ts';
import { submitAction } from '../engine/sync/submit-action.ts';
import { syncWindow } from '../engine/sync/sync-window.ts';
import { adminCalls, adminCreateOrder } from './helpers/sim-admin.ts';

const LEROY_MERLIN = `# yaml-language-server: $schema=../schemas/channel.schema.json
id: leroymerlin
name: Leroy Merlin
platform: mirakl
retrieval:
  incremental: { every: PT15M, min_every: PT1M }
  catch_up: { every: P1D, lookback: P3D }
statuses:
  new: [STAGING]
  waiting_acceptance: [WAITING_ACCEPTANCE]
  accepted: [WAITING_DEBIT, WAITING_DEBIT_PAYMENT]
  waiting_shipment: [SHIPPING]
  shipped: [SHIPPED, TO_COLLECT]
  closed: [RECEIVED, CLOSED]
  refused: [REFUSED]
  canceled: [CANCELED]
status_notes:
  new: Checked by the marketplace first.
  accepted: Being debited.
  shipped: Nothing to do once shipped in this sandbox channel.
  closed: Done.
  refused: Refused.
  canceled: Cancelled.
lists:
  carriers:
    kind: carrier
    values:
      - { code: UPS, label: UPS }
      - { code: DHL, label: DHL }
actions:
  accept: { when: [waiting_acceptance] }
  refuse: { when: [waiting_acceptance] }
  ship:
    when: [waiting_shipment]
    fields:
      tracking_number: { type: string, required: true }
      carrier: { type: carrier, required: true, values: carriers }
`;

let sim: StartedSimulator;
let dir: string;
let runtime: Runtime;

beforeAll(async () => {
  sim = await startSimulator('mirakl', { orders: 120, historyDays: 2, seed: 21, speed: 0 });
  dir = await mkdtemp(path.join(tmpdir(), 'orderwire-lm-'));
  const channels = path.join(dir, 'channels');
  await mkdir(path.join(channels, 'platforms'), { recursive: true });
  await writeFile(path.join(channels, 'leroymerlin.yaml'), LEROY_MERLIN);
  await copyFile(path.join(CHANNELS_DIR, 'platforms', 'mirakl.yaml'), path.join(channels, 'platforms', 'mirakl.yaml'));
  await writeFile(
    path.join(dir, 'orderwire.yaml'),
    `store: lm.sqlite\nchannels_dir: channels\naccounts:\n  - id: lm-fr\n    channel: leroymerlin\n    base_url: ${sim.baseUrl}\n    credentials:\n      api_key: { env: LM_KEY }\n`,
  );
  runtime = await openRuntime(await loadConfigFile(path.join(dir, 'orderwire.yaml')), silentLogger(), { env: { LM_KEY: sim.credentials.apiKey } });
});
afterAll(async () => {
  await runtime.close();
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a new Mirakl marketplace is a channel file', () => {
  it('syncs and delivers actions with no code change', async () => {
    const entry = runtime.accounts.get('lm-fr')!;
    expect(entry.account.channel.id).toBe('leroymerlin');
    const { order_id } = await adminCreateOrder(sim.baseUrl, { state: 'WAITING_ACCEPTANCE', created_date: new Date(sim.clock.now() - 3_600_000).toISOString() });
    const outcome = await syncWindow(
      { store: runtime.store, connector: entry.connector, account: entry.account, log: runtime.log, now: () => sim.clock.nowDate(), windows: { overlapMs: 60_000, safetyMarginMs: 30_000 } },
      'incremental',
    );
    expect(outcome.window.to.getTime() - outcome.window.from.getTime()).toBe(3 * 86_400_000);
    expect(outcome.run.orders).toBeGreaterThan(10);
    const stored = await runtime.store.getOrder('lm-fr', 'leroymerlin', order_id);
    expect(stored?.order).toMatchObject({ channel: 'leroymerlin', status: 'waiting_acceptance' });

    const submitted = await submitAction(runtime.store, entry.account, { marketplaceOrderId: order_id, name: 'accept' });
    expect(submitted.kind).toBe('queued');
    const worker = new ActionWorker({ store: runtime.store, accounts: runtime.accounts, log: runtime.log, owner: 'lm', leaseMs: 10_000, maxAttempts: 2 });
    await worker.runOnce();
    const calls = await adminCalls(sim.baseUrl);
    expect(calls.some((c) => c.method === 'PUT' && c.path === `/api/orders/${order_id}/accept` && c.status === 204)).toBe(true);
    expect((await runtime.store.getOrder('lm-fr', 'leroymerlin', order_id))?.order.status).toBe('accepted');
  });
});
