/**
 * The store-facing commands as a user runs them: sync an account, list its orders, queue an
 * action (validated; a denied one exits 1 with its errors), list actions; usage errors exit 2.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type StartedSimulator } from '@orderwire/simulators';
import { runCli } from './helpers/cli-process.ts';
import { adminCreateOrder } from './helpers/sim-admin.ts';

let sim: StartedSimulator;
let dir: string;
let config: string;
let env: Record<string, string | undefined>;

/** With the marketplace key in the environment (sync), or without (commands that only use the store). */
const cli = (args: string[], withKey = true) => runCli(args, { env: withKey ? env : {} });

beforeAll(async () => {
  sim = await startSimulator('mirakl', { orders: 60, historyDays: 3, seed: 3, speed: 0 });
  dir = await mkdtemp(path.join(tmpdir(), 'orderwire-cli-'));
  config = path.join(dir, 'orderwire.yaml');
  await writeFile(config, `store: orders.sqlite\naccounts:\n  - id: w\n    channel: worten\n    base_url: ${sim.baseUrl}\n    credentials:\n      api_key: { env: CLI_TEST_KEY }\n    options: { budgets: { OR11: { limit: 600, per: PT1M } } }\n`);
  env = { CLI_TEST_KEY: sim.credentials.apiKey };
});
afterAll(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

describe('store commands', () => {
  it('sync, orders, action, actions', async () => {
    const { order_id } = await adminCreateOrder(sim.baseUrl, { state: 'WAITING_ACCEPTANCE', created_date: new Date(Date.now() - 3_600_000).toISOString() });
    const sync = await cli(['sync', 'w', '--config', config]);
    expect(sync.code, sync.stderr).toBe(0);
    expect(sync.stdout).toMatch(/w: backfill window .* \.\. /);
    expect(sync.stdout).toMatch(/\d+ pages, \d+ orders \(\d+ new, 0 updated\), \d+ API calls/);

    const orders = await cli(['orders', '--config', config, '--status', 'waiting_acceptance', '--json'], false);
    expect(orders.code, orders.stderr).toBe(0);
    const items = (JSON.parse(orders.stdout) as { items: Array<{ marketplace_order_id: string; status: string }> }).items;
    expect(items.map((o) => o.marketplace_order_id)).toContain(order_id);
    expect(items.every((o) => o.status === 'waiting_acceptance')).toBe(true);

    // Queuing needs no marketplace credential: the daemon sends it.
    const queued = await cli(['action', 'w', order_id, 'accept', '--config', config], false);
    expect(queued.code, queued.stderr).toBe(0);
    expect(queued.stdout).toMatch(/^queued: action \S+ \(queued\)/);
    const again = await cli(['action', 'w', order_id, 'accept', '--config', config], false);
    expect(again.stdout).toMatch(/^already submitted/);

    const denied = await cli(['action', 'w', order_id, 'ship', '--config', config, '--data', '{"carrier":"UPS"}'], false);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('error[ACTION_NOT_ALLOWED_IN_STATUS]');
    expect(denied.stderr).toMatch(/it is allowed at waiting_shipment/);

    // Allowed today, but not once the queued accept has taken effect: refused, naming the accept.
    const acceptId = /^queued: action (\S+)/.exec(queued.stdout)![1]!;
    const conflict = await cli(['action', 'w', order_id, 'refuse', '--config', config], false);
    expect(conflict.code, conflict.stdout + conflict.stderr).toBe(1);
    expect(conflict.stderr).toContain(`refuse conflicts with action ${acceptId} (accept, queued) pending on ${order_id}: once it has taken effect the order will be accepted`);
    expect(conflict.stderr).toContain('error[ACTION_CONFLICTS_WITH_PENDING]');
    const conflictJson = await cli(['action', 'w', order_id, 'refuse', '--config', config, '--json'], false);
    expect(JSON.parse(conflictJson.stdout)).toMatchObject({ kind: 'conflict', projected: 'accepted', pending: { id: acceptId, action: 'accept', state: 'queued' } });
    expect(conflictJson.stdout).not.toContain('fingerprint');

    const actions = await cli(['actions', '--config', config, '--json'], false);
    const list = (JSON.parse(actions.stdout) as { items: Array<{ marketplace_order_id: string; state: string; action: string }> }).items;
    expect(list).toEqual([expect.objectContaining({ marketplace_order_id: order_id, action: 'accept', state: 'queued' })]);
    // Nine CLI processes, each starting Node: on two loaded cores that outlasts the default 30 s.
  }, 120_000);

  it('usage errors exit 2 with a coded message', async () => {
    const missing = await cli(['orders', '--config', path.join(dir, 'nope.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('error[FILE_NOT_FOUND]');
    const badJson = await cli(['action', 'w', 'X', 'ship', '--config', config, '--data', '{oops']);
    expect(badJson.code).toBe(2);
    expect(badJson.stderr).toContain('--data is not valid JSON');
    const noKey = await cli(['sync', 'w', '--config', config], false);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('CLI_TEST_KEY is not set');
  });
});
