/**
 * Orders: the feed (filters, stable cursor pagination), one order with its history, and the
 * back office's acknowledgement or import error.
 *
 * Feeds, precisely:
 * - `acknowledged=false` ("new for you"): orders never acknowledged (an import error does not
 *   acknowledge: the order stays until acknowledged);
 * - `changed_since_ack=true` ("changes"): orders acknowledged at a version older than their
 *   current one; acknowledging the new version takes them out again.
 * Paging follows the store's change order: walking `next` to the end returns every order once,
 * and an order changed during the walk once more at the end in its new version.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { OrderFilter, StoredOrder } from '../store/store.ts';
import { inScope, scopedAccounts } from './auth.ts';
import type { ApiContext } from './context.ts';
import { OrderwireError } from '../errors.ts';
import { apiError } from './problem.ts';
import { orderDocumentsView } from './order-documents.ts';
import { FEED_CLOSINGS, feedPageBody, FEED_FLAG_ACTION } from './feed-page.ts';
import { releaseWhenSent } from './release-body.ts';
import { historyEntry, linkNext, orderResource } from './resources.ts';
import { errorResponses, idParams, limitParam, ORDER_STATUSES, orderSchema, pageOf, security } from './schemas.ts';

interface ListQuery {
  account?: string;
  channel?: string;
  status?: OrderFilter['status'];
  marketplace_status?: string;
  marketplace_order_id?: string;
  updated_since?: string;
  due_before?: string;
  delivered_by_marketplace?: boolean;
  acknowledged?: boolean;
  changed_since_ack?: boolean;
  limit: number;
  after?: string;
}

const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    account: { type: 'string', minLength: 1, description: 'Only this account (one of the token\'s; default: all of them).' },
    channel: { type: 'string', minLength: 1 },
    status: { type: 'string', enum: [...ORDER_STATUSES], description: 'Normalized status.' },
    marketplace_status: { type: 'string', minLength: 1, description: 'The marketplace\'s own status, exactly.' },
    marketplace_order_id: { type: 'string', minLength: 1, maxLength: 200, description: 'The marketplace\'s own order id, exactly (a search).' },
    updated_since: { type: 'string', format: 'date-time', description: 'The marketplace\'s updated_at at or after this instant (with a time zone).' },
    due_before: {
      type: 'string',
      format: 'date-time',
      description: 'Orders whose next step is due before this instant: acceptance_deadline (or shipping_deadline when there is none) while new or waiting for acceptance, shipping_deadline while accepted or waiting for shipment.',
    },
    delivered_by_marketplace: {
      type: 'boolean',
      description: 'Orders fulfilled by the marketplace (true) or by the seller (false). Default: the account\'s import_fulfilled_orders option decides whether they are listed.',
    },
    acknowledged: { type: 'boolean', description: 'false: the "new for you" feed, orders never acknowledged; true: acknowledged at some version.' },
    changed_since_ack: { type: 'boolean', description: 'true: the changes feed, orders whose version moved past the acknowledged version.' },
    limit: limitParam,
    after: { type: 'string', minLength: 1, description: 'Cursor from the previous page\'s `next`.' },
  },
} as const;

export function orderRoutes(ctx: ApiContext) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const { store } = ctx;

    /** The order if it exists and belongs to the token's accounts (404 otherwise, whichever it is). */
    async function scopedOrder(request: FastifyRequest, id: string): Promise<StoredOrder> {
      const stored = await store.getOrderById(id);
      if (!stored || !inScope(request, stored.order.account)) throw apiError('ORDER_NOT_FOUND', `no order ${id} in this token's accounts`);
      return stored;
    }

    app.get('/v1/orders', {
      schema: {
        tags: ['orders'],
        summary: 'List orders (the feed)',
        description: 'Orders of the token\'s accounts in the order of their last change, paged with an opaque cursor (`next`, also in the Link header). A walk to the end returns every order once; an order changed during the walk comes again at the end in its new version. Marketplace-fulfilled orders are listed only for accounts with import_fulfilled_orders, unless delivered_by_marketplace is given.',
        security,
        querystring: listQuery,
        response: { 200: pageOf(orderSchema), ...errorResponses() },
      },
    }, async (request, reply) => {
      const q = request.query as ListQuery;
      const accounts = scopedAccounts(request, q.account);
      const filter: OrderFilter = {
        account: accounts,
        limit: q.limit,
        ...(q.channel !== undefined && { channel: q.channel }),
        ...(q.status !== undefined && { status: q.status }),
        ...(q.marketplace_status !== undefined && { marketplace_status: q.marketplace_status }),
        ...(q.marketplace_order_id !== undefined && { marketplace_order_id: q.marketplace_order_id }),
        ...(q.updated_since !== undefined && { updated_since: q.updated_since }),
        ...(q.due_before !== undefined && { due_before: q.due_before }),
        ...(q.acknowledged !== undefined && { acknowledged: q.acknowledged }),
        ...(q.changed_since_ack !== undefined && { changed_since_ack: q.changed_since_ack }),
        ...(q.after !== undefined && { after: q.after }),
      };
      if (q.delivered_by_marketplace !== undefined) filter.delivered_by_marketplace = q.delivered_by_marketplace;
      else filter.hide_delivered_by_marketplace_of = accounts.filter((a) => !ctx.accounts.get(a)?.importFulfilledOrders);
      // The store renders the page as bytes; a page of 100 orders is never parsed, decoded into
      // strings or serialized again (feed-page.ts, bench/README.md api-feed).
      const page = await store.listOrderFeed(filter, { flag_action: FEED_FLAG_ACTION, closings: FEED_CLOSINGS });
      linkNext(request, reply, page.next);
      const body = await feedPageBody(page, { store, files: ctx.files });
      // The page is this request's alone: freed once sent, not by V8's collector (release-body.ts).
      releaseWhenSent(reply, body);
      return reply.type('application/json; charset=utf-8').send(body);
    });

    app.get('/v1/orders/:id', {
      schema: {
        tags: ['orders'],
        summary: 'One order with its lines and status history',
        description: '`documents` lists the order\'s documents (those the marketplace lists, with `url` once orderwire downloaded them, and the invoices uploaded through orderwire) and `invoice` its invoice status, as in the feed (GET /v1/orders). `history` lists the order\'s stored events (created, status changes of the order and of its lines, refunds and cancelations recorded on lines with what each added, other updates). `include=raw` adds the marketplace payload as received.',
        security,
        params: idParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { include: { type: 'string', enum: ['raw'], description: 'raw: add the marketplace\'s own payload.' } },
        },
        response: { 200: orderSchema, ...errorResponses(404) },
      },
    }, async (request) => {
      const { id } = request.params as { id: string };
      const { include } = request.query as { include?: 'raw' };
      const stored = await scopedOrder(request, id);
      const [acks, history, documents] = await Promise.all([
        store.getAcknowledgements([id]),
        store.listEvents({ order_id: id, limit: 1000 }),
        orderDocumentsView({ store, files: ctx.files }, stored),
      ]);
      return { ...orderResource(stored, acks.get(id), { raw: include === 'raw' }), ...documents, history: history.map(historyEntry) };
    });

    app.put('/v1/orders/:id/acknowledgement', {
      schema: {
        tags: ['orders'],
        summary: 'Acknowledge an order with your own reference',
        description: 'Takes the order out of the acknowledged=false feed. `version` is the version you imported (default: the current one): if the order changed since, it shows in changed_since_ack=true until you acknowledge the new version. Acknowledged versions only move forward: the same version again is idempotent, an older one than recorded is 409 ORDER_ACK_VERSION_OLDER (with `acknowledged_version`).',
        security,
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['reference'],
          properties: {
            reference: { type: 'string', minLength: 1, maxLength: 200, description: 'Your order reference (ERP, shop).' },
            version: { type: 'integer', minimum: 1, description: 'The order version you imported.' },
          },
        },
        response: { 200: orderSchema, ...errorResponses(404, 409, 413, 415) },
      },
    }, async (request) => {
      const { id } = request.params as { id: string };
      const body = request.body as { reference: string; version?: number };
      const stored = await scopedOrder(request, id);
      const version = body.version ?? stored.version;
      if (version > stored.version) {
        throw apiError('API_ORDER_VERSION_INVALID', `order ${id} is at version ${stored.version}; cannot acknowledge version ${version}`,
          [{ field: '/body/version', code: 'API_ORDER_VERSION_INVALID', message: `at most ${stored.version}` }]);
      }
      const ack = await store.acknowledgeOrder({ order_id: id, account: stored.order.account, reference: body.reference, version }).catch((err: unknown) => {
        if (!(err instanceof OrderwireError) || err.code !== 'ORDER_ACK_VERSION_OLDER') throw err;
        const recorded = err.details.acknowledged_version as number;
        throw apiError('ORDER_ACK_VERSION_OLDER', err.message, [{ field: '/body/version', code: 'ORDER_ACK_VERSION_OLDER', message: `at least ${recorded}, the version already acknowledged` }], { acknowledged_version: recorded });
      });
      return orderResource(stored, ack);
    });

    app.post('/v1/orders/:id/import-error', {
      schema: {
        tags: ['orders'],
        summary: 'Report that importing the order failed',
        description: 'Records the message (shown in `acknowledgement.import_error`); the order stays in the acknowledged=false feed until acknowledged.',
        security,
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['message'],
          properties: { message: { type: 'string', minLength: 1, maxLength: 2000 } },
        },
        response: { 200: orderSchema, ...errorResponses(404, 413, 415) },
      },
    }, async (request) => {
      const { id } = request.params as { id: string };
      const { message } = request.body as { message: string };
      const stored = await scopedOrder(request, id);
      const ack = await store.reportImportError({ order_id: id, account: stored.order.account, message });
      return orderResource(stored, ack);
    });
  };
}
