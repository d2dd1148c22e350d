/**
 * Webhook destinations (SSRF): a token cannot have orderwire POST to the daemon's own machine or
 * network. Registration refuses every internal target, whatever form its address is written in;
 * each delivery checks the destination again and connects to the address it checked (a name that
 * re-points to loopback after registration reaches nothing); the operator's allow-list lets
 * on-premise receivers in; URLs are stored normalized; a token holds a limited number of endpoints.
 * Names resolve through a table (no DNS query leaves the machine) and nothing is ever sent to an
 * address that is not loopback.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../engine/log.ts';
import { DestinationPolicy, nonPublicReason, type HostLookup } from '../engine/webhooks/destination.ts';
import { WebhookDispatcher } from '../engine/webhooks/dispatcher.ts';
import { offlineLookup, startApiHarness, TEST_SECRET_KEY, type ApiHarness } from './helpers/api-server.ts';
import { order } from './store-suite.ts';

/** A public address no test ever sends to: every test that registers it delivers nothing. */
const PUBLIC = '93.184.216.34';

const names = offlineLookup({
  'erp.example.com': [PUBLIC],
  'internal.corp.example': ['10.1.2.3'],
  'mixed.example.com': [PUBLIC, '192.168.0.10'],
  'metadata.example.com': ['169.254.169.254'],
  'v6.example.com': ['2606:2800:220:1:248:1893:25c8:1946'],
  'ula.example.com': ['fd00:ec2::254'],
});

async function startReceiver(): Promise<{ port: number; hits: Array<{ host: string | undefined; body: string }>; close(): Promise<void> }> {
  const hits: Array<{ host: string | undefined; body: string }> = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      hits.push({ host: req.headers.host, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, hits, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('webhook destinations at registration', () => {
  let h: ApiHarness;
  let token: string;
  beforeEach(async () => {
    h = await startApiHarness({ lookup: names });
    token = await h.token(['worten-pt']);
  });
  afterEach(() => h.close());

  it('refuses loopback, private, link-local, unique-local, multicast, unspecified and reserved targets in every spelling', async () => {
    const forbidden = [
      'http://127.0.0.1:8080/hook', 'http://localhost/hook', 'http://LOCALHOST./hook', 'http://[::1]:9/hook', 'http://2130706433/hook', 'http://0x7f.0.0.1/hook',
      'http://0177.0.0.1/hook', 'http://127.1/hook', 'http://0/hook', 'http://0.0.0.0/hook', 'http://[::]/hook', 'http://[::ffff:127.0.0.1]/hook',
      'http://[::ffff:10.0.0.1]/hook', 'http://169.254.169.254/latest/meta-data/', 'http://[fd00:ec2::254]/latest', 'http://[fe80::1]/hook',
      'http://10.0.0.5/hook', 'http://172.16.3.4/hook', 'http://192.168.1.1/hook', 'http://100.64.0.1/hook', 'http://224.0.0.1/hook',
      'http://255.255.255.255/hook', 'http://198.18.0.1/hook', 'http://[2001:db8::1]/hook', 'http://[64:ff9b::a00:1]/hook', 'http://[2002:a00:1::]/hook',
      'https://internal.corp.example/hook', 'https://mixed.example.com/hook', 'https://metadata.example.com/hook', 'https://ula.example.com/hook',
    ];
    for (const url of forbidden) {
      const res = await h.call('POST', '/v1/webhooks', { token, body: { url } });
      expect(res.status, url).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body, url).toMatchObject({ code: 'WEBHOOK_DESTINATION_FORBIDDEN', errors: [{ field: '/body/url', code: 'WEBHOOK_DESTINATION_FORBIDDEN' }] });
    }
    const unresolvable = await h.call('POST', '/v1/webhooks', { token, body: { url: 'https://nowhere.invalid/hook' } });
    expect(unresolvable).toMatchObject({ status: 400, body: { code: 'WEBHOOK_URL_UNRESOLVABLE', errors: [{ field: '/body/url' }] } });
    expect(await h.store.listWebhookEndpoints()).toEqual([]);
  });

  it('accepts public destinations and stores the URL normalized', async () => {
    const res = await h.call('POST', '/v1/webhooks', { token, body: { url: 'HTTPS://ERP.Example.COM:443/a/../hooks/%7Eorderwire?x=1#fragment' } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.url).toBe('https://erp.example.com/hooks/%7Eorderwire?x=1');
    expect((await h.store.getWebhookEndpoint(res.body.id))!.url).toBe('https://erp.example.com/hooks/%7Eorderwire?x=1');
    expect((await h.call('POST', '/v1/webhooks', { token, body: { url: 'https://v6.example.com/hook' } })).status).toBe(201);
    expect((await h.call('POST', '/v1/webhooks', { token, body: { url: `http://${PUBLIC}:8443/hook` } })).status).toBe(201);
  });

  it('caps the live endpoints of a token (409 WEBHOOK_LIMIT_REACHED); deleting one makes room, other tokens are not affected', async () => {
    await h.close();
    h = await startApiHarness({ lookup: names, maxEndpointsPerToken: 2 });
    token = await h.token(['worten-pt']);
    const register = (t: string) => h.call('POST', '/v1/webhooks', { token: t, body: { url: 'https://erp.example.com/hook' } });
    const first = await register(token);
    expect((await register(token)).status).toBe(201);
    const third = await register(token);
    expect(third).toMatchObject({ status: 409, body: { code: 'WEBHOOK_LIMIT_REACHED' } });
    expect(third.headers.get('content-type')).toContain('application/problem+json');
    expect((await register(await h.token(['worten-pt']))).status).toBe(201);
    expect((await h.call('DELETE', `/v1/webhooks/${first.body.id}`, { token })).status).toBe(204);
    expect((await register(token)).status).toBe(201);
    expect((await register(token)).status).toBe(409);
  });
});

describe('the operator allow-list', () => {
  it('lets in on-premise receivers by host name, wildcard, address or range, and nothing else', async () => {
    const h = await startApiHarness({ lookup: offlineLookup({ 'erp.corp.example': ['10.1.2.3'], 'wms.corp.example': ['10.9.9.9'], 'other.example': ['10.20.5.5'] }), allowedDestinations: ['erp.corp.example', '*.corp.example', '10.20.0.0/16', '127.0.0.1', 'fd00::/8'] });
    try {
      const token = await h.token(['worten-pt']);
      for (const url of ['https://erp.corp.example/h', 'https://wms.corp.example/h', 'http://10.20.30.40/h', 'https://other.example/h', 'http://127.0.0.1:9/h', 'http://[fd00:ec2::254]/h']) {
        expect((await h.call('POST', '/v1/webhooks', { token, body: { url } })).status, url).toBe(201);
      }
      for (const url of ['http://127.0.0.2/h', 'http://10.21.0.1/h', 'http://[::1]/h', 'http://169.254.169.254/']) {
        expect((await h.call('POST', '/v1/webhooks', { token, body: { url } })).body.code, url).toBe('WEBHOOK_DESTINATION_FORBIDDEN');
      }
    } finally {
      await h.close();
    }
  });

  it('classifies with ipaddr.js: only global unicast addresses are public', () => {
    expect(nonPublicReason(PUBLIC)).toBeUndefined();
    expect(nonPublicReason('2606:2800:220:1:248:1893:25c8:1946')).toBeUndefined();
    expect(nonPublicReason('127.0.0.1')).toBe('a loopback address');
    expect(nonPublicReason('::ffff:192.168.1.1')).toBe('a private (RFC 1918) address');
    expect(nonPublicReason('169.254.169.254')).toBe('a link-local address');
    expect(nonPublicReason('fd00:ec2::254')).toBe('a unique-local address');
    expect(nonPublicReason('::7f00:1')).toMatch(/non-public/);
    expect(() => new DestinationPolicy({ allowed: ['not a host!'] })).toThrow(/neither a host name/);
  });
});

describe('webhook destinations at delivery', () => {
  let h: ApiHarness;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeEach(async () => {
    receiver = await startReceiver();
    h = await startApiHarness({ lookup: names });
  });
  afterEach(async () => {
    await h.close();
    await receiver.close();
  });

  const dispatch = (policy: DestinationPolicy): Promise<number> =>
    new WebhookDispatcher({ store: h.store, log: silentLogger(), owner: 'd', secretKey: TEST_SECRET_KEY, backoffMs: () => 0, policy }).runOnce();

  it('refuses an endpoint that points inside (stored before the policy, or by hand): nothing is sent, the log says why', async () => {
    const endpoint = await h.store.createWebhookEndpoint({ url: `http://127.0.0.1:${receiver.port}/hook`, accounts: ['worten-pt'], events: ['order.created'] });
    await h.store.commitOrders([order('A1')]);
    expect(await dispatch(new DestinationPolicy({ lookup: names }))).toBe(1);
    expect(receiver.hits).toEqual([]);
    const [delivery] = await h.store.listWebhookDeliveries(endpoint.id);
    expect(delivery).toMatchObject({ state: 'pending', attempts: 1 });
    expect(delivery!.last_status).toBeUndefined();
    expect(delivery!.last_error).toMatch(/^WEBHOOK_DESTINATION_FORBIDDEN: 127\.0\.0\.1 is a loopback address/);
  });

  it('checks the name again at each delivery: re-pointed to loopback after registration (DNS rebinding), it reaches nothing', async () => {
    let answers = 0;
    const rebinding: HostLookup = async () => [{ address: answers++ === 0 ? PUBLIC : '127.0.0.1', family: 4 }];
    await h.close();
    h = await startApiHarness({ lookup: rebinding });
    const token = await h.token(['worten-pt']);
    const created = await h.call('POST', '/v1/webhooks', { token, body: { url: `http://rebind.example.com:${receiver.port}/hook`, events: ['order.created'] } });
    expect(created.status).toBe(201);
    await h.store.commitOrders([order('A1')]);
    expect(await dispatch(new DestinationPolicy({ lookup: rebinding }))).toBe(1);
    expect(receiver.hits).toEqual([]);
    expect((await h.store.listWebhookDeliveries(created.body.id))[0]!.last_error).toMatch(/^WEBHOOK_DESTINATION_FORBIDDEN: rebind\.example\.com resolves to a loopback address/);
  });

  it('connects to the address it checked, with the URL\'s host name in the Host header', async () => {
    // hooks.test resolves only through the policy's table: the POST can reach the receiver only
    // through the pinned address, never through a lookup of its own.
    const table = offlineLookup({ 'hooks.test': ['127.0.0.1'] });
    const policy = new DestinationPolicy({ allowed: ['127.0.0.1'], lookup: table });
    const endpoint = await h.store.createWebhookEndpoint({ url: `http://hooks.test:${receiver.port}/hook`, accounts: ['worten-pt'], events: ['order.created'] });
    await h.store.commitOrders([order('A1')]);
    expect(await dispatch(policy)).toBe(1);
    expect(receiver.hits).toHaveLength(1);
    expect(receiver.hits[0]!.host).toBe(`hooks.test:${receiver.port}`);
    expect((await h.store.listWebhookDeliveries(endpoint.id))[0]).toMatchObject({ state: 'delivered', last_status: 204 });
  });
});
