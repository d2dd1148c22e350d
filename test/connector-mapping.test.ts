/**
 * The declarative connector reading orders from a real HTTP server that serves marketplace
 * payloads: Mirakl's own OR11 examples and Octopia pages written from its documented fields.
 * Checks the mapping of every normalized field, exact (case-sensitive) status mapping with
 * unknown statuses kept, scope filtering, the fulfilment flag, paging and reading one order.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadChannel } from '../engine/channel/load.ts';
import type { Channel } from '../engine/channel/model.ts';
import type { Connector, OrderPage } from '../engine/connector/connector.ts';
import { createConnector, loadPlatform, type Platform } from '../engine/connector/declarative.ts';
import { AccountLimiter } from '../engine/connector/http/limiter.ts';
import { testServers } from './helpers/http-server.ts';

const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(new URL(`fixtures/marketplace/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
const MIRAKL_BUSINESS = fixture('mirakl/or11-business-example.json') as { orders: Array<Record<string, unknown>> };
const MIRAKL_TYPED = fixture('mirakl/or11-typed-example.json') as { orders: Array<Record<string, unknown>> };
const OCTOPIA_PAGE = fixture('octopia/orders-page.json') as { items: Array<Record<string, unknown>> };

const API_KEY = 'worten-key-5b0e7c';
const WINDOW = { from: new Date('2026-11-22T10:15:00.123Z'), to: new Date('2026-11-22T10:30:00Z'), kind: 'incremental' as const };

let worten: Channel;
let cdiscount: Channel;
let mirakl: Platform;
let octopia: Platform;
beforeAll(async () => {
  [worten, cdiscount, mirakl, octopia] = await Promise.all([loadChannel('worten'), loadChannel('cdiscount'), loadPlatform('mirakl'), loadPlatform('octopia')]);
});

const servers = testServers();
const serve = servers.serve;
const connectors: Connector[] = [];
afterEach(async () => {
  await Promise.all(connectors.splice(0).map((c) => c.close()));
  await servers.close();
});

/** A Mirakl OR11 endpoint over `orders`, paging like Mirakl (offset, max, total_count). */
async function miraklServer(orders: () => unknown[], seen: Array<Record<string, string>> = [], opts: { total?: number } = {}): Promise<string> {
  return serve((app) =>
    app.get('/api/orders', async (req, reply) => {
      if (req.headers.authorization !== API_KEY) return reply.code(401).send({ status: 401, message: 'Unauthorized' });
      const q = req.query as Record<string, string>;
      seen.push(q);
      const all = orders();
      const list = q.order_ids ? all.filter((o) => q.order_ids!.split(',').includes((o as { order_id: string }).order_id)) : all;
      const offset = Number(q.offset ?? 0);
      const max = Number(q.max ?? 10);
      return { orders: list.slice(offset, offset + max), total_count: opts.total ?? list.length };
    }),
  );
}

function miraklConnector(baseUrl: string, opts: Parameters<typeof createConnector>[2] = { budgets: false }): Connector {
  const c = createConnector({ account: 'worten-pt', channel: worten, baseUrl, credentials: { api_key: API_KEY } }, mirakl, opts);
  connectors.push(c);
  return c;
}

async function listAll(connector: Connector): Promise<{ pages: OrderPage[]; result: Awaited<ReturnType<Connector['listOrders']>> }> {
  const pages: OrderPage[] = [];
  const result = await connector.listOrders(WINDOW, async (page) => {
    pages.push(page);
  });
  return { pages, result };
}

function withState(order: Record<string, unknown>, id: string, state: string): Record<string, unknown> {
  const lines = (order.order_lines as Array<Record<string, unknown>>).map((l, i) => ({ ...l, order_line_id: `${id}-${i + 1}`, order_line_state: state }));
  return { ...order, order_id: id, order_state: state, order_lines: lines };
}

describe('Mirakl mapping (OR11 examples from the OpenAPI document)', () => {
  it('maps every normalized field of the business example', async () => {
    const connector = miraklConnector(await miraklServer(() => MIRAKL_BUSINESS.orders));
    const { pages } = await listAll(connector);
    const [order] = pages[0]!.orders;
    expect(pages[0]!.skipped).toEqual([]);
    expect(order).toEqual({
      channel: 'worten',
      account: 'worten-pt',
      marketplace_order_id: 'Order_00010-A',
      status: 'closed',
      marketplace_status: 'RECEIVED',
      created_at: '2019-04-02T14:18:43.000Z',
      updated_at: '2019-04-02T14:59:58.000Z',
      currency: 'USD',
      totals: { items: 165, shipping: 8, taxes: 40, total: 173 },
      // OR11 has_invoice of the example.
      has_invoice: false,
      sales_channel: 'US',
      buyer: {
        id: 'Customer_id_001',
        first_name: 'Smith',
        last_name: 'Taylor',
        email: 'notification+ec1riop21ju4rfynl0helvzou.e0z0r7cj2@notification.mirakl.net',
        locale: 'en-US',
      },
      billing_address: { name: 'smith Taylor', company: 'LIMARK Company', street_1: '113 MacDougal Street', street_2: '1st floor', zip_code: 'NY 10012', city: 'New York City', state: 'Manhattan', country: 'US' },
      shipping_address: { name: 'Smith Taylor', company: 'LIMARK Company', street_1: '113 MacDougal Street', street_2: '1st floor', zip_code: 'NY 10012', city: 'New York', state: 'Manhattan', country: 'US' },
      lines: [
        {
          id: 'Order_00010-A-1',
          sku: 'S2000',
          title: 'Breville Cafe Roma Stainless Espresso/Cappuccino Machine - ESP8C',
          quantity: 3,
          unit_price: 55,
          shipping_price: 8,
          taxes: [{ code: 'tax1', amount: 10, rate: 17.5 }, { code: 'tax2', amount: 10 }],
          status: 'closed',
          marketplace_status: 'RECEIVED',
          // The example's refund and cancelation, with what they add up to.
          refunds: [{ id: '1106', quantity: 0, amount: 6.82, shipping_amount: 1.79, reason_code: '19', created_at: '2022-08-04T09:40:41.000Z', state: 'WAITING_REFUND_PAYMENT' }],
          refunded: { quantity: 0, amount: 6.82, shipping_amount: 1.79 },
          cancelations: [{ id: '1122', quantity: 0, amount: 12.34, shipping_amount: 1.23, reason_code: '34', created_at: '2022-08-04T09:37:58.000Z' }],
          canceled: { quantity: 0, amount: 12.34, shipping_amount: 1.23 },
        },
      ],
      // The example's fulfilment centre is not one of Worten's fulfilment modes (it lists none).
      delivered_by_marketplace: false,
      tracking: { carrier_code: 'UPS', carrier_name: 'UPS', number: '2344', url: 'https://wwwapps.ups.com/WebTracking/track?track=yes&trackNums=2344' },
      // OR11 shipping_deadline; Worten declares no acceptance limit, so none.
      shipping_deadline: '2019-09-01T23:59:59.999Z',
      raw: MIRAKL_BUSINESS.orders[0],
    });
  });

  it('maps the typed example (alpha-3 country AFG -> AF, STAGING -> new)', async () => {
    const connector = miraklConnector(await miraklServer(() => MIRAKL_TYPED.orders));
    const { pages } = await listAll(connector);
    const [order] = pages[0]!.orders;
    expect(order).toMatchObject({ status: 'new', marketplace_status: 'STAGING', shipping_address: { country: 'AF' }, currency: 'AED' });
    expect(order?.lines[0]).toMatchObject({ status: 'new', taxes: [{ code: 'string', amount: 0, rate: 0 }] });
  });

  it('an address country given by name maps to its ISO code; one it cannot resolve is flagged, never dropped', async () => {
    const base = MIRAKL_TYPED.orders[0] as Record<string, unknown>;
    const withCountry = (id: string, country: string): Record<string, unknown> => {
      const customer = structuredClone(base.customer) as Record<string, Record<string, unknown>>;
      for (const key of ['billing_address', 'shipping_address']) {
        delete customer[key]!.country_iso_code;
        customer[key]!.country = country;
      }
      return { ...structuredClone(base), order_id: id, customer };
    };
    const connector = miraklConnector(await miraklServer(() => [withCountry('N1', 'Portugal'), withCountry('N2', 'Espagne'), withCountry('N3', 'Congo'), withCountry('N4', 'Portgual')]));
    const { pages } = await listAll(connector);
    const byId = new Map(pages.flatMap((p) => p.orders).map((o) => [o.marketplace_order_id, o]));
    expect(byId.get('N1')!.shipping_address).toMatchObject({ country: 'PT' });
    expect(byId.get('N1')!.shipping_address).not.toHaveProperty('country_unresolved');
    expect(byId.get('N2')!.billing_address).toMatchObject({ country: 'ES' });
    for (const [id, text] of [['N3', 'Congo'], ['N4', 'Portgual']] as const) {
      for (const address of [byId.get(id)!.shipping_address, byId.get(id)!.billing_address]) {
        expect(address).toMatchObject({ country_unresolved: text });
        expect(address).not.toHaveProperty('country');
      }
    }
    // An alpha-3 code beside free text: the code wins, nothing flagged.
    expect(pages[0]!.unmapped).toEqual([]);
  });

  it('maps statuses exactly: another letter case is unknown, and the order is kept and flagged', async () => {
    const base = MIRAKL_BUSINESS.orders[0]!;
    const orders = [withState(base, 'O-1', 'SHIPPED'), withState(base, 'O-2', 'shipped'), withState(base, 'O-3', 'Shipped'), withState(base, 'O-4', 'TO_COLLECT')];
    const connector = miraklConnector(await miraklServer(() => orders));
    const { pages } = await listAll(connector);
    const got = pages[0]!.orders.map((o) => [o.marketplace_order_id, o.status, o.status_unknown ?? false, o.lines[0]!.status]);
    expect(got).toEqual([
      ['O-1', 'shipped', false, 'shipped'],
      ['O-2', 'unknown', true, 'unknown'],
      ['O-3', 'unknown', true, 'unknown'],
      ['O-4', 'unknown', true, 'unknown'],
    ]);
    expect(pages[0]!.skipped).toEqual([]);
  });

  it('Worten refunded is reached from the lines: an order whose every line is REFUNDED is refunded, whatever its own state', async () => {
    const base = MIRAKL_BUSINESS.orders[0]!;
    const twoLines = (id: string, orderState: string, lineStates: [string, string]): Record<string, unknown> => {
      const line = (base.order_lines as Array<Record<string, unknown>>)[0]!;
      return { ...structuredClone(base), order_id: id, order_state: orderState, order_lines: lineStates.map((state, i) => ({ ...structuredClone(line), order_line_id: `${id}-${i + 1}`, order_line_state: state })) };
    };
    const connector = miraklConnector(await miraklServer(() => [twoLines('R-ALL', 'CLOSED', ['REFUNDED', 'REFUNDED']), twoLines('R-ONE', 'CLOSED', ['REFUNDED', 'CLOSED']), twoLines('R-RECEIVED', 'RECEIVED', ['REFUNDED', 'REFUNDED'])]));
    const { pages } = await listAll(connector);
    const byId = new Map(pages.flatMap((p) => p.orders).map((o) => [o.marketplace_order_id, o]));
    expect(byId.get('R-ALL')).toMatchObject({ status: 'refunded', marketplace_status: 'CLOSED', lines: [{ status: 'refunded' }, { status: 'refunded' }] });
    expect(byId.get('R-RECEIVED')).toMatchObject({ status: 'refunded', marketplace_status: 'RECEIVED' });
    // One line refunded out of two: the order keeps its own status.
    expect(byId.get('R-ONE')).toMatchObject({ status: 'closed', lines: [{ status: 'refunded' }, { status: 'closed' }] });
    expect(byId.get('R-ALL')).not.toHaveProperty('status_unknown');
  });

  it('skips and reports an order it cannot map, and imports the rest of the page', async () => {
    const base = MIRAKL_BUSINESS.orders[0]!;
    const broken = { ...withState(base, 'O-BAD', 'SHIPPED'), created_date: 'not a date' };
    const noLineId = withState(base, 'O-BAD-2', 'SHIPPED');
    (noLineId.order_lines as Array<Record<string, unknown>>)[0]!.order_line_id = undefined;
    const connector = miraklConnector(await miraklServer(() => [withState(base, 'O-1', 'SHIPPED'), broken, noLineId]));
    const { pages } = await listAll(connector);
    expect(pages[0]!.orders.map((o) => o.marketplace_order_id)).toEqual(['O-1']);
    expect(pages[0]!.skipped).toEqual([]);
    expect(pages[0]!.unmapped).toEqual([
      { marketplace_order_id: 'O-BAD', code: 'ORDER_UNMAPPABLE', reason: 'created_at: missing', raw: broken },
      { marketplace_order_id: 'O-BAD-2', code: 'ORDER_UNMAPPABLE', reason: 'lines[0].id: missing', raw: JSON.parse(JSON.stringify(noLineId)) },
    ]);
  });

  it('lists a window through every page, with the window bounds in ISO-8601 UTC seconds', async () => {
    const base = MIRAKL_BUSINESS.orders[0]!;
    const orders = Array.from({ length: 250 }, (_, i) => withState(base, `O-${i}`, 'SHIPPING'));
    const seen: Array<Record<string, string>> = [];
    const waits: string[] = [];
    // The platform's own budgets: OR11 counts once per listing, so three pages do not wait.
    const limiter = new AccountLimiter({ concurrency: 2, budgets: mirakl.budgets, onBudgetWait: (e) => waits.push(e.endpoint) });
    const connector = miraklConnector(await miraklServer(() => orders, seen), { limiter });
    const { pages, result } = await listAll(connector);
    // Each page after the first starts at the last record of the one before (the overlap proves no gap).
    expect(pages.map((p) => [p.page, p.orders.length])).toEqual([[1, 100], [2, 99], [3, 51]]);
    expect(new Set(pages.flatMap((p) => p.orders.map((o) => o.marketplace_order_id))).size).toBe(250);
    expect(result).toEqual({ pages: 3, records: 252, requests: 3, distinct: 250, total: 250 });
    expect(seen.map((q) => q.offset)).toEqual(['0', '99', '198']);
    expect(seen[0]).toEqual({ paginate: 'true', sort: 'dateCreated', order: 'asc', start_update_date: '2026-11-22T10:15:00Z', end_update_date: '2026-11-22T10:30:00Z', offset: '0', max: '100' });
    expect(waits).toEqual([]);
  });

  it('re-reads when the total drops between pages, so an order that shifted back is not skipped', async () => {
    const base = MIRAKL_BUSINESS.orders[0]!;
    let orders = Array.from({ length: 150 }, (_, i) => withState(base, `O-${i}`, 'SHIPPING'));
    let served = 0;
    const connector = miraklConnector(await miraklServer(() => {
      // An order already read leaves the window after the first page: O-100 moves to offset 99.
      if (served++ === 1) orders = orders.slice(1);
      return orders;
    }));
    const { pages, result } = await listAll(connector);
    const ids = new Set(pages.flatMap((p) => p.orders.map((o) => o.marketplace_order_id)));
    expect(ids.size).toBe(150);
    expect(result.unstable).toBeUndefined();
    expect(result.pages).toBe(3);
  });

  it('an order moved to the end while paging (the total unchanged) breaks the overlap: the gap is read again, nothing skipped', async () => {
    const base = MIRAKL_BUSINESS.orders[0]!;
    let orders = Array.from({ length: 250 }, (_, i) => withState(base, `O-${i}`, 'SHIPPING'));
    const seen: Array<Record<string, string>> = [];
    const moved = new Set<string>();
    const connector = miraklConnector(await miraklServer(() => {
      // Before the first reads at offsets 99 and 173, an order already read moves to the end (its
      // sort key changed). Keyed by offset, not by request count: the next page is asked ahead.
      const offset = seen.at(-1)!.offset!;
      if ((offset === '99' || offset === '173') && !moved.has(offset)) {
        moved.add(offset);
        orders = [...orders.slice(0, 10), ...orders.slice(11), orders[10]!];
      }
      return orders;
    }, seen));
    const { pages, result } = await listAll(connector);
    const ids = new Set(pages.flatMap((p) => p.orders.map((o) => o.marketplace_order_id)));
    expect(ids.size).toBe(250);
    expect(result).toMatchObject({ distinct: 250, total: 250, backSteps: 2 });
    expect(result.unstable).toBeUndefined();
    // Each page after a move shares no record with the one before: read again a quarter page back.
    // 198 was asked ahead while page 99 was read, and dropped when that page showed the gap.
    expect(seen.map((q) => q.offset)).toEqual(['0', '99', '198', '74', '173', '148', '247']);
  });

  it('a listing that sees fewer distinct orders than the total count is unstable (never proven complete)', async () => {
    const base = MIRAKL_BUSINESS.orders[0]!;
    const orders = Array.from({ length: 120 }, (_, i) => withState(base, `O-${i}`, 'SHIPPING'));
    // The marketplace counts 130 but serves 120 (a short page below the total: a page-size cap, so it asks on, and gets nothing).
    const connector = miraklConnector(await miraklServer(() => orders, [], { total: 130 }));
    const { result } = await listAll(connector);
    expect(result).toMatchObject({ distinct: 120, total: 130, unstable: true });
  });

  it('reads one order back with OR11 order_ids, and undefined when Mirakl has none', async () => {
    const seen: Array<Record<string, string>> = [];
    const connector = miraklConnector(await miraklServer(() => MIRAKL_BUSINESS.orders, seen));
    const order = await connector.getOrder('Order_00010-A');
    expect(order?.marketplace_order_id).toBe('Order_00010-A');
    expect(seen[0]).toEqual({ order_ids: 'Order_00010-A' });
    expect(await connector.getOrder('nope')).toBeUndefined();
  });

  it('a wrong API key fails the listing with MARKETPLACE_AUTH_FAILED and no key in the message', async () => {
    const base = await miraklServer(() => []);
    const c = createConnector({ account: 'a', channel: worten, baseUrl: base, credentials: { api_key: 'wrong-key-123' } }, mirakl, { budgets: false });
    connectors.push(c);
    const err = await c.listOrders(WINDOW, async () => {}).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'MARKETPLACE_AUTH_FAILED', message: 'page 1 of the window: GET /api/orders: HTTP 401: Unauthorized' });
  });

  it('a response without the record list is MARKETPLACE_BAD_RESPONSE', async () => {
    const base = await serve((app) => app.get('/api/orders', async () => ({ data: [] })));
    const err = await miraklConnector(base).listOrders(WINDOW, async () => {}).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'MARKETPLACE_BAD_RESPONSE' });
  });
});

describe('Octopia mapping (Cdiscount)', () => {
  async function octopiaServer(items: () => unknown[], seen: Array<Record<string, string>> = []): Promise<string> {
    return serve((app) => {
      app.post('/auth/realms/maas/protocol/openid-connect/token', async () => ({ access_token: 'tok-1', expires_in: 7200, token_type: 'Bearer' }));
      app.get('/seller/v2/orders', async (req, reply) => {
        if (req.headers.authorization !== 'Bearer tok-1' || req.headers.sellerid !== '123456') return reply.code(401).send({ title: 'Unauthorized' });
        const q = req.query as Record<string, string>;
        seen.push(q);
        const size = Number(q.pageSize);
        const start = (Number(q.pageIndex) - 1) * size;
        const min = q.createdAtMin;
        const all = items().filter((o) => min === undefined || String((o as { createdAt: string }).createdAt) >= min);
        return { itemsPerPage: size, items: all.slice(start, start + size) };
      });
      app.get('/seller/v2/orders/:id', async (req, reply) => {
        const found = items().find((o) => (o as { orderId: string }).orderId === (req.params as { id: string }).id);
        return found ?? reply.code(404).send({ title: 'Not Found', status: 404, detail: 'Order not found' });
      });
    });
  }

  function octopiaConnector(root: string): Connector {
    const c = createConnector(
      { account: 'cd-fr', channel: cdiscount, baseUrl: `${root}/seller/v2`, authUrl: root, credentials: { client_id: 'cid', client_secret: 'csecret', seller_id: '123456' } },
      octopia,
      { budgets: false },
    );
    connectors.push(c);
    return c;
  }

  it('keeps Cdiscount orders only, flags fulfilment by the marketplace, keeps unknown statuses', async () => {
    const { pages } = await listAll(octopiaConnector(await octopiaServer(() => OCTOPIA_PAGE.items)));
    const [page] = pages;
    expect(page!.orders.map((o) => [o.marketplace_order_id, o.status, o.delivered_by_marketplace, o.fulfillment_code ?? null, o.status_unknown ?? false])).toEqual([
      ['2611200900AB12', 'waiting_acceptance', false, null, false],
      ['2611190800CD34', 'shipped', true, 'MKPFBC', false],
      ['2611201100GH78', 'unknown', false, null, true],
    ]);
    expect(page!.skipped).toEqual([
      { marketplace_order_id: '2611201000EF56', code: 'ORDER_OUT_OF_SCOPE', reason: 'sales channel "OCTOPIA-ES-PARTNER" is not in the channel\'s scope (CDISCOUNT)' },
    ]);
  });

  it('maps every normalized field of an order', async () => {
    const { pages } = await listAll(octopiaConnector(await octopiaServer(() => OCTOPIA_PAGE.items)));
    const order = pages[0]!.orders[0]!;
    const { raw, ...rest } = order;
    expect(raw).toEqual(OCTOPIA_PAGE.items[0]);
    const address = { name: 'Claire Martin', street_1: '12 rue de la Paix', zip_code: '75002', city: 'Paris', country: 'FR', phone: '+33612345678' };
    expect(rest).toEqual({
      channel: 'cdiscount',
      account: 'cd-fr',
      marketplace_order_id: '2611200900AB12',
      status: 'waiting_acceptance',
      marketplace_status: 'WaitingAcceptance',
      created_at: '2026-11-20T09:00:00.000Z',
      updated_at: '2026-11-20T09:15:00.000Z',
      currency: 'EUR',
      totals: { items: 45.48, shipping: 4.9, taxes: 0, total: 50.38 },
      sales_channel: 'CDISCOUNT',
      buyer: { id: 'C-58213', first_name: 'Claire', last_name: 'Martin', email: 'claire.martin@example.fr', phone: '+33612345678' },
      billing_address: address,
      shipping_address: address,
      lines: [
        { id: '2611200900AB12-1', sku: 'SKU-KETTLE-01', title: 'Bouilloire inox 1,7 L', quantity: 2, unit_price: 19.99, shipping_price: 4.9, taxes: [], status: 'waiting_acceptance', marketplace_status: 'WaitingAcceptance' },
        { id: '2611200900AB12-2', sku: 'SKU-FILTER-02', title: 'Filtre anticalcaire', quantity: 1, unit_price: 5.5, shipping_price: 0, taxes: [], status: 'waiting_acceptance', marketplace_status: 'WaitingAcceptance' },
      ],
      delivered_by_marketplace: false,
      // Octopia's shippedAtMax.
      shipping_deadline: '2026-11-23T18:00:00.000Z',
    });
    expect(pages[0]!.orders[1]!.tracking).toEqual({ carrier_code: '14', carrier_name: 'Colissimo', number: '6A12345678901' });
  });

  it('a Cancelled order (Octopia\'s refund, whole order only) shows each line refunded in full; other lines show no refund', async () => {
    const cancelled = structuredClone(OCTOPIA_PAGE.items[0]!) as Record<string, unknown> & { lines: Array<Record<string, unknown>> };
    cancelled.status = 'Cancelled';
    cancelled.cancellationDetails = { reasonCode: 'ClientCancellation', reasonLabel: 'Cancelled by the customer', requestedBy: 'Seller', requestedAt: '2026-11-20T10:00:00.000Z', refundShipping: false };
    for (const line of cancelled.lines) line.status = 'Cancelled';
    const { pages } = await listAll(octopiaConnector(await octopiaServer(() => [cancelled, OCTOPIA_PAGE.items[1]!])));
    const [refunded, other] = pages[0]!.orders;
    expect(refunded?.status).toBe('refunded');
    expect(refunded?.lines.map((l) => [l.refunds, l.refunded])).toEqual([
      [[{ quantity: 2, amount: 39.98 }], { quantity: 2, amount: 39.98, shipping_amount: 0 }],
      [[{ quantity: 1, amount: 5.5 }], { quantity: 1, amount: 5.5, shipping_amount: 0 }],
    ]);
    expect(other?.lines.every((l) => l.refunds === undefined && l.refunded === undefined)).toBe(true);
  });

  it('pages by keyset on createdAt until a short page, window bounds in ISO-8601', async () => {
    const items = Array.from({ length: 230 }, (_, i) => ({ ...OCTOPIA_PAGE.items[0], orderId: `OC-${i}`, createdAt: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString() }));
    const seen: Array<Record<string, string>> = [];
    const { pages, result } = await listAll(octopiaConnector(await octopiaServer(() => items, seen)));
    // Each page restarts from the last createdAt (inclusive): the boundary order is read twice and
    // handed over once.
    expect(pages.map((p) => p.orders.length)).toEqual([100, 99, 31]);
    expect(new Set(pages.flatMap((p) => p.orders.map((o) => o.marketplace_order_id))).size).toBe(230);
    expect(result).toMatchObject({ pages: 3, records: 232, requests: 3 });
    expect(seen.map((q) => [q.pageIndex, q.createdAtMin])).toEqual([['1', undefined], ['1', items[99]!.createdAt], ['1', items[198]!.createdAt]]);
    expect(seen[0]).toEqual({ sort: 'asc:createdAt', updatedAtMin: '2026-11-22T10:15:00.123Z', updatedAtMax: '2026-11-22T10:30:00.000Z', pageIndex: '1', pageSize: '100' });
  });

  it('reads one order by id, out of scope or not, and undefined on 404', async () => {
    const connector = octopiaConnector(await octopiaServer(() => OCTOPIA_PAGE.items));
    expect((await connector.getOrder('2611201000EF56'))?.sales_channel).toBe('OCTOPIA-ES-PARTNER');
    expect(await connector.getOrder('missing')).toBeUndefined();
  });
});
