/**
 * Crash safety: `orderwire sync` killed with SIGKILL in the middle of a first sync leaves the
 * committed pages and no cursor; the next run lists the window again and ends with every order
 * stored exactly once. And the daemon (`orderwire run`) stops gracefully on SIGTERM.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadChannel } from '../engine/channel/load.ts';
import { createConnector, loadPlatform } from '../engine/connector/declarative.ts';
import { startSimulator, type StartedSimulator } from '@orderwire/simulators';
import { openStore } from '../engine/store/open.ts';
import { spawnCli, waitFor } from './helpers/cli-process.ts';
import { adminSetFaults } from './helpers/sim-admin.ts';
import { allStoredIds } from './helpers/sync-harness.ts';

let sim: StartedSimulator | undefined;
let dir: string | undefined;
afterEach(async () => {
  await sim?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  sim = undefined;
  dir = undefined;
});

async function setup(orders: number): Promise<{ config: string; storeFile: string; env: Record<string, string | undefined> }> {
  sim = await startSimulator('mirakl', { orders, historyDays: 4, seed: 5, speed: 0 });
  dir = await mkdtemp(path.join(tmpdir(), 'orderwire-restart-'));
  const storeFile = path.join(dir, 'orders.sqlite');
  const config = path.join(dir, 'orderwire.yaml');
  await writeFile(
    config,
    `store: orders.sqlite
accounts:
  - id: worten-t
    channel: worten
    base_url: ${sim.baseUrl}
    credentials:
      api_key: { env: TEST_WORTEN_KEY }
    # The store shares OR11's once-a-minute budget between processes; the simulator enforces none,
    # so the rerun need not wait a minute behind the killed sync.
    options: { budgets: { OR11: { limit: 600, per: PT1M } } }
daemon:
  http: { enabled: false }
  # Short, so the rerun does not wait long behind the killed sync's lease.
  lease_ttl: PT6S
`,
  );
  return { config, storeFile, env: { TEST_WORTEN_KEY: sim.credentials.apiKey, ORDERWIRE_LOG_LEVEL: 'info' } };
}

async function allIds(from: Date, to: Date): Promise<Set<string>> {
  const channel = await loadChannel('worten');
  const connector = createConnector({ account: 'truth', channel, baseUrl: sim!.baseUrl, credentials: { api_key: sim!.credentials.apiKey! } }, await loadPlatform('mirakl'), { budgets: false });
  const ids = new Set<string>();
  await connector.listOrders({ from, to, kind: 'manual' }, async (p) => {
    for (const o of p.orders) ids.add(o.marketplace_order_id);
  });
  await connector.close();
  return ids;
}

describe('restart safety', () => {
  it('a sync killed with SIGKILL mid-window loses nothing: the rerun completes it, each order once', async () => {
    const { config, storeFile, env } = await setup(3_000);
    await adminSetFaults(sim!.baseUrl, 'slow=40ms');
    const first = spawnCli(['sync', 'worten-t', '--config', config], { env });
    const store = await openStore(storeFile).catch(() => undefined);
    let partial = 0;
    await waitFor(async () => {
      try {
        const s = store ?? (await openStore(storeFile));
        partial = await s.countOrders({ account: 'worten-t' });
        if (!store) await s.close();
      } catch {
        partial = 0;
      }
      return partial >= 200;
    }, 30_000, 'the first pages to be committed');
    // The rerun starts while the first sync still lives and renews its poll lease (its next page
    // stalled), so the rerun must find the lease taken however long its start takes on a loaded
    // machine; the first sync is killed only then, and the rerun waits for the lease to expire.
    await adminSetFaults(sim!.baseUrl, 'slow=5000ms');
    const second = spawnCli(['sync', 'worten-t', '--config', config, '--json'], { env });
    await waitFor(() => second.stderr().includes('waiting up to 11 s for its poll lease'), 30_000, 'the rerun to find the poll lease taken');
    first.child.kill('SIGKILL');
    const { signal } = await first.exited;
    expect(signal).toBe('SIGKILL');

    const reader = store ?? (await openStore(storeFile));
    const afterKill = await reader.countOrders({ account: 'worten-t' });
    expect(afterKill).toBeLessThan(2_900);
    expect(await reader.getCursor('worten-t', 'worten', 'incremental')).toBeUndefined();

    await adminSetFaults(sim!.baseUrl, '');
    // The killed process's poll lease expires after its TTL: the rerun waits for it, then syncs.
    expect((await second.exited).code, second.stderr()).toBe(0);
    const run = JSON.parse(second.stdout()) as { state: string; kind: string; window_from: string; window_to: string };
    expect(run).toMatchObject({ state: 'succeeded', kind: 'backfill' });
    const truth = await allIds(new Date(run.window_from), new Date(run.window_to));
    expect(truth.size).toBeGreaterThan(2_900);

    const ids = await allStoredIds(reader, 'worten-t');
    expect(new Set(ids)).toEqual(truth);
    expect(ids.length).toBe(truth.size);
    const created: string[] = [];
    for (let after = 0; ; ) {
      const events = await reader.listEvents({ account: 'worten-t', after, limit: 1_000 });
      if (events.length === 0) break;
      created.push(...events.filter((e) => e.type === 'order.created').map((e) => e.marketplace_order_id));
      after = events.at(-1)!.seq;
    }
    expect(created.length).toBe(truth.size);
    expect(new Set(created).size).toBe(truth.size);
    expect(await reader.getCursor('worten-t', 'worten', 'incremental')).toBeDefined();
    await reader.close();
  });

  it('the daemon syncs on start and stops gracefully on SIGTERM', async () => {
    const { config, storeFile, env } = await setup(200);
    const daemon = spawnCli(['run', '--config', config], { env });
    await waitFor(() => daemon.stdout().includes('"sync finished"'), 30_000, 'the first sync');
    daemon.child.kill('SIGTERM');
    const { code } = await daemon.exited;
    expect(code, daemon.stderr()).toBe(0);
    const lines = daemon.stdout().trim().split('\n').map((l) => JSON.parse(l) as { msg: string });
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['daemon started', 'sync finished', 'daemon stopped']));
    expect(daemon.stdout()).not.toContain(env.TEST_WORTEN_KEY!);
    const store = await openStore(storeFile);
    expect(await store.countOrders({ account: 'worten-t' })).toBeGreaterThan(0);
    await store.close();
  });
});
