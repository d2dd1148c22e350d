/**
 * A stateful stand-in for bol.com's Retailer API v10 behind a Stoplight Prism proxy (prism.ts):
 * Prism checks every request and every answer against bol.com's published OpenAPI document, this
 * server keeps the state the document cannot (orders whose items get shipped and cancelled,
 * process statuses that go from PENDING to SUCCESS or FAILURE). Its login server (`/token`, HTTP
 * Basic, client credentials) is not in the Retailer API document and is called directly.
 * Shapes follow the document's schemas (Order, ReducedOrders, ProcessStatus, Problem).
 */
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';

export interface BolItem {
  orderItemId: string;
  ean: string;
  reference?: string;
  title: string;
  quantity: number;
  quantityShipped: number;
  quantityCancelled: number;
  unitPrice: number;
  fulfilmentMethod: 'FBR' | 'FBB';
  latestChangedDateTime: string;
}

export interface BolOrder {
  orderId: string;
  orderPlacedDateTime: string;
  items: BolItem[];
  /**
   * Within bol.com's contract, but not mappable: `no-product` leaves an item without its product
   * and offer reference (both optional in the document), so the line has no sku.
   */
  broken?: 'no-product';
  /** billingDetails is nullable in the document: left out, the recipient is the buyer. */
  noBilling?: boolean;
}

export interface BolCall {
  method: string;
  path: string;
  body: unknown;
  authorization?: string;
}

export interface BolUpstream {
  url: string;
  orders: Map<string, BolOrder>;
  calls: BolCall[];
  /** The outcome the next processes end with, and after how many polls. */
  processOutcome: { status: 'SUCCESS' | 'FAILURE'; errorMessage?: string; afterPolls: number };
  addOrder(order: Omit<BolOrder, 'items'> & { items: Partial<BolItem>[] }): BolOrder;
  close(): Promise<void>;
}

const MEDIA = 'application/vnd.retailer.v10+json';
export const BOL_CLIENT = { client_id: 'bol-client-7f3a', client_secret: 'bol-secret-9c2e71d0' };

/** bol.com's offset: its documents give times in Amsterdam time (+01:00 in winter). */
function bolTime(iso: string): string {
  return new Date(Date.parse(iso) + 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+01:00');
}

function detail(order: BolOrder): Record<string, unknown> {
  const address = { salutation: 'FEMALE', firstName: 'Sanne', surname: 'de Vries', streetName: 'Keizersgracht', houseNumber: '174', houseNumberExtension: 'A', zipCode: '1016DW', city: 'Amsterdam', countryCode: 'NL' };
  return {
    orderId: order.orderId,
    pickupPoint: false,
    orderPlacedDateTime: bolTime(order.orderPlacedDateTime),
    shipmentDetails: { ...address, email: '2ixlxq7kszrhy6z3k2qbaknkhbqbdu@verkopen.bol.com', deliveryPhoneNumber: '0201234567', language: 'nl' },
    ...(!order.noBilling && { billingDetails: { ...address, firstName: 'Pieter', surname: 'Bakker', email: 'billing-2ixlxq7k@verkopen.bol.com' } }),
    orderItems: order.items.map((i) => ({
      orderItemId: i.orderItemId,
      cancellationRequest: false,
      fulfilment: { method: i.fulfilmentMethod, distributionParty: 'RETAILER', latestDeliveryDate: '2026-12-08', timeFrameType: 'REGULAR' },
      ...(order.broken !== 'no-product' && { offer: { offerId: `offer-${i.orderItemId}`, ...(i.reference && { reference: i.reference }) }, product: { ean: i.ean, title: i.title } }),
      quantity: i.quantity,
      quantityShipped: i.quantityShipped,
      quantityCancelled: i.quantityCancelled,
      unitPrice: i.unitPrice,
      totalPrice: Math.round(i.unitPrice * i.quantity * 100) / 100,
      discounts: [],
      commission: Math.round(i.unitPrice * i.quantity * 15) / 100,
      latestChangedDateTime: bolTime(i.latestChangedDateTime),
    })),
  };
}

function summary(order: BolOrder): Record<string, unknown> {
  return {
    orderId: order.orderId,
    orderPlacedDateTime: bolTime(order.orderPlacedDateTime),
    orderItems: order.items.map((i) => ({
      orderItemId: i.orderItemId,
      ean: i.ean,
      fulfilmentMethod: i.fulfilmentMethod,
      fulfilmentStatus: i.quantityShipped + i.quantityCancelled >= i.quantity ? 'HANDLED' : 'OPEN',
      quantity: i.quantity,
      quantityShipped: i.quantityShipped,
      quantityCancelled: i.quantityCancelled,
      cancellationRequest: false,
      latestChangedDateTime: bolTime(i.latestChangedDateTime),
    })),
  };
}

function problem(status: number, detailText: string): Record<string, unknown> {
  return { type: 'https://api.bol.com/problems', title: detailText, status, detail: detailText, violations: [] };
}

export async function startBolUpstream(): Promise<BolUpstream> {
  const orders = new Map<string, BolOrder>();
  const calls: BolCall[] = [];
  const processes = new Map<string, { polls: number; eventType: string; entityId: string; status: 'SUCCESS' | 'FAILURE'; errorMessage?: string; afterPolls: number; apply: () => void }>();
  const upstream: BolUpstream = {
    url: '',
    orders,
    calls,
    processOutcome: { status: 'SUCCESS', afterPolls: 1 },
    addOrder(input) {
      const now = new Date().toISOString();
      const order: BolOrder = {
        ...input,
        items: input.items.map((i, n) => ({
          orderItemId: `${input.orderId.replace(/\D/g, '')}${n + 1}`,
          ean: `871234567890${n}`,
          title: `Item ${n + 1}`,
          quantity: 1,
          quantityShipped: 0,
          quantityCancelled: 0,
          unitPrice: 10,
          fulfilmentMethod: 'FBR',
          latestChangedDateTime: now,
          ...i,
        })),
      };
      orders.set(order.orderId, order);
      return order;
    },
    close: async () => app.close(),
  };

  const app: FastifyInstance = Fastify({ forceCloseConnections: true });
  app.addContentTypeParser(MEDIA, { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, JSON.parse(String(body)));
    } catch (err) {
      done(err as Error);
    }
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))));
  app.addHook('onRequest', async (req) => {
    calls.push({ method: req.method, path: req.url, body: null, ...(req.headers.authorization && { authorization: req.headers.authorization }) });
  });
  app.addHook('preHandler', async (req) => {
    calls.at(-1)!.body = req.body ?? null;
  });
  const send = (reply: FastifyReply, status: number, body: unknown) => reply.code(status).header('content-type', MEDIA).send(JSON.stringify(body));

  app.post('/token', async (req, reply) => {
    const expected = `Basic ${Buffer.from(`${BOL_CLIENT.client_id}:${BOL_CLIENT.client_secret}`).toString('base64')}`;
    if (req.headers.authorization !== expected || (req.body as Record<string, string>).grant_type !== 'client_credentials') return reply.code(401).send({ error: 'invalid_client' });
    return reply.send({ access_token: `tok-${calls.length}`, token_type: 'Bearer', expires_in: 299, scope: 'RETAILER' });
  });

  app.get('/retailer/orders', async (req, reply) => {
    const q = req.query as Record<string, string>;
    const since = q['latest-change-date'];
    const page = Number(q.page ?? 1);
    const listed = [...orders.values()].filter((o) => !since || o.items.some((i) => i.latestChangedDateTime.slice(0, 10) >= since));
    const slice = listed.slice((page - 1) * 50, page * 50);
    // bol.com answers {} rather than an empty list.
    return send(reply, 200, slice.length === 0 ? {} : { orders: slice.map(summary) });
  });

  app.get('/retailer/orders/:id', async (req, reply) => {
    const order = orders.get((req.params as { id: string }).id);
    return order ? send(reply, 200, detail(order)) : send(reply, 404, problem(404, 'Order not found'));
  });

  const startProcess = (eventType: string, entityId: string, apply: () => void) => {
    const id = String(1_000_000 + processes.size + 1);
    processes.set(id, { polls: 0, eventType, entityId, ...upstream.processOutcome, apply });
    return { processStatusId: id, entityId, eventType, description: `${eventType} for ${entityId}.`, status: 'PENDING', createTimestamp: bolTime(new Date().toISOString()), links: [{ rel: 'self', href: `https://api.bol.com/shared/process-status/${id}`, method: 'GET' }] };
  };

  const itemsOf = (ids: string[]) => [...orders.values()].flatMap((o) => o.items.filter((i) => ids.includes(i.orderItemId)));

  app.post('/retailer/shipments', async (req, reply) => {
    const body = req.body as { orderItems: { orderItemId: string; quantity?: number }[] };
    const items = itemsOf(body.orderItems.map((i) => i.orderItemId));
    return send(reply, 202, startProcess('CONFIRM_SHIPMENT', body.orderItems[0]!.orderItemId, () => {
      for (const item of items) {
        item.quantityShipped = item.quantity - item.quantityCancelled;
        item.latestChangedDateTime = new Date().toISOString();
      }
    }));
  });

  app.put('/retailer/orders/cancellation', async (req, reply) => {
    const body = req.body as { orderItems: { orderItemId: string; reasonCode: string }[] };
    const items = itemsOf(body.orderItems.map((i) => i.orderItemId));
    return send(reply, 202, startProcess('CANCEL_ORDER', body.orderItems[0]!.orderItemId, () => {
      for (const item of items) {
        item.quantityCancelled = item.quantity - item.quantityShipped;
        item.latestChangedDateTime = new Date().toISOString();
      }
    }));
  });

  app.get('/shared/process-status/:id', async (req, reply) => {
    const id = (req.params as { id: string }).id;
    const p = processes.get(id);
    if (!p) return send(reply, 404, problem(404, 'Process status not found'));
    p.polls++;
    const done = p.polls >= p.afterPolls;
    if (done && p.polls === p.afterPolls && p.status === 'SUCCESS') p.apply();
    return send(reply, 200, {
      processStatusId: id,
      entityId: p.entityId,
      eventType: p.eventType,
      description: `${p.eventType} for ${p.entityId}.`,
      status: done ? p.status : 'PENDING',
      ...(done && p.errorMessage && { errorMessage: p.errorMessage }),
      createTimestamp: bolTime(new Date().toISOString()),
      links: [{ rel: 'self', href: `https://api.bol.com/shared/process-status/${id}`, method: 'GET' }],
    });
  });

  upstream.url = await app.listen({ port: 0, host: '127.0.0.1' });
  return upstream;
}
