/**
 * Three `orderwire run` daemons on one PostgreSQL store share 3 Worten and 3 Cdiscount accounts.
 * One is killed (SIGKILL) while it polls a Cdiscount account and sends Worten accepts. Checked:
 * every order of every window stored once, every accept sent once (simulator call logs), no two
 * runs of one account overlapping in time, the dead daemon's run closed and its work finished by
 * the others, and Mirakl's OR11 ceiling (enforced by the simulator) never hit.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredAction, SyncRun } from '../engine/store/store.ts';
import { waitFor } from './helpers/cli-process.ts';
import { alive, type Fleet, type FleetAccount, ownerPid, queueAccepts, simulatorOrderIds, startFleet } from './helpers/daemon-fleet.ts';
import { PG_SKIP_REASON, requirePostgres, SKIP_PG } from './helpers/postgres.ts';
import { adminCalls, adminSetFaults } from './helpers/sim-admin.ts';
import { allStoredIds } from './helpers/sync-harness.ts';

const ACCEPT_PATH: Record<FleetAccount['kind'], RegExp> = {
  mirakl: /^\/api\/orders\/([^/]+)\/accept$/,
  octopia: /^\/seller\/v2\/orders\/([^/]+)\/approval-status$/,
};

async function acceptCalls(a: FleetAccount): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const call of await adminCalls(a.sim.baseUrl)) {
    const id = ACCEPT_PATH[a.kind].exec(call.path)?.[1];
    if (id && call.method !== 'GET') counts.set(decodeURIComponent(id), (counts.get(decodeURIComponent(id)) ?? 0) + 1);
  }
  return counts;
}

async function settled(fleet: Fleet, ids: readonly string[]): Promise<StoredAction[]> {
  const actions = await Promise.all(ids.map((id) => fleet.store.getAction(id)));
  return actions.filter((a): a is StoredAction => a !== undefined && !['queued', 'sending'].includes(a.state));
}

async function allRuns(fleet: Fleet, account: string): Promise<SyncRun[]> {
  return (await fleet.store.listRuns({ account, limit: 500 })).sort((a, b) => a.started_at.localeCompare(b.started_at));
}

if (SKIP_PG) {
  console.warn(PG_SKIP_REASON);
  describe.skip(`several daemons on one PostgreSQL store (${PG_SKIP_REASON})`, () => {
    it('needs a PostgreSQL server', () => undefined);
  });
} else {
  const pgUrl = requirePostgres();
  let fleet: Fleet | undefined;
  afterEach(async () => {
    await fleet?.close();
    fleet = undefined;
  });

  describe('several daemons on one PostgreSQL store', () => {
    it('share the accounts, survive a SIGKILL mid-poll and mid-send, and sync and send everything exactly once', async () => {
      fleet = await startFleet({ pgUrl, accountsPerKind: 3, orders: 500, leaseTtl: 'PT3S' });
      const f = fleet;
      const worten = f.accounts.filter((a) => a.kind === 'mirakl');
      const cdiscount = f.accounts.filter((a) => a.kind === 'octopia');
      // Cdiscount pages take 15 s each (under the 30 s response timeout), so the first Cdiscount polls
      // last minutes, and Worten accepts 1 s each: however loaded the machine, a daemon is still
      // polling Cdiscount while it has a Worten accept in flight.
      await Promise.all(cdiscount.map((a) => adminSetFaults(a.sim.baseUrl, 'slow=15000ms')));
      const daemons = f.spawnDaemons(3);
      const synced = async (a: FleetAccount): Promise<boolean> => (await f.store.getCursor(a.id, a.account.channel.id, 'incremental')) !== undefined;
      await waitFor(async () => (await Promise.all(worten.map(synced))).every(Boolean), 90_000, 'the Worten accounts to be synced');

      await Promise.all(worten.map((a) => adminSetFaults(a.sim.baseUrl, 'slow=1000ms')));
      const wortenActions = (await Promise.all(worten.map((a) => queueAccepts(f.store, a.account)))).flat();
      expect(wortenActions.length).toBeGreaterThan(20);

      // The victim: a daemon polling a Cdiscount account while it has an accept in flight.
      let victim: { pid: number; polling: string[]; sending: string[] } | undefined;
      await waitFor(async () => {
        // A held poll lease with a running run is a poll in progress (a lease alone may be a freshness check).
        const leases = await f.sql<{ name: string; owner: string }>(
          `SELECT l.name, l.owner FROM leases l WHERE l.name LIKE 'poll:cdiscount-%' AND l.expires_at > now()
             AND EXISTS (SELECT 1 FROM sync_runs r WHERE r.account = substr(l.name, 6) AND r.state = 'running')`,
        );
        const sending = await f.sql<{ id: string; lease_owner: string }>(`SELECT id, lease_owner FROM actions WHERE state = 'sending' AND lease_owner IS NOT NULL`);
        for (const lease of leases) {
          const pid = ownerPid(lease.owner);
          const mine = sending.filter((s) => ownerPid(s.lease_owner) === pid).map((s) => s.id);
          if (mine.length > 0) victim = { pid, polling: leases.filter((l) => ownerPid(l.owner) === pid).map((l) => l.name.slice('poll:'.length)), sending: mine };
        }
        return victim !== undefined;
      }, 60_000, 'a daemon polling Cdiscount while sending an accept');
      const dead = daemons.find((d) => d.child.pid === victim!.pid)!;
      dead.child.kill('SIGKILL');
      expect((await dead.exited).signal).toBe('SIGKILL');
      const killedAt = new Date().toISOString();
      await Promise.all(f.accounts.map((a) => adminSetFaults(a.sim.baseUrl, '')));

      // The survivors take over: every account synced, every Worten accept settled.
      await waitFor(async () => (await Promise.all(cdiscount.map(synced))).every(Boolean), 60_000, 'the Cdiscount accounts to be synced');
      const wortenIds = wortenActions.map((a) => a.id);
      await waitFor(async () => (await settled(f, wortenIds)).length === wortenIds.length, 60_000, 'the Worten accepts to settle');
      const cdiscountActions = (await Promise.all(cdiscount.map((a) => queueAccepts(f.store, a.account)))).flat();
      expect(cdiscountActions.length).toBeGreaterThan(0);
      const cdiscountIds = cdiscountActions.map((a) => a.id);
      await waitFor(async () => (await settled(f, cdiscountIds)).length === cdiscountIds.length, 60_000, 'the Cdiscount accepts to settle');

      const survivors = daemons.filter(alive);
      expect(survivors).toHaveLength(2);
      for (const d of survivors) d.child.kill('SIGTERM');
      for (const d of survivors) expect((await d.exited).code, d.stderr()).toBe(0);

      // Every action succeeded, including those the dead daemon held mid-send.
      const actions = [...(await settled(f, wortenIds)), ...(await settled(f, cdiscountIds))];
      expect(actions.filter((a) => a.state !== 'succeeded').map((a) => [a.id, a.state, a.error])).toEqual([]);
      expect(victim!.sending.every((id) => actions.some((a) => a.id === id && a.state === 'succeeded'))).toBe(true);
      // ...and went out once: one accepting call per accepted order, none for any other order.
      for (const a of f.accounts) {
        const expected = new Map(actions.filter((x) => x.account === a.id).map((x) => [x.marketplace_order_id, 1]));
        expect(await acceptCalls(a), a.id).toEqual(expected);
      }

      // Mirakl's OR11 budget (one listing a minute per account) held across the daemons: each
      // Worten account was listed once, by whichever daemon got it first.
      for (const a of worten) {
        const listings = (await adminCalls(a.sim.baseUrl)).filter((c) => c.method === 'GET' && c.path === '/api/orders' && c.query.order_ids === undefined && Number(c.query.offset ?? 0) === 0);
        expect(listings, a.id).toHaveLength(1);
      }

      for (const a of f.accounts) {
        const runs = await allRuns(f, a.id);
        // No run is left "running", and no two runs of one account overlap in time.
        expect(runs.filter((r) => r.finished_at === undefined), a.id).toEqual([]);
        for (let i = 1; i < runs.length; i++) expect(runs[i]!.started_at >= runs[i - 1]!.finished_at!, `${a.id}: run ${i} overlaps the previous`).toBe(true);
        // Every order of every window the daemons covered is stored, once.
        const succeeded = runs.filter((r) => r.state === 'succeeded');
        expect(succeeded.length, a.id).toBeGreaterThan(0);
        const truth = new Set<string>();
        for (const r of succeeded) for (const id of await simulatorOrderIds(a, new Date(r.window_from), new Date(r.window_to))) truth.add(id);
        const stored = await allStoredIds(f.store, a.id);
        expect(stored.length, a.id).toBe(truth.size);
        expect(new Set(stored), a.id).toEqual(truth);
        const created = (await f.store.listEvents({ account: a.id, limit: 10_000 })).filter((e) => e.type === 'order.created');
        expect(created.length, a.id).toBe(truth.size);
      }

      // The dead daemon's polls were closed as abandoned and redone by the survivors after the kill.
      for (const id of victim!.polling) {
        const runs = await allRuns(f, id);
        expect(runs.some((r) => r.state === 'abandoned' && r.error_message?.startsWith('abandoned')), id).toBe(true);
        expect(runs.some((r) => r.state === 'succeeded' && r.started_at > killedAt), id).toBe(true);
      }
    }, 240_000);
  });
}
