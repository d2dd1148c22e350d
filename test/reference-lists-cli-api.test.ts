/**
 * An account's live lists from the outside: `orderwire lists ACCOUNT` and `orderwire lists
 * refresh ACCOUNT` against a Mirakl simulator (source and fetch time, the budget, a failure),
 * `orderwire describe`, GET /v1/channels/{id}?account= (the channel as the account sees it), the
 * action API refusing a withdrawn reason, and the failure metric.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type StartedSimulator } from '@orderwire/simulators';
import { runCli } from './helpers/cli-process.ts';
import { adminSetFaults } from './helpers/sim-admin.ts';
import { startApiHarness, type ApiHarness } from './helpers/api-server.ts';
import { refreshAccountLists } from '../engine/sync/reference-lists.ts';
import { silentLogger } from '../engine/log.ts';
import { line, order } from './helpers/store-orders.ts';

describe('orderwire lists', () => {
  let sim: StartedSimulator;
  let dir: string;
  let config: string;
  const env = (): Record<string, string> => ({ LISTS_TEST_KEY: sim.credentials.apiKey! });

  beforeAll(async () => {
    sim = await startSimulator('mirakl', { orders: 0, seed: 3, speed: 0 });
    dir = await mkdtemp(path.join(tmpdir(), 'orderwire-lists-'));
    config = path.join(dir, 'orderwire.yaml');
    await writeFile(config, `store: orders.sqlite\naccounts:\n  - id: w\n    channel: worten\n    base_url: ${sim.baseUrl}\n    credentials:\n      api_key: { env: LISTS_TEST_KEY }\n`);
  });
  afterAll(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('shows the file values until fetched, refreshes within the budget, keeps the list on failure', async () => {
    // Showing needs no credential: it reads the store.
    const before = await runCli(['lists', 'w', '--config', config, '--json'], { env: {} });
    expect(before.code, before.stderr).toBe(0);
    const shown = JSON.parse(before.stdout) as { lists: Array<{ list: string; values_from: string; fetched_at: string | null; live: unknown; values: Array<{ code: string }> }> };
    expect(shown.lists.map((l) => [l.list, l.values_from, l.fetched_at])).toEqual([['carriers', 'file', null], ['refund_reasons', 'file', null]]);
    expect(shown.lists[1]).toMatchObject({ live: { from: 'reasons', type: 'REFUND', refresh: 'P1D' } });

    const refreshed = await runCli(['lists', 'refresh', 'w', '--config', config], { env: env() });
    expect(refreshed.code, refreshed.stderr).toBe(0);
    expect(refreshed.stdout).toContain('carriers: fetched 7 values');
    expect(refreshed.stdout).toContain('refund_reasons: fetched 5 values');
    expect(refreshed.stdout).toMatch(/carriers \(carrier\): 7 values from the marketplace \(carriers\), fetched \d{4}-\d\d-\d\dT/);
    expect(refreshed.stdout).toContain('19 (Late delivery)');

    // Again at once: SH21's daily budget is spent (nothing sent), RE01 has none and is fetched.
    const again = await runCli(['lists', 'refresh', 'w', '--config', config, '--json'], { env: env() });
    expect(again.code, again.stderr).toBe(0);
    const outcome = JSON.parse(again.stdout) as { refresh: Array<{ list: string; outcome: string; next_at?: string }> };
    expect(outcome.refresh.map((o) => [o.list, o.outcome])).toEqual([['carriers', 'budget_spent'], ['refund_reasons', 'fetched']]);

    // A failing marketplace: exit 1, the failure shown, the last list kept.
    await adminSetFaults(sim.baseUrl, '5xx=1');
    try {
      const failed = await runCli(['lists', 'refresh', 'w', '--config', config], { env: env() });
      expect(failed.code, failed.stdout + failed.stderr).toBe(1);
      expect(failed.stdout).toMatch(/refund_reasons: refresh failed \(MARKETPLACE_UNAVAILABLE\): reference list reasons: GET \/api\/reasons: HTTP 5\d\d/);
      expect(failed.stdout).toMatch(/carriers: not refreshed: SH21 allows one request per P1D and that budget is spent for account w; next refresh at /);
      expect(failed.stdout).toMatch(/refund_reasons \(reason\): 5 values from the marketplace/);
      expect(failed.stdout).toContain('last refresh failed (1 in a row)');
    } finally {
      await adminSetFaults(sim.baseUrl, '');
    }

    // describe --account: the channel as the account sees it, from the store (no credential needed).
    const described = await runCli(['describe', 'worten', '--account', 'w', '--config', config, '--json'], { env: {} });
    expect(described.code, described.stderr).toBe(0);
    const d = JSON.parse(described.stdout) as { lists: Record<string, { values_from: string; account: string; fetched_at: string; items: unknown[] }> };
    expect(d.lists.refund_reasons).toMatchObject({ values_from: 'marketplace', account: 'w', items: expect.arrayContaining([{ code: '19', label: 'Late delivery', tracking_url: null }]) });
    expect(d.lists.refund_reasons!.fetched_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    const wrongChannel = await runCli(['describe', 'cdiscount', '--account', 'w', '--config', config], { env: {} });
    expect(wrongChannel.code).toBe(2);
    expect(wrongChannel.stderr).toContain('account w is on channel worten, not cdiscount');

    const usage = await runCli(['lists', 'nope', '--config', config], { env: {} });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('no account "nope" in the configuration (known: w)');
  }, 120_000);

  it('orderwire describe shows each list with its live source', async () => {
    const text = await runCli(['describe', 'worten'], { env: {} });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain("carriers (carrier, 5 values; live from carriers every P1D; the file's values until fetched)");
    expect(text.stdout).toContain('refund_reasons (reason, 4 values; live from reasons (REFUND) every P1D');
  }, 60_000);
});

describe('GET /v1/channels/{id}?account= and actions against the account lists', () => {
  let h: ApiHarness;
  let sim: StartedSimulator;
  beforeAll(async () => {
    h = await startApiHarness();
    sim = await startSimulator('mirakl', { orders: 0, seed: 3, speed: 0 });
    await fetch(`${sim.baseUrl}/_admin/reference-lists`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reasons: [{ code: '15', label: 'Out of stock', type: 'REFUND' }, { code: '19', label: 'Late delivery', type: 'REFUND' }] }),
    });
  });
  afterAll(async () => {
    await h.close();
    await sim.close();
  });

  it('describes the channel as the account sees it, and validates its actions against the same lists', async () => {
    const token = await h.token(['worten-pt', 'cd-fr']);
    const account = h.accounts.get('worten-pt')!;
    const { createConnector, loadPlatform } = await import('../engine/connector/declarative.ts');
    const connector = createConnector({ account: account.id, channel: account.channel, baseUrl: sim.baseUrl, credentials: { api_key: sim.credentials.apiKey! } }, await loadPlatform('mirakl'), { budgets: false });
    const fetchedAt = '2026-03-01T08:00:00.000Z';
    try {
      await refreshAccountLists({ store: h.store, connector, account, log: silentLogger(), now: () => new Date(fetchedAt) });
    } finally {
      await connector.close();
    }

    const plain = await h.call('GET', '/v1/channels/worten', { token });
    expect(plain.body.lists.refund_reasons).toMatchObject({ values_from: 'file', account: null, fetched_at: null, source: expect.stringContaining('RE01'), live: { from: 'reasons', type: 'REFUND', refresh: 'P1D' } });
    const seen = await h.call('GET', '/v1/channels/worten?account=worten-pt', { token });
    expect(seen.status).toBe(200);
    expect(seen.body.lists.refund_reasons).toMatchObject({ values_from: 'marketplace', account: 'worten-pt', fetched_at: fetchedAt, items: [{ code: '15' }, { code: '19' }] });
    expect(seen.body.actions.refund.by_status.shipped.fields.find((f: { name: string }) => f.name === 'reason').values.items.map((v: { code: string }) => v.code)).toEqual(['15', '19']);
    expect(seen.body.lists.carriers.items.map((v: { code: string }) => v.code)).toContain('SEUR');

    expect(await h.call('GET', '/v1/channels/worten?account=worten-es', { token })).toMatchObject({ status: 404, body: { code: 'ACCOUNT_NOT_FOUND' } });
    expect(await h.call('GET', '/v1/channels/worten?account=cd-fr', { token })).toMatchObject({ status: 404, body: { code: 'ACCOUNT_NOT_FOUND' } });

    // The action API validates against the account's list: 16 was withdrawn, 19 is the instance's.
    const shipped = order('W-1', { status: 'shipped', marketplace_status: 'SHIPPED', lines: [line('L1', 'shipped', 'SHIPPED')] });
    await h.store.commitOrders([shipped]);
    const stored = await h.store.getOrder('worten-pt', 'worten', 'W-1');
    const denied = await h.call('POST', `/v1/orders/${stored!.id}/actions`, { token, body: { action: 'refund', data: { reason: '16' } } });
    expect(denied.status).toBe(422);
    expect(JSON.stringify(denied.body)).toContain('ACTION_FIELD_VALUE_NOT_ALLOWED');
    expect(JSON.stringify(denied.body)).toContain('valid values: 15 (Out of stock), 19 (Late delivery)');
    expect((await h.call('POST', `/v1/orders/${stored!.id}/actions`, { token, body: { action: 'refund', data: { reason: '19' } } })).status).toBe(202);
  });

  it('counts failed refreshes and shows the age of each list in /metrics', async () => {
    h.metrics.listFailures.inc({ account: 'worten-pt', list: 'carriers', code: 'MARKETPLACE_UNAVAILABLE' });
    const metrics = await h.metrics.render();
    expect(metrics.body).toContain('orderwire_reference_list_failures_total{account="worten-pt",list="carriers",code="MARKETPLACE_UNAVAILABLE"} 1');
    expect(metrics.body).toMatch(/orderwire_reference_list_age_seconds\{account="worten-pt",list="refund_reasons"\} \d+/);
  });
});
