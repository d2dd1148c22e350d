/**
 * Exactly once on the Kaufland family, through the paths every family's actions take (the store's
 * outbox, a real `orderwire run` daemon and its action workers), with faults from outside the
 * engine: a loopback fault proxy (helpers/fault-proxy.ts) in front of a Prism proxy validating
 * Kaufland's published contract, in front of the Kaufland stand-in that checks every signature.
 * A ship of two units is sent unit by unit; the second unit's send is struck (held while the
 * daemon is killed with SIGKILL, before or after Kaufland applied it; 502 or reset before; 502 or
 * a hang after). Each action must end `succeeded` with each unit sent exactly once at Kaufland:
 * one applied send per unit, no repeat refused.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadChannel } from '../engine/channel/load.ts';
import { createConnector, loadPlatform } from '../engine/connector/declarative.ts';
import { silentLogger } from '../engine/log.ts';
import { openStore } from '../engine/store/open.ts';
import type { Store, StoredAction } from '../engine/store/store.ts';
import type { AccountRuntime } from '../engine/sync/account.ts';
import { submitAction } from '../engine/sync/submit-action.ts';
import { syncWindow } from '../engine/sync/sync-window.ts';
import { spawnCli, waitFor, type Spawned } from './helpers/cli-process.ts';
import { startFaultProxy, type FaultProxy, type ProxyFault } from './helpers/fault-proxy.ts';
import { KAUFLAND_CLIENT, startKauflandUpstream, type KauflandUpstream } from './helpers/kaufland-upstream.ts';
import { startPrism, type Prism } from './helpers/prism.ts';

const SPEC = path.resolve(import.meta.dirname, 'fixtures/marketplace/kaufland/seller-api-v2-orders.openapi.json');
const TERMINAL = new Set(['succeeded', 'failed', 'needs_attention', 'canceled']);
const KAUFLAND_ERROR = (status: number) => ({ contentType: 'application/json', body: JSON.stringify({ type: '/problems/server-error', message: `HTTP ${status}`, errors: [] }) });

interface Fault {
  name: string;
  proxy: ProxyFault;
  crash?: boolean;
}

const BATCHES: Array<{ name: string; crash: boolean; faults: Fault[] }> = [
  {
    name: 'a daemon killed with SIGKILL while the second unit\'s send is held',
    crash: true,
    faults: [
      { name: 'before Kaufland sees it', proxy: 'hold' },
      { name: 'after Kaufland applied it', proxy: 'hold_response' },
    ],
  },
  {
    name: 'the second unit\'s send fails',
    crash: false,
    faults: [
      { name: '502 before apply', proxy: '502' },
      { name: 'reset before apply', proxy: 'reset' },
      { name: '502 after apply', proxy: '502_after' },
      { name: 'timeout after apply', proxy: 'hang' },
    ],
  },
];

let kaufland: KauflandUpstream;
let prism: Prism;
const cleanup: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  kaufland = await startKauflandUpstream();
  prism = await startPrism({ mode: 'proxy', document: SPEC, upstream: kaufland.url });
}, 300_000);

afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn().catch(() => undefined);
  await prism?.close();
  await kaufland?.close();
});

function stop(daemon: Spawned, signal: NodeJS.Signals): Promise<unknown> {
  if (daemon.child.exitCode === null && daemon.child.signalCode === null) daemon.child.kill(signal);
  return daemon.exited;
}

describe.each(BATCHES)('Kaufland exactly once: $name', ({ crash, faults }) => {
  it('every ship ends succeeded, each unit sent exactly once', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'orderwire-kaufland-faults-'));
    const storeFile = path.join(dir, 'orderwire.sqlite');
    const store: Store = await openStore(storeFile);
    await store.migrate();
    const proxy: FaultProxy = await startFaultProxy(prism.url, KAUFLAND_ERROR);
    cleanup.push(async () => {
      await store.close();
      await proxy.close();
      await rm(dir, { recursive: true, force: true });
    });
    // The daemon signs the URLs it sends to the fault proxy: the stand-in checks against those.
    kaufland.signedBase = proxy.url;

    // One order of two units per fault; stored by a sync through the same chain.
    const tag = crash ? 'K' : 'F';
    const orders = faults.map((fault, i) => ({ fault, order: kaufland.addOrder({ id_order: `M${tag}${String(i).padStart(5, '0')}`, ts_created_iso: new Date(Date.now() - 600_000).toISOString(), units: [{}, {}] }) }));
    const channel = await loadChannel('kaufland');
    const account: AccountRuntime = { id: 'kaufland-de', channel, baseUrl: proxy.url, credentials: KAUFLAND_CLIENT, enabled: true, importFulfilledOrders: false, pollEveryMs: 900_000, concurrency: 4 };
    const connector = createConnector({ account: account.id, channel, baseUrl: proxy.url, credentials: KAUFLAND_CLIENT }, await loadPlatform('kaufland'), { budgets: false });
    try {
      await syncWindow({ store, connector, account, log: silentLogger(), now: () => new Date(), windows: { overlapMs: 120_000, safetyMarginMs: 0 } }, 'manual', { since: new Date(Date.now() - 86_400_000) });
    } finally {
      await connector.close();
    }
    const actions: StoredAction[] = [];
    for (const { fault, order } of orders) {
      const submitted = await submitAction(store, account, { marketplaceOrderId: order.id_order, name: 'ship', data: { tracking_number: `T-${order.id_order}`, carrier: 'DHL' } });
      if (submitted.kind !== 'queued') throw new Error(`${order.id_order}: ${submitted.kind}`);
      actions.push(submitted.action);
      // The second unit's send: its path names the unit.
      proxy.arm({ order: String(order.units[1]!.id_order_unit), fault: fault.proxy });
    }
    const before = kaufland.calls.length;

    const configFile = path.join(dir, 'orderwire.yaml');
    await writeFile(configFile, [
      `store: ${storeFile}`,
      'accounts:',
      '  - id: kaufland-de',
      '    channel: kaufland',
      `    base_url: ${proxy.url}`,
      '    credentials:',
      '      client_key: { env: KAUFLAND_CLIENT_KEY }',
      '      secret_key: { env: KAUFLAND_SECRET_KEY }',
      '    options:',
      `      timeouts: { connect: PT5S, response: ${crash ? 'PT30S' : 'PT3S'} }`,
      'daemon:',
      '  lease_ttl: PT2S',
      '  action_workers: 8',
      '  http: { enabled: false }',
      '',
    ].join('\n'));
    const env = { KAUFLAND_CLIENT_KEY: KAUFLAND_CLIENT.client_key, KAUFLAND_SECRET_KEY: KAUFLAND_CLIENT.secret_key, ORDERWIRE_LOG_LEVEL: 'warn' };
    let daemon = spawnCli(['run', '--config', configFile], { env });
    const daemons = [daemon];
    cleanup.push(() => Promise.all(daemons.map((d) => stop(d, 'SIGKILL'))));
    const logs = () => daemons.map((d, i) => `--- daemon ${i + 1} stderr:\n${d.stderr().slice(-3_000)}`).join('\n');
    try {
      if (crash) {
        await proxy.waitFired(faults.length, 60_000);
        await stop(daemon, 'SIGKILL');
        proxy.release();
        daemon = spawnCli(['run', '--config', configFile], { env });
        daemons.push(daemon);
      }
      await waitFor(async () => {
        const states = await Promise.all(actions.map(async (a) => (await store.getAction(a.id))?.state));
        return states.every((s) => s !== undefined && TERMINAL.has(s));
      }, 90_000, 'every ship to settle');
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${logs()}`, { cause: err });
    } finally {
      await stop(daemon, 'SIGTERM');
    }

    const calls = kaufland.calls.slice(before).filter((c) => c.method === 'PATCH');
    const verdicts = await Promise.all(orders.map(async ({ fault, order }, i) => {
      const stored = (await store.getAction(actions[i]!.id))!;
      const perUnit = order.units.map((u) => calls.filter((c) => c.url === `/order-units/${u.id_order_unit}/send`));
      const applied = perUnit.map((list) => list.filter((c) => c.status === 204).length);
      const refused = perUnit.flat().filter((c) => c.status !== 204);
      const fired = proxy.fired().some((f) => f.order === String(order.units[1]!.id_order_unit));
      return `${fault.name}: ${stored.state}, applied ${applied.join('+')}, refused ${refused.length}, units ${order.units.map((u) => u.status).join('+')}${fired ? '' : ', FAULT NOT INJECTED'}${stored.error ? ` (${stored.error.code}: ${stored.error.message})` : ''}`;
    }));
    expect(verdicts).toEqual(faults.map((f) => `${f.name}: succeeded, applied 1+1, refused 0, units sent+sent`));
    // Every request that reached Kaufland was signed as Kaufland documents it.
    expect(kaufland.calls.slice(before).every((c) => c.signed)).toBe(true);
  }, 240_000);
});
