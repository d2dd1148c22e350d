/**
 * The /v1 routes an operator screen needs, over real HTTP against a real SQLite store: account
 * health, the order search by marketplace id, channel documentation, channel-file validation and
 * the action check, and the live stream (Server-Sent Events read with fetch, as the console does).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accountHealth } from '../engine/api/account-health.ts';
import { CHANNELS_DIR } from '../engine/channel/platforms.ts';
import { AccountActivity } from '../engine/sync/activity.ts';
import { OrderwireError } from '../engine/errors.ts';
import type { SyncRun } from '../engine/store/store.ts';
import { startApiHarness, type ApiHarness } from './helpers/api-server.ts';
import { order } from './store-suite.ts';

const NOW = new Date('2025-03-01T12:00:00.000Z');
const ago = (seconds: number): string => new Date(NOW.getTime() - seconds * 1000).toISOString();
const run = (state: SyncRun['state'], finishedSecondsAgo: number, error?: string): SyncRun => ({
  id: `r${finishedSecondsAgo}`, account: 'a', channel: 'worten', kind: 'incremental', window_from: ago(900), window_to: ago(60),
  started_at: ago(finishedSecondsAgo + 5), state, pages: 1, orders: 3, requests: 1, errors: state === 'failed' ? 1 : 0, quarantined: 0,
  ...(state !== 'running' && { finished_at: ago(finishedSecondsAgo) }), ...(error && { error_message: error }),
});

describe('account health (pure)', () => {
  const base = { enabled: true, pollEveryMs: 60_000, cursorAt: ago(70), activity: null, now: NOW };

  it('is healthy after a recent successful poll, with the lag of the data', () => {
    expect(accountHealth({ ...base, runs: [run('succeeded', 10)] })).toMatchObject({ state: 'healthy', red: false, lag_seconds: 70, last_successful_sync_at: ago(10), consecutive_failures: 0, last_error: null });
  });

  it('is failing (red) when the latest polls failed, counting them, and healthy again after a success', () => {
    const failing = accountHealth({ ...base, runs: [run('failed', 10, '503 from marketplace'), run('failed', 70, '503'), run('succeeded', 130)] });
    expect(failing).toMatchObject({ state: 'failing', red: true, consecutive_failures: 2, last_error: { message: '503 from marketplace' } });
    expect(failing.reasons[0]).toMatch(/2 polls in a row failed: 503 from marketplace/);
    expect(accountHealth({ ...base, runs: [run('succeeded', 5), run('failed', 10, 'x')] })).toMatchObject({ state: 'healthy', last_error: { message: 'x' } });
  });

  it('is blocked (red) when the marketplace rate-limited the last poll or a budget wait outlasts the poll period', () => {
    const activity = new AccountActivity(() => NOW);
    activity.pollFinished('a', new OrderwireError('MARKETPLACE_UNAVAILABLE', 'HTTP 429 Too Many Requests', { status: 429 }));
    expect(accountHealth({ ...base, runs: [run('succeeded', 120)], activity: activity.snapshot('a') })).toMatchObject({ state: 'blocked', red: true, last_error: { code: 'MARKETPLACE_UNAVAILABLE', status: 429 } });
    const waiting = new AccountActivity(() => NOW);
    waiting.budgetWait('a', { endpoint: 'list_orders', waitMs: 30_000 });
    expect(accountHealth({ ...base, runs: [run('succeeded', 10)], activity: waiting.snapshot('a') }).state).toBe('healthy');
    waiting.budgetWait('a', { endpoint: 'list_orders', waitMs: 120_000, shared: true });
    const blocked = accountHealth({ ...base, runs: [run('succeeded', 10)], activity: waiting.snapshot('a') });
    expect(blocked).toMatchObject({ state: 'blocked', red: true });
    expect(blocked.reasons[0]).toMatch(/list_orders request budget .*other daemons/);
  });

  it('is lagging (red) when the data is older than three poll periods, syncing during the first poll, and disabled when off', () => {
    expect(accountHealth({ ...base, cursorAt: ago(600), runs: [run('succeeded', 10)] })).toMatchObject({ state: 'lagging', red: true });
    const activity = new AccountActivity(() => NOW);
    expect(accountHealth({ ...base, cursorAt: undefined, runs: [] })).toMatchObject({ state: 'never_synced', red: false, lag_seconds: null });
    activity.pollStarted('a');
    expect(accountHealth({ ...base, cursorAt: undefined, runs: [run('running', 0)], activity: activity.snapshot('a') })).toMatchObject({ state: 'syncing', red: false });
    expect(accountHealth({ ...base, enabled: false, runs: [run('failed', 10, 'x')] })).toMatchObject({ state: 'disabled', red: false });
  });
});

describe('operator routes', () => {
  let h: ApiHarness;
  let pt: string;
  let all: string;
  let activity: AccountActivity;
  beforeEach(async () => {
    activity = new AccountActivity();
    h = await startApiHarness({ activity, rateLimit: { max: 1000, timeWindowMs: 60_000 }, stream: { intervalMs: 50, recheckMs: 100, maxPerToken: 2 } });
    pt = await h.token(['worten-pt']);
    all = await h.token(['worten-pt', 'worten-es', 'cd-fr']);
  });
  afterEach(async () => {
    await h.close();
  });

  describe('GET /v1/accounts', () => {
    it('lists the token\'s accounts with health, last run and error, next poll, orders by status and actions by state', async () => {
      await h.store.commitOrders([order('A1'), order('A2'), order('A3', { status: 'shipped', marketplace_status: 'SHIPPED' }), order('E1', { account: 'worten-es' })]);
      await h.store.enqueueAction({ idempotency_key: 'k1', request: { channel: 'worten', account: 'worten-pt', marketplace_order_id: 'A1', action: 'accept', status: 'waiting_acceptance', lines: null, data: {} } });
      const base = { channel: 'worten', window_from: '2025-03-01T09:00:00Z', window_to: '2025-03-01T10:00:00Z', started_at: new Date().toISOString() };
      const ok = await h.store.startRun({ ...base, account: 'worten-pt', kind: 'incremental' });
      await h.store.finishRun(ok.id, { state: 'succeeded', pages: 1, orders: 3, requests: 1, errors: 0 });
      await h.store.setCursor('worten-pt', 'worten', 'incremental', new Date(Date.now() - 30_000).toISOString());
      const bad = await h.store.startRun({ ...base, account: 'worten-es', kind: 'incremental' });
      await h.store.finishRun(bad.id, { state: 'failed', pages: 0, orders: 0, requests: 3, errors: 1, error_message: 'HTTP 503 from the marketplace' });
      activity.pollScheduled('worten-pt', 45_000);

      const mine = await h.call('GET', '/v1/accounts', { token: pt });
      expect(mine.status).toBe(200);
      expect(mine.body.items).toHaveLength(1);
      const [pt0] = mine.body.items;
      expect(pt0).toMatchObject({
        id: 'worten-pt', channel: 'worten', channel_name: expect.any(String), enabled: true, poll_every_seconds: 300, polling: false, budget_wait: null,
        health: { state: 'healthy', red: false, consecutive_failures: 0, last_error: null },
        last_run: { id: ok.id, state: 'succeeded', orders: 3 },
        orders_by_status: { waiting_acceptance: 2, shipped: 1 }, orders_total: 3,
        actions_by_state: { queued: 1 },
      });
      expect(pt0.health.lag_seconds).toBeGreaterThanOrEqual(29);
      expect(Date.parse(pt0.next_poll_at) - Date.now()).toBeGreaterThan(30_000);

      const every = await h.call('GET', '/v1/accounts', { token: all });
      expect(every.body.items.map((a: { id: string }) => a.id)).toEqual(['worten-pt', 'worten-es', 'cd-fr']);
      expect(every.body.items[1]).toMatchObject({ health: { state: 'failing', red: true, last_error: { message: 'HTTP 503 from the marketplace' } }, orders_total: 1 });
      expect(every.body.items[2]).toMatchObject({ health: { state: 'never_synced', red: false }, next_poll_at: null, orders_by_status: {}, actions_by_state: {} });
    });

    it('answers one account, and 404 for an account outside the token or not configured', async () => {
      expect(await h.call('GET', '/v1/accounts/worten-pt', { token: pt })).toMatchObject({ status: 200, body: { id: 'worten-pt' } });
      expect(await h.call('GET', '/v1/accounts/worten-es', { token: pt })).toMatchObject({ status: 404, body: { code: 'ACCOUNT_NOT_FOUND' } });
      expect(await h.call('GET', '/v1/accounts/nope', { token: all })).toMatchObject({ status: 404, body: { code: 'ACCOUNT_NOT_FOUND' } });
      expect((await h.call('GET', '/v1/accounts')).status).toBe(401);
    });
  });

  it('finds orders by their marketplace id within the token\'s accounts', async () => {
    await h.store.commitOrders([order('A1'), order('A2'), order('A1', { account: 'worten-es' })]);
    const found = await h.call('GET', '/v1/orders?marketplace_order_id=A1', { token: pt });
    expect(found.body.items.map((o: { account: string }) => o.account)).toEqual(['worten-pt']);
    expect((await h.call('GET', '/v1/orders?marketplace_order_id=A1', { token: all })).body.items).toHaveLength(2);
    expect((await h.call('GET', '/v1/orders?marketplace_order_id=', { token: all })).status).toBe(400);
  });

  describe('channel files', () => {
    it('serves a channel\'s documentation, its Mermaid diagram and its file', async () => {
      const doc = await h.call('GET', '/v1/channels/cdiscount/doc', { token: pt });
      expect(doc.status).toBe(200);
      expect(doc.body.markdown).toContain('```mermaid\n' + doc.body.mermaid);
      expect(doc.body.mermaid).toMatch(/^stateDiagram-v2/);
      expect(doc.body.source).toBe(await readFile(path.join(CHANNELS_DIR, 'cdiscount.yaml'), 'utf8'));
      expect(await h.call('GET', '/v1/channels/nope/doc', { token: pt })).toMatchObject({ status: 404, body: { code: 'CHANNEL_NOT_FOUND' } });
    });

    it('validates a channel text: a valid file comes back described and documented, a broken one with located findings', async () => {
      const source = await readFile(path.join(CHANNELS_DIR, 'worten.yaml'), 'utf8');
      const valid = await h.call('POST', '/v1/channel-files/validate', { token: pt, body: { source } });
      expect(valid).toMatchObject({ status: 200, body: { valid: true, errors: 0, description: { id: 'worten' }, markdown: expect.stringContaining('stateDiagram-v2'), mermaid: expect.stringMatching(/^stateDiagram-v2/) } });

      const lines = source.split('\n');
      const at = lines.findIndex((l) => /^\s+waiting_acceptance: \[WAITING_ACCEPTANCE\]/.test(l));
      expect(at).toBeGreaterThan(0);
      lines[at] = lines[at]!.replace('waiting_acceptance:', 'waiting_acceptanse:');
      const broken = await h.call('POST', '/v1/channel-files/validate', { token: pt, body: { source: lines.join('\n'), file: 'worten.yaml' } });
      expect(broken.status).toBe(200);
      expect(broken.body).toMatchObject({ valid: false, description: null, markdown: null, mermaid: null });
      const here = broken.body.findings.find((f: { line: number }) => f.line === at + 1);
      expect(here).toMatchObject({ severity: 'error', code: expect.stringMatching(/^[A-Z_]+$/), column: expect.any(Number), pointer: expect.any(String) });
      expect(JSON.stringify(broken.body.findings)).toContain('waiting_acceptance');

      const yaml = await h.call('POST', '/v1/channel-files/validate', { token: pt, body: { source: 'id: x\nname: [unclosed\n' } });
      expect(yaml.body).toMatchObject({ valid: false, findings: [{ line: expect.any(Number), severity: 'error' }] });
      expect((await h.call('POST', '/v1/channel-files/validate', { token: pt, body: { source: 'x', extra: 1 } })).body.errors).toEqual([{ field: '/body/extra', code: 'SCHEMA_UNKNOWN_KEY', message: 'unknown field' }]);
    });

    it('checks an action like `orderwire check`, on a loaded channel or a posted text', async () => {
      const denied = await h.call('POST', '/v1/check', { token: pt, body: { channel: 'cdiscount', status: 'waiting_shipment', action: 'ship', data: { carrier: 'Pigeon Post', tracking_number: 'X1' } } });
      expect(denied).toMatchObject({ status: 200, body: { allowed: false, status: 'waiting_shipment', request: null, errors: [{ code: 'ACTION_FIELD_VALUE_NOT_ALLOWED', field: 'data.carrier' }] } });
      expect(denied.body.allowed_in).toContain('waiting_shipment');
      const allowed = await h.call('POST', '/v1/check', { token: pt, body: { channel: 'cdiscount', status: 'waiting_shipment', action: 'ship', data: { carrier: 'UPS', tracking_number: 'X1' } } });
      expect(allowed.body).toMatchObject({ allowed: true, errors: [], request: { action: 'ship', data: { tracking_number: 'X1' } } });

      const source = await readFile(path.join(CHANNELS_DIR, 'worten.yaml'), 'utf8');
      const fromText = await h.call('POST', '/v1/check', { token: pt, body: { source, marketplace_status: 'SHIPPING', action: 'accept' } });
      expect(fromText.body).toMatchObject({ allowed: false, status: 'waiting_shipment', errors: [{ code: 'ACTION_NOT_ALLOWED_IN_STATUS' }] });
      expect(await h.call('POST', '/v1/check', { token: pt, body: { source: 'id: [', status: 'shipped', action: 'accept' } })).toMatchObject({ status: 422, body: { code: 'CHANNEL_INVALID', errors: [{ field: '/body/source' }] } });
      expect(await h.call('POST', '/v1/check', { token: pt, body: { channel: 'cdiscount', source, status: 'shipped', action: 'accept' } })).toMatchObject({ status: 400, body: { code: 'API_REQUEST_INVALID' } });
      expect(await h.call('POST', '/v1/check', { token: pt, body: { channel: 'cdiscount', action: 'accept' } })).toMatchObject({ status: 400, body: { errors: [{ field: '/body/status' }] } });
      expect(await h.call('POST', '/v1/check', { token: pt, body: { channel: 'cdiscount', status: 'teleported', action: 'accept' } })).toMatchObject({ status: 400, body: { errors: [{ field: '/body/status', code: 'SCHEMA_INVALID_VALUE' }] } });
      expect(await h.call('POST', '/v1/check', { token: pt, body: { channel: 'cdiscount', marketplace_status: 'shipped', action: 'accept' } })).toMatchObject({ status: 400, body: { errors: [{ field: '/body/marketplace_status' }] } });
      expect(await h.call('POST', '/v1/check', { token: pt, body: { channel: 'nope', status: 'shipped', action: 'accept' } })).toMatchObject({ status: 404, body: { code: 'CHANNEL_NOT_FOUND' } });
    });
  });

  describe('GET /v1/stream', () => {
    interface Frame { id?: string; event: string; data: unknown }

    /** Reads server-sent events with fetch (as the console does) until `until` is satisfied. */
    async function stream(token: string, until: (frames: Frame[]) => boolean, options: { lastEventId?: string; onOpen?: () => Promise<void> } = {}): Promise<Frame[]> {
      const controller = new AbortController();
      const res = await fetch(`${h.url}/v1/stream`, { headers: { authorization: `Bearer ${token}`, ...(options.lastEventId && { 'last-event-id': options.lastEventId }) }, signal: controller.signal });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      const frames: Frame[] = [];
      let buffer = '';
      let opened = false;
      const deadline = Date.now() + 5_000;
      try {
        while (Date.now() < deadline) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let cut: number;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            const fields = Object.fromEntries(block.split('\n').filter((l) => !l.startsWith(':') && l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
            if (fields.event) frames.push({ event: fields.event, data: JSON.parse(fields.data ?? 'null'), ...(fields.id && { id: fields.id }) });
          }
          if (!opened && frames.some((f) => f.event === 'ready')) {
            opened = true;
            await options.onOpen?.();
          }
          if (until(frames)) return frames;
        }
        return frames;
      } finally {
        controller.abort();
      }
    }

    it('streams new order events of the token\'s accounts and action state changes, and resumes after Last-Event-ID', async () => {
      await h.store.commitOrders([order('OLD')]);
      const frames = await stream(pt, (f) => f.filter((x) => x.event === 'action').length >= 2, {
        onOpen: async () => {
          await h.store.commitOrders([order('N1'), order('E1', { account: 'worten-es' })]);
          await h.store.commitOrders([order('N1', { status: 'accepted', marketplace_status: 'ACCEPTED', updated_at: '2025-03-01T11:00:00Z' })]);
          const { action } = await h.store.enqueueAction({ idempotency_key: 'k1', request: { channel: 'worten', account: 'worten-pt', marketplace_order_id: 'N1', action: 'accept', status: 'waiting_acceptance', lines: null, data: {} } });
          await new Promise((r) => setTimeout(r, 150));
          await h.store.cancelAction(action.id);
        },
      });
      const orders = frames.filter((f) => f.event === 'order');
      expect(orders.map((f) => [(f.data as { marketplace_order_id: string }).marketplace_order_id, (f.data as { type: string }).type])).toEqual([['N1', 'order.created'], ['N1', 'order.status_changed']]);
      expect(orders.every((f) => /^o\d+$/.test(f.id!))).toBe(true);
      expect(orders[1]!.data).toMatchObject({ account: 'worten-pt', from_status: 'waiting_acceptance', to_status: 'accepted', order_id: expect.any(String) });
      expect(frames.filter((f) => f.event === 'action').map((f) => (f.data as { state: string }).state)).toEqual(['queued', 'canceled']);
      expect(frames.find((f) => f.event === 'action')!.data).toMatchObject({ action: 'accept', marketplace_order_id: 'N1', order_id: (orders[0]!.data as { order_id: string }).order_id });

      const resumed = await stream(pt, (f) => f.some((x) => x.event === 'order'), { lastEventId: orders[0]!.id! });
      expect(resumed.filter((f) => f.event === 'order').map((f) => f.id)).toEqual([orders[1]!.id]);
    });

    it('limits streams per token and ends the streams of a revoked token', async () => {
      const first = new AbortController();
      const second = new AbortController();
      const open = (c: AbortController): Promise<Response> => fetch(`${h.url}/v1/stream`, { headers: { authorization: `Bearer ${pt}` }, signal: c.signal });
      const [a, b] = [await open(first), await open(second)];
      expect([a.status, b.status]).toEqual([200, 200]);
      const third = await fetch(`${h.url}/v1/stream`, { headers: { authorization: `Bearer ${pt}` } });
      expect(third.status).toBe(429);
      expect(await third.json()).toMatchObject({ code: 'API_STREAM_LIMIT' });
      second.abort();
      await new Promise((r) => setTimeout(r, 100));
      const fourth = new AbortController();
      expect((await open(fourth)).status).toBe(200);
      fourth.abort();

      const [record] = (await h.store.listApiTokens()).filter((t) => t.accounts.length === 1);
      await h.store.revokeApiToken(record!.id);
      const text = await a.text();
      expect(text).toContain('event: error');
      expect(text).toContain('API_TOKEN_INVALID');
      first.abort();
    });

    it('needs a token like every /v1 route, and closing the server ends open streams', async () => {
      expect((await fetch(`${h.url}/v1/stream`)).status).toBe(401);
      const res = await fetch(`${h.url}/v1/stream`, { headers: { authorization: `Bearer ${all}` } });
      const body = res.text();
      await h.app.close();
      expect(await body).toContain('event: ready');
    });
  });
});
