/**
 * The daemon's runtime against a marketplace simulator for order-operation tests (partial refunds,
 * line cancellations, parcels): channel files copied into a temporary channels folder, one account
 * per channel, an SQLite store; `pull` reads an order into the store as a poll does, `deliver`
 * submits an action and runs the worker once, returning the action's state and the simulator's
 * call log of what it sent.
 */
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimulator, type StartedSimulator } from '@orderwire/simulators';
import { CHANNELS_DIR } from '../../engine/channel/load.ts';
import { loadConfigFile } from '../../engine/config/load.ts';
import { openRuntime, type Runtime } from '../../engine/daemon/runtime.ts';
import { silentLogger } from '../../engine/log.ts';
import type { NormalizedOrder } from '../../engine/order/model.ts';
import { ActionWorker } from '../../engine/sync/action-worker.ts';
import { submitAction, type ActionInput, type SubmitOutcome } from '../../engine/sync/submit-action.ts';
import { adminCalls, type CallEntry } from './sim-admin.ts';

export interface OperationsAccount {
  id: string;
  /** A channel id: a fixture under test/fixtures/channels/operations/ when `fixture`, else the library's. */
  channel: string;
  fixture?: boolean;
}

export interface OperationsRuntime {
  sim: StartedSimulator;
  runtime: Runtime;
  /** Reads the order from the marketplace into the store, as a poll does. */
  pull(account: string, orderId: string): Promise<NormalizedOrder>;
  submit(account: string, input: ActionInput): Promise<SubmitOutcome>;
  /** Submits (must be queued), runs the worker once: the action's state and the writes it sent. */
  deliver(account: string, input: ActionInput): Promise<{ state: string; calls: CallEntry[]; result: unknown }>;
  close(): Promise<void>;
}

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/channels/operations');

export async function startOperationsRuntime(opts: { platform: 'mirakl' | 'octopia'; seed: number; name: string; accounts: OperationsAccount[]; start?: Date }): Promise<OperationsRuntime> {
  const sim = await startSimulator(opts.platform, { orders: 0, seed: opts.seed, speed: 0, start: opts.start ?? new Date(Date.now() - 3_600_000) });
  const dir = await mkdtemp(path.join(tmpdir(), `orderwire-${opts.name}-`));
  const channels = path.join(dir, 'channels');
  await mkdir(path.join(channels, 'platforms'), { recursive: true });
  for (const a of opts.accounts) {
    await copyFile(a.fixture ? path.join(FIXTURES, `${a.channel}.yaml`) : path.join(CHANNELS_DIR, `${a.channel}.yaml`), path.join(channels, `${a.channel}.yaml`));
  }
  await copyFile(path.join(CHANNELS_DIR, 'platforms', `${opts.platform}.yaml`), path.join(channels, 'platforms', `${opts.platform}.yaml`));
  const octopia = opts.platform === 'octopia';
  const account = (a: OperationsAccount) =>
    octopia
      ? `  - id: ${a.id}\n    channel: ${a.channel}\n    base_url: ${sim.baseUrl}/seller/v2\n    auth_url: ${sim.baseUrl}\n    credentials:\n      client_id: { env: SIM_ID }\n      client_secret: { env: SIM_SECRET }\n      seller_id: { env: SIM_SELLER }\n`
      : `  - id: ${a.id}\n    channel: ${a.channel}\n    base_url: ${sim.baseUrl}\n    credentials:\n      api_key: { env: SIM_KEY }\n`;
  await writeFile(path.join(dir, 'orderwire.yaml'), `store: ${opts.name}.sqlite\nchannels_dir: channels\naccounts:\n${opts.accounts.map(account).join('')}`);
  const env: Record<string, string> = octopia
    ? { SIM_ID: sim.credentials.clientId!, SIM_SECRET: sim.credentials.clientSecret!, SIM_SELLER: sim.credentials.sellerId! }
    : { SIM_KEY: sim.credentials.apiKey! };
  const runtime = await openRuntime(await loadConfigFile(path.join(dir, 'orderwire.yaml')), silentLogger(), { env });

  const pull = async (accountId: string, orderId: string): Promise<NormalizedOrder> => {
    const entry = runtime.accounts.get(accountId)!;
    const read = await entry.connector.getOrder(orderId);
    if (!read) throw new Error(`order ${orderId} not readable`);
    await runtime.store.commitOrders([read]);
    return (await runtime.store.getOrder(accountId, entry.account.channel.id, orderId))!.order;
  };
  const submit = (accountId: string, input: ActionInput) => submitAction(runtime.store, runtime.accounts.get(accountId)!.account, input);
  const deliver = async (accountId: string, input: ActionInput) => {
    const since = (await adminCalls(sim.baseUrl)).at(-1)?.seq ?? 0;
    const submitted = await submit(accountId, input);
    if (submitted.kind !== 'queued') throw new Error(JSON.stringify(submitted));
    const worker = new ActionWorker({ store: runtime.store, accounts: runtime.accounts, log: runtime.log, owner: opts.name, leaseMs: 10_000, maxAttempts: 2 });
    await worker.runOnce();
    const action = (await runtime.store.getAction(submitted.action.id))!;
    const calls = (await adminCalls(sim.baseUrl, since)).filter((c) => c.method !== 'GET' && !c.path.includes('/openid-connect/'));
    return { state: action.state, calls, result: action.result };
  };
  return {
    sim,
    runtime,
    pull,
    submit,
    deliver,
    async close() {
      await runtime.close();
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
