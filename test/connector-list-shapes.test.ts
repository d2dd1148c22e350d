/**
 * Listing shapes of real APIs, declared in platform YAML only (bol.com Retailer v10 GET
 * /retailer/orders): a date-only lower bound with no upper bound, pages of a fixed size without a
 * page-size parameter, and `{}` for "no order" instead of an empty list. Against a real fastify
 * server on loopback, through the connector a sync uses.
 */
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadChannel } from '../engine/channel/load.ts';
import type { Channel } from '../engine/channel/model.ts';
import type { Connector, OrderPage } from '../engine/connector/connector.ts';
import { createConnector, parsePlatform, PLATFORMS_DIR } from '../engine/connector/declarative.ts';
import { validatePlatformText } from '../engine/connector/platform/load.ts';

const MIRAKL = readFileSync(`${PLATFORMS_DIR}/mirakl.yaml`, 'utf8');
const example = JSON.parse(readFileSync(new URL('fixtures/marketplace/mirakl/or11-business-example.json', import.meta.url), 'utf8')) as { orders: Array<Record<string, unknown>> };

/** Mirakl's platform with bol.com's listing shape. */
const LISTING = `list_orders:
  endpoint: OR11
  method: GET
  path: /api/orders
  window:
    from: latest-change-date
    format: date
  pagination:
    type: page_index_short_page
    index_param: page
    page_size: 2
  records: { type: path, path: orders, absent_is_empty: true }
`;

function bolShaped(): string {
  const start = MIRAKL.indexOf('list_orders:\n');
  const end = MIRAKL.indexOf('\n# OR12');
  expect(start).toBeGreaterThan(0);
  expect(end).toBeGreaterThan(start);
  return MIRAKL.slice(0, start) + LISTING + MIRAKL.slice(end);
}

let worten: Channel;
beforeAll(async () => {
  worten = await loadChannel('worten');
});

const servers: FastifyInstance[] = [];
const connectors: Connector[] = [];
afterEach(async () => {
  await Promise.all(connectors.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(answer: (query: Record<string, string>) => unknown): Promise<{ connector: Connector; queries: Record<string, string>[] }> {
  const queries: Record<string, string>[] = [];
  const app = Fastify({ forceCloseConnections: true });
  app.get('/api/orders', async (req) => {
    const query = req.query as Record<string, string>;
    queries.push(query);
    return answer(query);
  });
  servers.push(app);
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  const connector = createConnector({ account: 'b', channel: worten, baseUrl, credentials: { api_key: 'key-abcdef' } }, parsePlatform(bolShaped(), 'bol-shaped.yaml'), { budgets: false });
  connectors.push(connector);
  return { connector, queries };
}

const WINDOW = { from: new Date('2026-11-22T10:15:42Z'), to: new Date('2026-11-23T00:30:00Z'), kind: 'incremental' as const };

describe('listing shapes declared in YAML', () => {
  it('validates: no upper bound, no page-size parameter, an absent list read as empty', () => {
    expect(validatePlatformText(bolShaped(), 'bol-shaped.yaml').findings).toEqual([]);
  });

  it('a `{}` answer is an empty listing, not a bad response', async () => {
    const { connector, queries } = await serve(() => ({}));
    const pages: OrderPage[] = [];
    const result = await connector.listOrders(WINDOW, async (p) => void pages.push(p));
    expect(result).toMatchObject({ pages: 1, records: 0 });
    expect(pages.flatMap((p) => p.orders)).toEqual([]);
    // The date of the lower bound only (floored to its day, UTC), no upper bound, no page size.
    expect(queries).toEqual([{ 'latest-change-date': '2026-11-22', page: '1' }]);
  });

  it('pages by number until a page shorter than the fixed size, and still refuses a body that is not an object', async () => {
    const order = example.orders[0]!;
    const orders = ['B-1', 'B-2', 'B-3'].map((id) => ({ ...order, order_id: id }));
    const { connector, queries } = await serve((q) => ({ orders: orders.slice((Number(q.page) - 1) * 2, Number(q.page) * 2) }));
    const ids: string[] = [];
    await connector.listOrders(WINDOW, async (p) => void ids.push(...p.orders.map((o) => o.marketplace_order_id)));
    expect(ids).toEqual(['B-1', 'B-2', 'B-3']);
    expect(queries.map((q) => q.page)).toEqual(['1', '2']);

    const { connector: broken } = await serve(() => 'not json');
    await expect(broken.listOrders(WINDOW, async () => undefined)).rejects.toMatchObject({ code: 'MARKETPLACE_BAD_RESPONSE' });
  });
});

describe('get_order with its own mapping (the get-one record differs from the listing one)', () => {
  /** The get-one answer wraps the order (`detail`) and names its id `id_of_order`. */
  function withGetMapping(): string {
    const start = MIRAKL.indexOf('\nmapping:\n') + 1;
    const end = MIRAKL.indexOf('\nactions:\n');
    const mapping = MIRAKL.slice(start, end).replace('marketplace_order_id: order_id', 'marketplace_order_id: id_of_order');
    const nested = mapping.split('\n').map((l) => (l === '' ? l : `  ${l}`)).join('\n');
    const text = MIRAKL.replace('    order_ids: ${id}\n  records: orders\n', `    order_ids: \${id}\n  records: { type: single, path: detail }\n${nested}\n`);
    expect(text).toContain('  mapping:\n    marketplace_order_id: id_of_order');
    return text;
  }

  it('reads an order back through the get-one mapping, the listing keeping its own', async () => {
    const platform = parsePlatform(withGetMapping(), 'get-mapping.yaml');
    const order = example.orders[0]!;
    const app = Fastify({ forceCloseConnections: true });
    app.get('/api/orders', async (req) => {
      const query = req.query as Record<string, string>;
      return query.order_ids ? { detail: { ...order, order_id: undefined, id_of_order: query.order_ids } } : { orders: [{ ...order, order_id: 'L-1' }], total_count: 1 };
    });
    servers.push(app);
    const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
    const connector = createConnector({ account: 'b', channel: worten, baseUrl, credentials: { api_key: 'key-abcdef' } }, platform, { budgets: false });
    connectors.push(connector);
    const back = await connector.getOrder('G-7');
    expect(back).toMatchObject({ marketplace_order_id: 'G-7', currency: order.currency_iso_code });
    expect(back!.lines.length).toBeGreaterThan(0);
    const listed: string[] = [];
    await connector.listOrders(WINDOW, async (p) => void listed.push(...p.orders.map((o) => o.marketplace_order_id)));
    expect(listed).toEqual(['L-1']);
  });
});

describe('list_orders.detail: a listing of summaries completed by one get-one request per order', () => {
  it('fetches each listed order, a few at a time, and maps the full record (totals, lines, addresses)', async () => {
    const text = MIRAKL.replace('  records: orders\n\n# OR12', '  records: orders\n  detail: { concurrency: 2 }\n\n# OR12');
    expect(text).toContain('detail: { concurrency: 2 }');
    const full = example.orders[0]!;
    const ids = ['D-1', 'D-2', 'D-3'];
    let inFlight = 0;
    let most = 0;
    const gets: string[] = [];
    const app = Fastify({ forceCloseConnections: true });
    app.get('/api/orders', async (req, reply) => {
      const query = req.query as Record<string, string>;
      if (!query.order_ids) return { orders: ids.map((id) => ({ order_id: id })), total_count: ids.length };
      gets.push(query.order_ids);
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 20));
      inFlight -= 1;
      if (query.order_ids === 'D-3' && failThird) return reply.code(500).send({ message: 'detail down' });
      return { orders: [{ ...full, order_id: query.order_ids }], total_count: 1 };
    });
    let failThird = false;
    servers.push(app);
    const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
    const connector = createConnector({ account: 'b', channel: worten, baseUrl, credentials: { api_key: 'key-abcdef' } }, parsePlatform(text, 'detail.yaml'), { budgets: false, retry: { maxAttempts: 1 } });
    connectors.push(connector);
    const pages: OrderPage[] = [];
    const result = await connector.listOrders(WINDOW, async (p) => void pages.push(p));
    const orders = pages.flatMap((p) => p.orders);
    expect(orders.map((o) => o.marketplace_order_id)).toEqual(ids);
    expect(orders[0]!.totals.total).toBeGreaterThan(0);
    expect(orders[0]!.lines.length).toBeGreaterThan(0);
    expect(orders[0]!.shipping_address).toBeTruthy();
    expect(gets.sort()).toEqual(ids);
    expect(most).toBe(2);
    expect(result.requests).toBe(4);

    // A detail that fails fails the listing: the window is listed again, nothing half-read is committed.
    failThird = true;
    const committed: string[] = [];
    await expect(connector.listOrders(WINDOW, async (p) => void committed.push(...p.orders.map((o) => o.marketplace_order_id)))).rejects.toMatchObject({ code: expect.stringMatching(/^MARKETPLACE_/) });
    expect(committed).toEqual([]);
  });
});

