/**
 * The seller API under /seller/v2: orders (list, one), the three actions, invoice documents
 * (invoices.ts), carriers and cancellation reasons. Every route is behind the token + SellerId guard.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SimClock } from '../shared/clock.ts';
import type { FaultSpec } from '../shared/faults.ts';
import { approve, cancel, ship } from './actions.ts';
import type { TokenIssuer } from './auth.ts';
import { ORDER_STATUSES, isOrderStatus } from './domain.ts';
import { parseListQuery } from './list-query.ts';
import type { OrderLister } from './listing.ts';
import type { OrderBook } from './order-book.ts';
import { ProblemError, problem, sendProblem } from './problems.ts';
import { CANCELLATION_REASONS, reasonsFor } from './reference-data.ts';
import { renderOrder, viewOrder } from './render.ts';
import { pagePositions } from '../shared/paging-faults.ts';
import type { DocumentShelf } from '../shared/documents.ts';
import { registerInvoiceRoutes } from './invoices.ts';

export const API_PREFIX = '/seller/v2';

export interface RouteContext {
  /** Uploaded invoices (invoices.ts) and the largest file taken. */
  invoices: DocumentShelf;
  maxInvoiceBytes: number;
  clock: SimClock;
  book: OrderBook;
  lister: OrderLister;
  issuer: TokenIssuer;
  faults: () => FaultSpec;
}

function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).type('application/json').send(JSON.stringify(body));
}

export function registerSellerRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { clock, book, lister } = ctx;
  const skew = (): number => ctx.faults().clockSkewMs ?? 0;

  app.register(async (api) => {
    api.addHook('preHandler', async (request, reply) => ctx.issuer.guard(request, reply));

    api.get('/orders', async (request, reply) => {
      const q = parseListQuery(request.query as Record<string, string | string[]>, skew());
      const now = clock.now();
      const listing = lister.list(q, now);
      const spec = ctx.faults();
      const items = [];
      for (const pos of pagePositions(q.pageIndex, q.pageSize, listing.length, spec)) {
        const view = viewOrder(book, listing.at(pos), now);
        if (view) items.push(renderOrder(book, view, skew()));
      }
      return sendJson(reply, 200, { itemsPerPage: q.pageSize, items });
    });

    api.get('/orders/:orderId', async (request, reply) => {
      const ref = refOrThrow(request, ctx);
      const view = viewOrder(book, ref, clock.now());
      if (!view) throw notFound(request);
      return sendJson(reply, 200, renderOrder(book, view, skew()));
    });

    const action = (run: typeof approve, status: number) => async (request: FastifyRequest, reply: FastifyReply) => {
      const ref = refOrThrow(request, ctx);
      const now = clock.now();
      run(book, ref, request.body, now);
      return sendJson(reply, status, renderOrder(book, viewOrder(book, ref, now) as NonNullable<ReturnType<typeof viewOrder>>, skew()));
    };
    api.post('/orders/:orderId/approval-status', action(approve, 200));
    api.post('/orders/:orderId/shipments', action(ship, 201));
    api.post('/orders/:orderId/cancellation-requests', action(cancel, 201));
    registerInvoiceRoutes(api, { clock, book, shelf: ctx.invoices, maxFileBytes: ctx.maxInvoiceBytes, orderRef: (request) => refOrThrow(request, ctx) });

    api.get('/carriers', async (_request, reply) =>
      sendJson(reply, 200, { items: book.carriers.all.map((c) => ({ code: c.code, label: c.name })) }),
    );

    api.get('/cancellation-reasons', async (request, reply) => {
      const { status, requester } = request.query as Record<string, string | undefined>;
      if (requester !== undefined && requester !== 'Seller') {
        throw new ProblemError(400, 'invalid-parameter', `requester must be "Seller", got "${requester}"`);
      }
      if (status !== undefined && !isOrderStatus(status)) {
        throw new ProblemError(400, 'invalid-parameter', `status "${status}" is not an order status (${ORDER_STATUSES.join(', ')})`);
      }
      const reasons = status === undefined ? CANCELLATION_REASONS : reasonsFor(status);
      return sendJson(reply, 200, { items: reasons.map((r) => ({ code: r.code, label: r.label, statuses: r.statuses })) });
    });
  }, { prefix: API_PREFIX });
}

function notFound(request: FastifyRequest): ProblemError {
  const { orderId } = request.params as { orderId: string };
  return new ProblemError(404, 'not-found', `Order ${orderId} not found`);
}

function refOrThrow(request: FastifyRequest, ctx: RouteContext): number {
  const { orderId } = request.params as { orderId: string };
  const ref = ctx.book.refOf(orderId, ctx.clock.now());
  if (ref === undefined) throw notFound(request);
  return ref;
}

/** problem+json for everything that goes wrong on marketplace routes, including fastify's own 4xx. */
export function installProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const instance = request.url.split('?', 1)[0];
    if (error instanceof ProblemError) return sendProblem(reply, { ...error.problem, instance });
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return sendProblem(reply, problem(status, status === 429 ? 'too-many-requests' : 'invalid-body', (error as Error).message, instance));
    }
    request.log.error(error);
    return sendProblem(reply, problem(500, 'server-error', 'Internal error in the simulator', instance));
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, problem(404, 'not-found', `No route ${request.method} ${request.url.split('?', 1)[0]}`, request.url.split('?', 1)[0])),
  );
}
