/**
 * Action requests: the exact HTTP requests (method, path, body) every action of Worten (Mirakl)
 * and Cdiscount (Octopia) sends, built from the platform files' templates; then how sending them
 * to a real server ends, mapped onto the ActionOutcome union.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadChannel } from '../engine/channel/load.ts';
import type { Channel } from '../engine/channel/model.ts';
import { buildActionRequests } from '../engine/connector/actions.ts';
import type { Connector } from '../engine/connector/connector.ts';
import { createConnector, loadPlatform, parsePlatform, PLATFORMS_DIR, type Platform } from '../engine/connector/declarative.ts';
import { createNormalizer } from '../engine/connector/normalize.ts';
import type { NormalizedOrder } from '../engine/order/model.ts';
import type { ActionRequest } from '../engine/rules/request.ts';

const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(new URL(`fixtures/marketplace/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;

let worten: Channel;
let cdiscount: Channel;
let mirakl: Platform;
let octopia: Platform;
/** Mirakl's example order with a second line, in SHIPPING. */
let miraklOrder: NormalizedOrder;
/** Two-line Cdiscount order waiting for acceptance. */
let octopiaOrder: NormalizedOrder;

function normalized(channel: Channel, platform: Platform, raw: unknown): NormalizedOrder {
  const out = createNormalizer(channel, 'acct', platform.mapper)(raw);
  if (!('order' in out)) throw new Error(`fixture does not map: ${JSON.stringify(out)}`);
  return out.order;
}

beforeAll(async () => {
  [worten, cdiscount, mirakl, octopia] = await Promise.all([loadChannel('worten'), loadChannel('cdiscount'), loadPlatform('mirakl'), loadPlatform('octopia')]);
  const example = (fixture('mirakl/or11-business-example.json') as { orders: Array<Record<string, unknown>> }).orders[0]!;
  const line = (example.order_lines as Array<Record<string, unknown>>)[0]!;
  const second = { ...line, order_line_id: 'Order_00010-A-2', offer_sku: 'S3000', quantity: 1, price: 12.5, price_unit: 12.5, shipping_price: 2, taxes: [{ code: 'tax1', amount: 1.25, rate: 10 }], shipping_taxes: [{ code: 'tax1', amount: 0.2 }] };
  miraklOrder = normalized(worten, mirakl, { ...example, order_state: 'SHIPPING', order_lines: [{ ...line, order_line_state: 'SHIPPING' }, { ...second, order_line_state: 'SHIPPING' }] });
  octopiaOrder = normalized(cdiscount, octopia, fixture('octopia/order.json'));
});

function request(order: NormalizedOrder, action: ActionRequest['action'], data: ActionRequest['data'], extra: Partial<ActionRequest> = {}): ActionRequest {
  return { channel: order.channel, account: order.account, marketplace_order_id: order.marketplace_order_id, action, status: 'waiting_acceptance', lines: null, data, ...extra };
}

const UPS = { code: 'UPS', name: 'UPS', registered: true, tracking_url_template: 'https://wwwapps.ups.com/WebTracking/track?track=yes&trackNums={trackingId}' };
const PORTUGAL = { alpha2: 'PT', alpha3: 'PRT' };

describe('Mirakl (Worten) action requests', () => {
  const id = 'Order_00010-A';

  it('accept, every line: OR21 with every line accepted', () => {
    expect(buildActionRequests(mirakl, request(miraklOrder, 'accept', {}), miraklOrder)).toEqual([
      { endpoint: 'OR21', method: 'PUT', path: `/api/orders/${id}/accept`, body: { order_lines: [{ id: `${id}-1`, accepted: true }, { id: `${id}-2`, accepted: true }] }, idempotent: false },
    ]);
  });

  it('accept some lines from Portugal: OR07 for the accepted lines first, then OR21 refusing the others', () => {
    const req = request(miraklOrder, 'accept', { shipping_from_country: PORTUGAL }, { lines: [`${id}-2`], refused_lines: [`${id}-1`] });
    expect(buildActionRequests(mirakl, req, miraklOrder)).toEqual([
      { endpoint: 'OR07', method: 'PUT', path: '/api/orders/shipping_from', body: { order_lines: [{ id: `${id}-2`, shipping_from: { address: { country_iso_code: 'PRT' } } }] }, idempotent: false },
      { endpoint: 'OR21', method: 'PUT', path: `/api/orders/${id}/accept`, body: { order_lines: [{ id: `${id}-2`, accepted: true }, { id: `${id}-1`, accepted: false }] }, idempotent: false },
    ]);
  });

  it('refuse: OR21 with the lines refused', () => {
    expect(buildActionRequests(mirakl, request(miraklOrder, 'refuse', {}), miraklOrder)).toEqual([
      { endpoint: 'OR21', method: 'PUT', path: `/api/orders/${id}/accept`, body: { order_lines: [{ id: `${id}-1`, accepted: false }, { id: `${id}-2`, accepted: false }] }, idempotent: false },
    ]);
  });

  it('ship with a registered carrier: OR23 by carrier code, then OR24 without body', () => {
    const req = request(miraklOrder, 'ship', { tracking_number: '1Z999', carrier: UPS, tracking_url: 'https://ignored.example/1Z999' }, { status: 'waiting_shipment' });
    expect(buildActionRequests(mirakl, req, miraklOrder)).toEqual([
      { endpoint: 'OR23', method: 'PUT', path: `/api/orders/${id}/tracking`, body: { tracking_number: '1Z999', carrier_code: 'UPS' }, idempotent: true },
      { endpoint: 'OR24', method: 'PUT', path: `/api/orders/${id}/ship`, idempotent: false },
    ]);
  });

  it('ship with a free carrier: OR23 by name and URL', () => {
    const req = request(miraklOrder, 'ship', { tracking_number: 'CTT-42', carrier: { name: 'CTT Expresso', registered: false }, tracking_url: 'https://ctt.pt/track/CTT-42' }, { status: 'waiting_shipment' });
    expect(buildActionRequests(mirakl, req, miraklOrder)[0]).toEqual({
      endpoint: 'OR23',
      method: 'PUT',
      path: `/api/orders/${id}/tracking`,
      body: { tracking_number: 'CTT-42', carrier_name: 'CTT Expresso', carrier_url: 'https://ctt.pt/track/CTT-42' },
      idempotent: true,
    });
  });

  it('refund two lines with shipping and taxes: OR28, one refund per line, amount = price x quantity', () => {
    const req = request(miraklOrder, 'refund', { reason: { code: '15', label: 'Out of stock' }, refund_taxes: true, refund_shipping: true, refund_shipping_taxes: false }, { status: 'shipped' });
    expect(buildActionRequests(mirakl, req, miraklOrder)).toEqual([
      {
        endpoint: 'OR28',
        method: 'PUT',
        path: '/api/orders/refund',
        body: {
          order_tax_mode: 'TAX_EXCLUDED',
          refunds: [
            {
              order_line_id: `${id}-1`, amount: 165, quantity: 3, currency_iso_code: 'USD', reason_code: '15', shipping_amount: 8,
              taxes: [{ code: 'tax1', amount: 10 }, { code: 'tax2', amount: 10 }],
              shipping_taxes: [{ code: 'tax1', amount: 0 }, { code: 'tax2', amount: 0 }],
            },
            {
              order_line_id: `${id}-2`, amount: 12.5, quantity: 1, currency_iso_code: 'USD', reason_code: '15', shipping_amount: 2,
              taxes: [{ code: 'tax1', amount: 1.25 }],
              shipping_taxes: [{ code: 'tax1', amount: 0 }],
            },
          ],
        },
        idempotent: false,
      },
    ]);
  });

  it('refund one line without shipping nor taxes: taxes listed with 0', () => {
    const req = request(miraklOrder, 'refund', { reason: { code: '17', label: 'Damaged product' }, refund_taxes: false, refund_shipping: false, refund_shipping_taxes: false }, { status: 'shipped', lines: [`${id}-2`] });
    const [built] = buildActionRequests(mirakl, req, miraklOrder);
    expect(built?.body).toEqual({
      order_tax_mode: 'TAX_EXCLUDED',
      refunds: [{ order_line_id: `${id}-2`, amount: 12.5, quantity: 1, currency_iso_code: 'USD', reason_code: '17', shipping_amount: 0, taxes: [{ code: 'tax1', amount: 0 }], shipping_taxes: [{ code: 'tax1', amount: 0 }] }],
    });
  });

  it('cancel: OR29 (for Mirakl marketplaces that allow it)', () => {
    expect(buildActionRequests(mirakl, request(miraklOrder, 'cancel', {}), miraklOrder)).toEqual([
      { endpoint: 'OR29', method: 'PUT', path: `/api/orders/${id}/cancel`, idempotent: false },
    ]);
  });
});

describe('per_line: one request per targeted line (bol.com cancels one order item per request)', () => {
  const id = 'Order_00010-A';
  const perLine = (): Platform => {
    const text = readFileSync(`${PLATFORMS_DIR}/mirakl.yaml`, 'utf8').replace(
      '      path: /api/orders/${order.marketplace_order_id}/cancel\n',
      '      path: /api/orders/${order.marketplace_order_id}/lines/${line.id}/cancel\n      per_line: true\n      body: { quantity: "${line.quantity}", sku: "${line.raw.offer_sku}" }\n',
    );
    expect(text).toContain('per_line: true');
    return parsePlatform(text, 'mirakl.yaml');
  };

  it('sends one request per selected line, every line when none is named, with the line and its raw record in scope', () => {
    const platform = perLine();
    const all = buildActionRequests(platform, request(miraklOrder, 'cancel', {}), miraklOrder);
    expect(all.map((r) => r.path)).toEqual([`/api/orders/${id}/lines/${id}-1/cancel`, `/api/orders/${id}/lines/${id}-2/cancel`]);
    expect(all[1]).toMatchObject({ endpoint: 'OR29', method: 'PUT', body: { quantity: 1, sku: 'S3000' }, idempotent: false });
    const one = buildActionRequests(platform, request(miraklOrder, 'cancel', {}, { lines: [`${id}-2`] }), miraklOrder);
    expect(one.map((r) => r.path)).toEqual([`/api/orders/${id}/lines/${id}-2/cancel`]);
  });

  it('refuses `${line.x}` outside a per_line request, located', () => {
    const text = readFileSync(`${PLATFORMS_DIR}/mirakl.yaml`, 'utf8').replace('/api/orders/${order.marketplace_order_id}/cancel', '/api/orders/${line.id}/cancel');
    expect(() => parsePlatform(text, 'mirakl.yaml')).toThrow(/"line", which is not in scope here/);
  });
});

describe('Octopia (Cdiscount) action requests', () => {
  const id = '2611200900AB12';

  it('accept and refuse: approval-status', () => {
    expect(buildActionRequests(octopia, request(octopiaOrder, 'accept', {}), octopiaOrder)).toEqual([
      { endpoint: 'approval_status', method: 'POST', path: `/orders/${id}/approval-status`, body: { approval_status: 'Accepted' }, idempotent: false },
    ]);
    expect(buildActionRequests(octopia, request(octopiaOrder, 'refuse', {}), octopiaOrder)).toEqual([
      { endpoint: 'approval_status', method: 'POST', path: `/orders/${id}/approval-status`, body: { approval_status: 'Refused' }, idempotent: false },
    ]);
  });

  it('ship: one parcel in Octopia\'s published shape {parcelNumber, carrierName, trackingUrl, orderLineIds}, every line', () => {
    const req = request(octopiaOrder, 'ship', { tracking_number: '6A0001', carrier: { code: '14', name: 'Colissimo', registered: true }, tracking_url: 'https://www.laposte.fr/outils/suivre-vos-envois?code=6A0001' }, { status: 'waiting_shipment' });
    expect(buildActionRequests(octopia, req, octopiaOrder)).toEqual([
      {
        endpoint: 'shipments',
        method: 'POST',
        path: `/orders/${id}/shipments`,
        body: { parcelNumber: '6A0001', carrierName: 'Colissimo', trackingUrl: 'https://www.laposte.fr/outils/suivre-vos-envois?code=6A0001', orderLineIds: [`${id}-1`, `${id}-2`] },
        idempotent: false,
      },
    ]);
  });

  it('maps a Cdiscount line in CancelRequest (the customer asked to cancel it) as waiting_shipment: its order may still ship', () => {
    const raw = structuredClone(fixture('octopia/order.json')) as { status: string; lines: Array<{ status: string }> };
    raw.status = 'InPreparation';
    raw.lines.forEach((l, i) => (l.status = i === 0 ? 'InPreparation' : 'CancelRequest'));
    const mapped = normalized(cdiscount, octopia, raw);
    expect(mapped.status).toBe('waiting_shipment');
    expect(mapped.lines.map((l) => [l.marketplace_status, l.status])).toEqual([['InPreparation', 'waiting_shipment'], ['CancelRequest', 'waiting_shipment']]);
  });

  it('refund: a cancellation request with the reason of the status (reason when accepted, refund_reason later)', () => {
    const accepted = request(octopiaOrder, 'refund', { reason: { code: 'ProductStockUnavailable', label: 'Product out of stock' }, refund_shipping: true }, { status: 'accepted' });
    const shipped = request(octopiaOrder, 'refund', { refund_reason: { code: 'ClientClaim', label: 'Customer claim' }, refund_shipping: false }, { status: 'shipped' });
    expect(buildActionRequests(octopia, accepted, octopiaOrder)).toEqual([
      { endpoint: 'cancellation_requests', method: 'POST', path: `/orders/${id}/cancellation-requests`, body: { reasonCode: 'ProductStockUnavailable', refundShipping: true }, idempotent: false },
    ]);
    expect(buildActionRequests(octopia, shipped, octopiaOrder)[0]?.body).toEqual({ reasonCode: 'ClientClaim', refundShipping: false });
  });
});

describe('sending actions: outcomes', () => {
  const servers: FastifyInstance[] = [];
  const connectors: Connector[] = [];
  afterEach(async () => {
    await Promise.all(connectors.splice(0).map((c) => c.close()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  interface Seen {
    method: string;
    url: string;
    body: unknown;
    headers?: Record<string, unknown>;
  }

  async function miraklWith(handler: (seen: Seen, n: number) => { status: number; body?: unknown; delayMs?: number; headers?: Record<string, string> }, opts: Parameters<typeof createConnector>[2] = {}, platform: Platform = mirakl): Promise<{ connector: Connector; seen: Seen[] }> {
    const seen: Seen[] = [];
    const app = Fastify({ forceCloseConnections: true });
    app.all('/*', async (req, reply) => {
      const s = { method: req.method, url: req.url, body: req.body ?? null, headers: req.headers };
      seen.push(s);
      const r = handler(s, seen.length);
      if (r.delayMs) await sleep(r.delayMs);
      return reply.code(r.status).headers(r.headers ?? {}).send(r.body);
    });
    servers.push(app);
    const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
    const connector = createConnector({ account: 'w', channel: worten, baseUrl, credentials: { api_key: 'key-abcdef' } }, platform, { budgets: false, retry: { maxAttempts: 2, baseDelayMs: 5 }, ...opts });
    connectors.push(connector);
    return { connector, seen };
  }

  const ship = (): ActionRequest => request(miraklOrder, 'ship', { tracking_number: '1Z999', carrier: UPS }, { status: 'waiting_shipment' });

  it('succeeded: both requests sent in order, the marketplace answers kept', async () => {
    const { connector, seen } = await miraklWith(() => ({ status: 204 }));
    expect(await connector.sendAction(ship(), miraklOrder)).toEqual({ kind: 'succeeded', response: [{ endpoint: 'OR23', status: 204, body: null }, { endpoint: 'OR24', status: 204, body: null }] });
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(['PUT /api/orders/Order_00010-A/tracking', 'PUT /api/orders/Order_00010-A/ship']);
    expect(seen[0]?.body).toEqual({ tracking_number: '1Z999', carrier_code: 'UPS' });
  });

  it('sends the headers a request declares (they were validated, then dropped)', async () => {
    const text = readFileSync(`${PLATFORMS_DIR}/mirakl.yaml`, 'utf8').replace('    - endpoint: OR23\n      unless: ${request.parcels}\n      method: PUT\n', '    - endpoint: OR23\n      unless: ${request.parcels}\n      method: PUT\n      headers: { X-Request-Origin: orderwire-test }\n');
    expect(text).toContain('X-Request-Origin');
    const { connector, seen } = await miraklWith(() => ({ status: 204 }), {}, parsePlatform(text, 'mirakl.yaml'));
    expect(await connector.sendAction(ship(), miraklOrder)).toMatchObject({ kind: 'succeeded' });
    expect(seen.map((s) => s.headers?.['x-request-origin'])).toEqual(['orderwire-test', undefined]);
  });

  describe('process_status: an action answered 202 is followed until its process is final', () => {
    const asyncShip = (maxPolls = 5): Platform => {
      const text = readFileSync(`${PLATFORMS_DIR}/mirakl.yaml`, 'utf8').replace(
        '      path: /api/orders/${order.marketplace_order_id}/ship\n',
        `      path: /api/orders/\${order.marketplace_order_id}/ship\n      process_status: { endpoint: process-status, path: "/process/\${response.processStatusId}", status: status, succeeded: [SUCCESS], failed: [FAILURE, TIMEOUT], message: errorMessage, every: PT0.01S, max_polls: ${maxPolls} }\n`,
      );
      expect(text).toContain('process_status');
      return parsePlatform(text, 'mirakl.yaml');
    };
    const answer = (statuses: string[]) => (s: Seen): { status: number; body?: unknown } => {
      if (s.url.endsWith('/ship')) return { status: 202, body: { processStatusId: 'P-1', status: 'PENDING' } };
      if (s.url.startsWith('/process/')) return { status: 200, body: { processStatusId: 'P-1', status: statuses.shift() ?? 'PENDING', errorMessage: 'Order item 6107989317 already shipped' } };
      return { status: 204 };
    };

    it('succeeded only once the process says SUCCESS, polled at the path the 202 named', async () => {
      const { connector, seen } = await miraklWith(answer(['PENDING', 'PENDING', 'SUCCESS']), {}, asyncShip());
      const outcome = await connector.sendAction(ship(), miraklOrder);
      expect(outcome).toMatchObject({ kind: 'succeeded', response: [{ endpoint: 'OR23' }, { endpoint: 'OR24', status: 202 }, { endpoint: 'process-status', status: 200, body: { status: 'SUCCESS' } }] });
      expect(seen.map((x) => `${x.method} ${x.url}`)).toEqual(['PUT /api/orders/Order_00010-A/tracking', 'PUT /api/orders/Order_00010-A/ship', 'GET /process/P-1', 'GET /process/P-1', 'GET /process/P-1']);
    });

    it('rejected with the marketplace message when the process fails', async () => {
      const { connector } = await miraklWith(answer(['PENDING', 'FAILURE']), {}, asyncShip());
      const outcome = await connector.sendAction(ship(), miraklOrder);
      expect(outcome).toMatchObject({ kind: 'rejected', status: 200, step: 1 });
      expect((outcome as { message: string }).message).toBe('OR24: the marketplace\'s process ended FAILURE: Order item 6107989317 already shipped (after OR23 succeeded)');
    });

    it('ambiguous, never succeeded, when the process is still pending after the last poll or the 202 names none', async () => {
      const { connector, seen } = await miraklWith(answer([]), {}, asyncShip(3));
      expect(await connector.sendAction(ship(), miraklOrder)).toMatchObject({ kind: 'ambiguous', step: 1, message: expect.stringContaining('still PENDING after 3 polls') });
      expect(seen.filter((x) => x.url.startsWith('/process/'))).toHaveLength(3);
      const { connector: noId } = await miraklWith((x) => (x.url.endsWith('/ship') ? { status: 202, body: {} } : { status: 204 }), {}, asyncShip());
      expect(await noId.sendAction(ship(), miraklOrder)).toMatchObject({ kind: 'ambiguous', message: expect.stringContaining('names no process to follow') });
    });
  });

  it('rejected: a 4xx stops the action, says which request succeeded before, and is not retried', async () => {
    const { connector, seen } = await miraklWith((s) => (s.url.endsWith('/ship') ? { status: 400, body: { status: 400, message: 'ORDER_INVALID_STATE' } } : { status: 204 }));
    expect(await connector.sendAction(ship(), miraklOrder)).toEqual({
      kind: 'rejected',
      status: 400,
      response: { status: 400, message: 'ORDER_INVALID_STATE' },
      message: 'PUT /api/orders/Order_00010-A/ship: HTTP 400: ORDER_INVALID_STATE (after OR23 succeeded)',
      step: 1,
    });
    expect(seen).toHaveLength(2);
  });

  it('transient: 5xx of a request declared idempotent (OR23) that outlast its retries', async () => {
    const { connector, seen } = await miraklWith(() => ({ status: 503, body: { message: 'maintenance' } }));
    expect(await connector.sendAction(ship(), miraklOrder)).toEqual({ kind: 'transient', message: 'PUT /api/orders/Order_00010-A/tracking: HTTP 503: maintenance (after 2 attempts)', step: 0 });
    expect(seen).toHaveLength(2);
  });

  it('ambiguous: a 5xx to a request that changes state (OR24) is sent once, since it may have been applied', async () => {
    const { connector, seen } = await miraklWith((s) => (s.url.endsWith('/ship') ? { status: 502, body: { message: 'bad gateway' } } : { status: 204 }));
    expect(await connector.sendAction(ship(), miraklOrder)).toEqual({ kind: 'ambiguous', message: 'PUT /api/orders/Order_00010-A/ship: HTTP 502: bad gateway (after OR23 succeeded)', step: 1 });
    expect(seen.filter((x) => x.url.endsWith('/ship'))).toHaveLength(1);
  });

  it('resumes after the requests an earlier attempt completed, and reports each completed request before the next', async () => {
    const { connector, seen } = await miraklWith(() => ({ status: 204 }));
    expect(await connector.sendAction(ship(), miraklOrder, { fromStep: 1 })).toEqual({ kind: 'succeeded', response: [{ endpoint: 'OR24', status: 204, body: null }] });
    expect(seen.map((x) => x.url)).toEqual(['/api/orders/Order_00010-A/ship']);
    const done: Array<[number, string, number]> = [];
    await connector.sendAction(ship(), miraklOrder, { onStepDone: async (n, endpoint) => void done.push([n, endpoint, seen.length]) });
    // OR23 reported done (3 requests seen so far) before OR24 was sent; the last one is the action's own success.
    expect(done).toEqual([[1, 'OR23', 2]]);
    expect(seen).toHaveLength(3);
  });

  it('stops before the next request when the caller aborts while recording a completed one', async () => {
    const { connector, seen } = await miraklWith(() => ({ status: 204 }));
    const lease = new AbortController();
    await expect(connector.sendAction(ship(), miraklOrder, { signal: lease.signal, onStepDone: async () => lease.abort(new Error('lease lost')) })).rejects.toThrow('lease lost');
    expect(seen.map((x) => x.url)).toEqual(['/api/orders/Order_00010-A/tracking']);
  });

  it('transient: a 429 asking for longer than the retry cap is handed back with its Retry-After', async () => {
    const { connector, seen } = await miraklWith(() => ({ status: 429, body: { message: 'Too many requests' }, headers: { 'retry-after': '600' } }));
    expect(await connector.sendAction(ship(), miraklOrder)).toEqual({ kind: 'transient', message: 'PUT /api/orders/Order_00010-A/tracking: HTTP 429: Too many requests', retryAfterMs: 600_000, step: 0 });
    expect(seen).toHaveLength(1);
  });

  it('ambiguous: a non-idempotent request that times out after it was sent is sent once', async () => {
    const { connector, seen } = await miraklWith((s) => (s.url.endsWith('/ship') ? { status: 204, delayMs: 300 } : { status: 204 }), { timeouts: { response: 100 } });
    const outcome = await connector.sendAction(ship(), miraklOrder);
    expect(outcome.kind).toBe('ambiguous');
    expect(outcome.kind === 'ambiguous' && outcome.message).toMatch(/^PUT \/api\/orders\/Order_00010-A\/ship: timeout .* it may have taken effect \(after OR23 succeeded\)$/);
    expect(seen.filter((s) => s.url.endsWith('/ship'))).toHaveLength(1);
  });

  it('rejected with status 0 when the request cannot be built (nothing is sent)', async () => {
    const { connector, seen } = await miraklWith(() => ({ status: 204 }));
    // Octopia declares no cancel request (Cdiscount's cancel is managed manually).
    const octopiaConnector = createConnector({ account: 'c', channel: cdiscount, baseUrl: 'http://127.0.0.1:9', credentials: { client_id: 'a', client_secret: 'b', seller_id: 'c' } }, octopia, { budgets: false });
    connectors.push(octopiaConnector);
    expect(await octopiaConnector.sendAction(request(octopiaOrder, 'cancel', {}), octopiaOrder)).toMatchObject({ kind: 'rejected', status: 0, response: { code: 'CONNECTOR_ACTION_NOT_DECLARED' } });
    // An order without id cannot fill the path /api/orders/${order.marketplace_order_id}/tracking.
    const withoutId = { ...miraklOrder, marketplace_order_id: undefined as unknown as string };
    expect(await connector.sendAction(ship(), withoutId)).toMatchObject({ kind: 'rejected', status: 0, response: { code: 'CONNECTOR_TEMPLATE_VALUE_MISSING' } });
    expect(seen).toHaveLength(0);
  });

  it('an OAuth2 token refused by the marketplace is a rejection (fix the credentials), not a retry', async () => {
    const app = Fastify({ forceCloseConnections: true });
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))));
    app.post('/auth/realms/maas/protocol/openid-connect/token', async (_req, reply) => reply.code(401).send({ error: 'invalid_client', error_description: 'Invalid client credentials' }));
    servers.push(app);
    const root = await app.listen({ port: 0, host: '127.0.0.1' });
    const connector = createConnector({ account: 'c', channel: cdiscount, baseUrl: `${root}/seller/v2`, authUrl: root, credentials: { client_id: 'a', client_secret: 'secret-b', seller_id: 'c' } }, octopia, { budgets: false });
    connectors.push(connector);
    const outcome = await connector.sendAction(request(octopiaOrder, 'accept', {}), octopiaOrder);
    expect(outcome).toMatchObject({ kind: 'rejected', status: 401 });
    expect(JSON.stringify(outcome)).not.toContain('secret-b');
  });
});
