/**
 * A stateful stand-in for Kaufland's Seller API v2 behind a Stoplight Prism proxy (prism.ts):
 * Prism checks every request and every answer against Kaufland's published OpenAPI document, this
 * server keeps the state the document cannot (orders whose units get sent and cancelled, the
 * carriers it takes) and
 * checks what the document does not declare: every request's HMAC signature, recomputed from the
 * URL the client signed (Prism's, given by `signedBase`), the body and the timestamp, as Kaufland
 * documents it (https://sellerapi.kaufland.com/?page=rest-api). A request badly signed is
 * answered 401 and changes nothing. Shapes follow the document's schemas (Order, OrderDetails,
 * ErrorResponse).
 */
import { createHmac } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';

export const KAUFLAND_CLIENT = { client_key: '7bffc16ba2cc5ac1cbf527d6fa39263a', secret_key: 'a7d0cb1da1ddbc86c96ee5fedd341b7d8ebfbb2f5c83cfe0909f4e57f05dd403' };

export type UnitStatus = 'need_to_be_sent' | 'open' | 'sent' | 'sent_and_autopaid' | 'received' | 'returned' | 'returned_paid' | 'cancelled';

export interface KauflandUnit {
  id_order_unit: number;
  id_offer: string | null;
  price: number;
  shipping_rate: number;
  status: UnitStatus;
  /** Null: a unit whose product Kaufland no longer has (nullable in the document). */
  product: { title: string; eans: string[] } | null;
  ts_updated_iso: string;
  tracking?: { tracking_numbers: string; carrier_code: string };
  cancel_reason?: string;
}

export interface KauflandOrder {
  id_order: string;
  ts_created_iso: string;
  fulfillment_type: 'fulfilled_by_merchant' | 'fulfilled_by_kaufland';
  units: KauflandUnit[];
}

export interface KauflandCall {
  method: string;
  url: string;
  body: string;
  /** Whether the request carried the client key and a signature matching its URL, body and timestamp. */
  signed: boolean;
  status?: number;
}

export interface KauflandUpstream {
  url: string;
  /** The base URL the client signs (the Prism proxy's): the path and query come from the request. */
  signedBase: string;
  orders: Map<string, KauflandOrder>;
  calls: KauflandCall[];
  /**
   * How the next PATCH /send calls end, one entry each (then normally): `ok`; `apply-then-500`,
   * the unit sent but the answer a 500 (the client cannot tell it took effect); `500`, nothing done.
   */
  sendFaults: Array<'ok' | 'apply-then-500' | '500'>;
  /** What GET /carriers serves (Carrier: name, isHauler). */
  carriers: Array<{ name: string; isHauler: boolean }>;
  addOrder(input: { id_order: string; ts_created_iso: string; fulfillment_type?: KauflandOrder['fulfillment_type']; units: Partial<KauflandUnit>[] }): KauflandOrder;
  close(): Promise<void>;
}

const TIME = (iso: string) => iso.replace(/\.\d{3}Z$/, 'Z');

function address(first: string, last: string) {
  return { first_name: first, last_name: last, company_name: null, street: 'Rötelstraße', house_number: '35', postcode: '74172', additional_field: null, city: 'Neckarsulm', phone: '+4971329400', country: 'DE' };
}

function unitDetails(order: KauflandOrder, u: KauflandUnit): Record<string, unknown> {
  return {
    id_order_unit: u.id_order_unit,
    id_order: order.id_order,
    ts_created_iso: TIME(order.ts_created_iso),
    ts_updated_iso: TIME(u.ts_updated_iso),
    is_marketplace_deemed_supplier: false,
    status: u.status,
    price: u.price,
    id_offer: u.id_offer,
    revenue_gross: u.price,
    revenue_net: Math.round(u.price * 0.85),
    note: null,
    unit_condition: 'new',
    storefront: 'de',
    currency: 'EUR',
    delivery_time_min: 1,
    delivery_time_max: 3,
    delivery_time_expires_iso: null,
    order_received_timestamp_iso: null,
    shipping_rate: u.shipping_rate,
    cancel_reason: u.cancel_reason ?? null,
    vat: 19,
    tickets: null,
    product: u.product && {
      id_product: 362524873,
      storefront: 'de',
      title: u.product.title,
      eans: u.product.eans,
      id_category: 34401,
      main_picture: 'https://media.cdn.kaufland.de/product-images/2048x2048/7ddfbf37e8c5d3137179e1361c432246.jpg',
      manufacturer: 'Kaufland',
      url: 'https://www.kaufland.de/product/362524873/',
      age_rating: 0,
      is_valid: true,
      dangerous_goods_li_shipping: null,
      danger_label_9A: null,
    },
  };
}

function details(order: KauflandOrder): Record<string, unknown> {
  return {
    id_order: order.id_order,
    ts_created_iso: TIME(order.ts_created_iso),
    is_marketplace_deemed_supplier: false,
    storefront: 'de',
    fulfillment_type: order.fulfillment_type,
    order_units: order.units.map((u) => unitDetails(order, u)),
    billing_address: address('Lena', 'Schmidt'),
    shipping_address: { ...address('Jonas', 'Schmidt'), additional_field: 'Hinterhaus' },
    buyer: { id_buyer: 21631426, email: 'lena.schmidt@kaufland-buyer.example' },
  };
}

function updatedAt(order: KauflandOrder): string {
  return order.units.reduce((latest, u) => (u.ts_updated_iso > latest ? u.ts_updated_iso : latest), order.ts_created_iso);
}

function error(reply: FastifyReply, status: number, message: string, type = '/problems/bad-request') {
  return reply.code(status).header('content-type', 'application/json').send(JSON.stringify({ type, message, errors: [] }));
}

export async function startKauflandUpstream(): Promise<KauflandUpstream> {
  const orders = new Map<string, KauflandOrder>();
  const calls: KauflandCall[] = [];
  let nextUnit = 314567896580900;
  const upstream: KauflandUpstream = {
    url: '',
    signedBase: '',
    orders,
    calls,
    sendFaults: [],
    carriers: [{ name: 'DHL', isHauler: false }, { name: 'Hermes', isHauler: false }, { name: 'GLS', isHauler: false }, { name: 'Cargo International', isHauler: true }],
    addOrder(input) {
      const now = new Date().toISOString();
      const order: KauflandOrder = {
        id_order: input.id_order,
        ts_created_iso: input.ts_created_iso,
        fulfillment_type: input.fulfillment_type ?? 'fulfilled_by_merchant',
        units: input.units.map((u, n) => ({ id_order_unit: ++nextUnit, id_offer: `OFFER-${n + 1}`, price: 1999, shipping_rate: 0, status: 'need_to_be_sent', product: { title: `Artikel ${n + 1}`, eans: [`400638133393${n}`] }, ts_updated_iso: now, ...u })),
      };
      orders.set(order.id_order, order);
      return order;
    },
    close: async () => app.close(),
  };

  const app: FastifyInstance = Fastify({ forceCloseConnections: true });
  // The raw text is what was signed: parse it, but keep it.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, { text: String(body), json: body === '' ? undefined : JSON.parse(String(body)) });
    } catch (err) {
      done(err as Error);
    }
  });
  const bodyOf = (req: FastifyRequest) => (req.body as { json?: unknown } | undefined)?.json;
  app.addHook('preHandler', async (req, reply) => {
    const text = (req.body as { text?: string } | undefined)?.text ?? '';
    const timestamp = String(req.headers['shop-timestamp'] ?? '');
    const expected = createHmac('sha256', KAUFLAND_CLIENT.secret_key).update([req.method, `${upstream.signedBase}${req.url}`, text, timestamp].join('\n')).digest('hex');
    const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) < 300;
    const signed = req.headers['shop-client-key'] === KAUFLAND_CLIENT.client_key && req.headers['shop-signature'] === expected && fresh && req.headers['user-agent'] === 'orderwire';
    calls.push({ method: req.method, url: req.url, body: text, signed });
    if (!signed) return error(reply, 401, 'Request authentication headers are corrupt', '/problems/corrupted-signature');
  });
  app.addHook('onSend', async (_req, reply) => {
    const last = calls.at(-1);
    if (last) last.status = reply.statusCode;
  });

  app.get('/carriers', async (_req, reply) => reply.header('content-type', 'application/json').send(JSON.stringify({ data: { carriers: upstream.carriers } })));

  app.get('/orders', async (req, reply) => {
    const q = req.query as Record<string, string>;
    const from = q.ts_units_updated_from_iso;
    const offset = Number(q.offset ?? 0);
    const limit = Number(q.limit ?? 30);
    const listed = [...orders.values()].filter((o) => !from || Date.parse(updatedAt(o)) >= Date.parse(from)).sort((a, b) => b.ts_created_iso.localeCompare(a.ts_created_iso) || a.id_order.localeCompare(b.id_order));
    const data = listed.slice(offset, offset + limit).map((o) => ({
      id_order: o.id_order,
      ts_created_iso: TIME(o.ts_created_iso),
      is_marketplace_deemed_supplier: false,
      order_units_count: o.units.length,
      ts_units_updated_iso: TIME(updatedAt(o)),
      storefront: 'de',
      fulfillment_type: o.fulfillment_type,
    }));
    return reply.header('content-type', 'application/json').send(JSON.stringify({ data, pagination: { offset, limit, total: listed.length } }));
  });

  app.get('/orders/:id', async (req, reply) => {
    const order = orders.get((req.params as { id: string }).id);
    if (!order) return error(reply, 404, 'Order not found', '/problems/not-found');
    return reply.header('content-type', 'application/json').send(JSON.stringify({ data: details(order) }));
  });

  const unitOf = (id: string) => {
    for (const order of orders.values()) {
      const unit = order.units.find((u) => String(u.id_order_unit) === id);
      if (unit) return unit;
    }
    return undefined;
  };

  app.patch('/order-units/:id/send', async (req, reply) => {
    const unit = unitOf((req.params as { id: string }).id);
    if (!unit) return error(reply, 404, 'Order unit not found', '/problems/not-found');
    if (unit.status !== 'need_to_be_sent') return error(reply, 400, `Order unit ${unit.id_order_unit} is ${unit.status}, it cannot be sent`, '/problems/action-not-allowed');
    const fault = upstream.sendFaults.shift() ?? 'ok';
    if (fault === '500') return error(reply, 500, 'Internal Server Error', '/problems/server-error');
    unit.status = 'sent';
    unit.tracking = bodyOf(req) as { tracking_numbers: string; carrier_code: string };
    unit.ts_updated_iso = new Date().toISOString();
    if (fault === 'apply-then-500') return error(reply, 500, 'Internal Server Error', '/problems/server-error');
    return reply.code(204).send();
  });

  app.patch('/order-units/:id/cancel', async (req, reply) => {
    const unit = unitOf((req.params as { id: string }).id);
    if (!unit) return error(reply, 404, 'Order unit not found', '/problems/not-found');
    if (unit.status !== 'need_to_be_sent' && unit.status !== 'open') return error(reply, 400, `Order unit ${unit.id_order_unit} is ${unit.status}, it cannot be cancelled`, '/problems/order-units/cancel-not-possible');
    unit.status = 'cancelled';
    unit.cancel_reason = (bodyOf(req) as { reason: string }).reason;
    unit.ts_updated_iso = new Date().toISOString();
    return reply.code(204).send();
  });

  upstream.url = await app.listen({ port: 0, host: '127.0.0.1' });
  return upstream;
}
