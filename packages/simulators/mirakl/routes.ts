/**
 * The Mirakl seller API routes under /api: raw API-key auth, optional call-frequency ceilings,
 * OR11/OR12 listing, the actions, order documents (OR72-OR74, documents.ts), RE01 and SH21, and
 * Mirakl-shaped errors everywhere.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SimClock } from '../shared/clock.ts';
import type { FaultSpec } from '../shared/faults.ts';
import { offsetPositions } from '../shared/paging-faults.ts';
import { RateLimiter } from '../shared/rate-limit.ts';
import { accept, cancelLines, cancelOrder, refund, ship, updateShippingFrom, updateTracking } from './actions.ts';
import type { ActionContext } from './actions.ts';
import { MiraklApiError } from './api-error.ts';
import type { InstanceLists } from './reference-lists.ts';
import { parseOr11 } from './or11-params.ts';
import type { Query } from './or11-params.ts';
import { listOrders } from './query.ts';
import { renderOrder, renderOrderOr12 } from './render.ts';
import { createShipments, listShipments } from './shipments.ts';
import type { RenderContext } from './render.ts';
import type { OrderBook, OrderRecord } from './store.ts';
import type { DocumentShelf } from '../shared/documents.ts';
import { hasInvoice, registerMiraklDocumentRoutes } from './documents.ts';

export type LimitedOperation = 'OR11' | 'OR07' | 'SH21';
export type CallLimits = Record<LimitedOperation, { limit: number; windowMs: number }>;

/** Mirakl's documented maximum usage: OR11 once a minute, OR07 60 an hour, SH21 once a day. */
export const MIRAKL_CALL_LIMITS: CallLimits = {
  OR11: { limit: 1, windowMs: 60_000 },
  OR07: { limit: 60, windowMs: 3_600_000 },
  SH21: { limit: 1, windowMs: 86_400_000 },
};

export interface MiraklRoutesOptions {
  book: OrderBook;
  /** The instance's carriers (SH21) and reasons (RE01). */
  lists: InstanceLists;
  clock: SimClock;
  apiKey: string;
  getFaults: () => FaultSpec;
  /** Current ceilings, or null when off. */
  getLimits: () => CallLimits | null;
  updateDeltaMs: number;
  /** paginate=false returns at most this many orders (400 beyond). */
  unpaginatedCap: number;
  /** Order documents (OR72, OR73, OR74) and the largest file OR74 takes. */
  documents: DocumentShelf;
  maxDocumentBytes: number;
}

function keyHash(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

export function registerMiraklRoutes(app: FastifyInstance, opts: MiraklRoutesOptions): void {
  const { book, clock } = opts;
  const expected = keyHash(opts.apiKey);
  const limiters = new Map<string, RateLimiter>();

  app.setErrorHandler((error: FastifyError | MiraklApiError, _request, reply) => {
    if (error instanceof MiraklApiError) return reply.code(error.status).send(error.body());
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    // A 500 here is a simulator bug, not an injected fault: say so on stderr.
    if (status === 500) process.stderr.write(`mirakl simulator: internal error: ${error.stack ?? error.message}\n`);
    const message = status === 500 ? 'Internal server error' : error.message;
    return reply.code(status).send({ status, message });
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ status: 404, message: `No resource at ${request.method} ${request.url.split('?')[0]}` }));

  app.addHook('preHandler', async (request, reply) => {
    if (!request.url.startsWith('/api/') && request.url !== '/api') return undefined;
    const given = request.headers.authorization;
    if (typeof given !== 'string' || !timingSafeEqual(keyHash(given), expected)) {
      return reply.code(401).send({ status: 401, message: 'Unauthorized: send your shop API key in the Authorization header' });
    }
    return undefined;
  });

  /** Applies a ceiling if enabled; throws a 429 the error handler renders with Retry-After. */
  const limit = (op: LimitedOperation, request: FastifyRequest, reply: FastifyReply): boolean => {
    const limits = opts.getLimits();
    if (!limits) return true;
    const { limit: n, windowMs } = limits[op];
    const id = `${op}:${n}:${windowMs}`;
    let limiter = limiters.get(id);
    if (!limiter) {
      limiter = new RateLimiter({ limit: n, windowMs });
      limiters.set(id, limiter);
    }
    const decision = limiter.take(keyHash(request.headers.authorization ?? '').toString('base64'), clock.now());
    if (decision.ok) return true;
    void reply
      .code(429)
      .header('retry-after', String(decision.retryAfterSeconds))
      .send({ status: 429, message: `Too many requests: ${op} is limited to ${n} call(s) per ${windowMs / 60_000} minute(s); retry after ${decision.retryAfterSeconds} s` });
    return false;
  };

  const actionCtx = (): ActionContext => ({ book, now: clock.now(), lists: opts.lists });
  const renderCtx = (now: number): RenderContext => ({ now, skewMs: opts.getFaults().clockSkewMs ?? 0, hasInvoice: (id) => hasInvoice(opts.documents, id) });

  registerMiraklDocumentRoutes(app, { book, clock, shelf: opts.documents, maxFileBytes: opts.maxDocumentBytes });

  // OR11
  app.get('/api/orders', async (request, reply) => {
    const faults = opts.getFaults();
    const req = parseOr11(request.query as Query, { shiftMs: -(faults.clockSkewMs ?? 0), updateDeltaMs: opts.updateDeltaMs });
    // A poll is one listing: only its first page counts against the ceiling.
    if (req.offset === 0 && !limit('OR11', request, reply)) return reply;
    const now = clock.now();
    if (req.paginate && !req.desc && !faults.shiftingPages) {
      // The common case in one read (listing is the simulator's costly part).
      const start = faults.duplicatePages && req.offset > 0 ? Math.max(0, req.offset - Math.max(1, Math.floor(req.max / 5))) : req.offset;
      const page = listOrders(book, req.filters, start, req.max, now);
      return { orders: page.orders.map((o) => renderOrder(o, renderCtx(now))), total_count: page.total };
    }
    const total = listOrders(book, req.filters, 0, 0, now).total;
    if (!req.paginate && total > opts.unpaginatedCap) {
      throw new MiraklApiError(400, undefined, `paginate=false is limited to ${opts.unpaginatedCap} orders by the simulator and ${total} match: narrow the filters or paginate`);
    }
    // Positions in the sorted list (paging faults applied), read run by run; descending order
    // counts positions from the end.
    const positions = req.paginate ? offsetPositions(req.offset, req.max, total, faults) : Array.from({ length: total }, (_, i) => i);
    const orders: OrderRecord[] = [];
    for (let i = 0; i < positions.length; ) {
      let n = 1;
      while (i + n < positions.length && positions[i + n] === (positions[i] as number) + n) n++;
      const start = positions[i] as number;
      if (req.desc) orders.push(...listOrders(book, req.filters, total - start - n, n, now).orders.reverse());
      else orders.push(...listOrders(book, req.filters, start, n, now).orders);
      i += n;
    }
    const ctx = renderCtx(now);
    return { orders: orders.map((o) => renderOrder(o, ctx)), total_count: total };
  });

  // OR12 (deprecated, still served)
  app.get('/api/orders/:order_id', async (request) => {
    const { order_id: id } = request.params as { order_id: string };
    const now = clock.now();
    const order = book.get(id, now);
    if (!order) throw new MiraklApiError(404, 'ORDER_NOT_FOUND', `Order ${id} does not exist`);
    return renderOrderOr12(order, renderCtx(now));
  });

  // OR07
  app.put('/api/orders/shipping_from', async (request, reply) => {
    if (!limit('OR07', request, reply)) return reply;
    return updateShippingFrom(actionCtx(), request.body);
  });

  // OR28 and OR30
  app.put('/api/orders/refund', async (request) => refund(actionCtx(), request.body));
  app.put('/api/orders/cancel', async (request) => cancelLines(actionCtx(), request.body));

  const noContent = (reply: FastifyReply) => reply.code(204).send();
  const orderId = (request: FastifyRequest) => (request.params as { order_id: string }).order_id;

  // OR21, OR23, OR24, OR29
  app.put('/api/orders/:order_id/accept', async (request, reply) => {
    accept(actionCtx(), orderId(request), request.body);
    return noContent(reply);
  });
  app.put('/api/orders/:order_id/tracking', async (request, reply) => {
    updateTracking(actionCtx(), orderId(request), request.body);
    return noContent(reply);
  });
  app.put('/api/orders/:order_id/ship', async (request, reply) => {
    ship(actionCtx(), orderId(request));
    return noContent(reply);
  });
  app.put('/api/orders/:order_id/cancel', async (request, reply) => {
    cancelOrder(actionCtx(), orderId(request));
    return noContent(reply);
  });

  // ST01 and ST11 (multiple shipments): 201 with per-shipment successes and errors
  app.post('/api/shipments', async (request, reply) => reply.code(201).send(createShipments(actionCtx(), request.body)));
  app.get('/api/shipments', async (request) => listShipments(actionCtx(), request.query as Record<string, unknown>));

  // RE01
  app.get('/api/reasons', async () => ({ reasons: opts.lists.reasons.map((r) => ({ ...r })), total_count: opts.lists.reasons.length }));

  // SH21
  app.get('/api/shipping/carriers', async (request, reply) => {
    if (!limit('SH21', request, reply)) return reply;
    return { carriers: opts.lists.carriers.map((c) => ({ ...c })) };
  });
}
