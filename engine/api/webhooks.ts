/**
 * Webhook endpoints: register (the signing secret is returned once), list, get, delete, and the
 * delivery log. Events: order.created, order.status_changed, order.refunded, order.lines_canceled, order.shipment_added,
 * order.document_available (engine/sync/marketplace-documents.ts, the action worker), order.deadline_approaching (engine/sync/deadline-watcher.ts), action.succeeded, action.failed (failed or needs_attention). See engine/webhooks/ for signing
 * and delivery.
 * An endpoint is visible to a token when all its accounts are in the token's scope. Where an
 * endpoint may point is the destination policy's to say (engine/webhooks/destination.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { WEBHOOK_EVENT_TYPES } from '../store/api-store.ts';
import type { WebhookDelivery, WebhookEndpoint, WebhookEventType } from '../store/store.ts';
import { DestinationPolicy, normalizeWebhookUrl } from '../webhooks/destination.ts';
import { endpointSecret, requireSecretKey } from '../webhooks/signing.ts';
import { inScope, requireScope, tokenOf } from './auth.ts';
import { DEFAULT_MAX_ENDPOINTS_PER_TOKEN, type ApiContext } from './context.ts';
import { apiError } from './problem.ts';
import { linkNext } from './resources.ts';
import { errorResponses, idParams, limitParam, pageOf, security } from './schemas.ts';

const endpointSchema = {
  type: 'object',
  required: ['id', 'url', 'accounts', 'events', 'created_at'],
  properties: {
    id: { type: 'string' },
    url: { type: 'string' },
    description: { type: 'string' },
    accounts: { type: 'array', items: { type: 'string' } },
    events: { type: 'array', items: { type: 'string', enum: [...WEBHOOK_EVENT_TYPES] } },
    created_at: { type: 'string', format: 'date-time' },
  },
};

const deliverySchema = {
  type: 'object',
  required: ['id', 'event_id', 'event_type', 'state', 'attempts'],
  properties: {
    id: { type: 'string' },
    event_id: { type: 'string', description: 'The Orderwire-Event-Id header: the same in every attempt.' },
    event_type: { type: 'string', enum: [...WEBHOOK_EVENT_TYPES] },
    state: { type: 'string', enum: ['pending', 'delivered', 'dead'] },
    attempts: { type: 'integer' },
    next_attempt_at: { type: 'string', format: 'date-time' },
    last_status: { type: 'integer', description: 'HTTP status of the last attempt, when the endpoint answered.' },
    last_error: { type: 'string' },
    last_attempt_at: { type: 'string', format: 'date-time' },
    delivered_at: { type: 'string', format: 'date-time' },
    created_at: { type: 'string', format: 'date-time' },
  },
};

function deliveryResource(d: WebhookDelivery): Record<string, unknown> {
  const { event, endpoint_id: _e, url: _u, ...rest } = d;
  return { ...rest, event_id: event.id, event_type: event.type };
}

const urlError = (code: 'WEBHOOK_URL_INVALID' | 'WEBHOOK_DESTINATION_FORBIDDEN' | 'WEBHOOK_URL_UNRESOLVABLE', detail: string, message: string) =>
  apiError(code, detail, [{ field: '/body/url', code, message }]);

/** The URL as it is stored (normalized), or 400 WEBHOOK_URL_INVALID. */
function parseUrl(text: string): URL {
  const url = normalizeWebhookUrl(text);
  if (!url) throw urlError('WEBHOOK_URL_INVALID', 'the webhook URL must be an absolute http(s) URL without credentials', 'absolute http(s) URL without user or password');
  return url;
}

export function webhookRoutes(ctx: ApiContext) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const { store } = ctx;
    const policy = ctx.webhooks?.policy ?? new DestinationPolicy();
    const maxPerToken = ctx.webhooks?.maxEndpointsPerToken ?? DEFAULT_MAX_ENDPOINTS_PER_TOKEN;
    const visible = (request: FastifyRequest, e: WebhookEndpoint): boolean => e.accounts.every((a) => inScope(request, a));

    async function scopedEndpoint(request: FastifyRequest, id: string): Promise<WebhookEndpoint> {
      const endpoint = await store.getWebhookEndpoint(id);
      if (!endpoint || !visible(request, endpoint)) throw apiError('WEBHOOK_NOT_FOUND', `no webhook endpoint ${id} for this token's accounts`);
      return endpoint;
    }

    app.post('/v1/webhooks', {
      schema: {
        tags: ['webhooks'],
        summary: 'Register a webhook endpoint',
        description: 'Returns the endpoint with its signing `secret`, shown this once (it is derived from ORDERWIRE_SECRET_KEY, never stored). The URL is stored normalized (host lower case, default port and fragment dropped). Its host must be or resolve to public addresses (not loopback, private, link-local, unique-local, multicast or reserved), checked now and at each delivery, unless the daemon\'s configuration allows it (webhooks.allowed_destinations): WEBHOOK_DESTINATION_FORBIDDEN, WEBHOOK_URL_UNRESOLVABLE. A token holds at most 20 live endpoints by default (WEBHOOK_LIMIT_REACHED, 409). Deliveries: POST with the event as JSON and headers Orderwire-Event-Id, Orderwire-Event-Type and Orderwire-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>. Answer 2xx; anything else is retried with exponential backoff, at least once per event.',
        security,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['url'],
          properties: {
            url: { type: 'string', minLength: 1, maxLength: 2000 },
            description: { type: 'string', maxLength: 200 },
            events: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: [...WEBHOOK_EVENT_TYPES] }, description: 'Default: all.' },
            accounts: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', minLength: 1 }, description: 'Default: all of the token\'s accounts.' },
          },
        },
        response: {
          201: { ...endpointSchema, required: [...endpointSchema.required, 'secret'], properties: { ...endpointSchema.properties, secret: { type: 'string', description: 'The signing secret, shown once.' } } },
          ...errorResponses(409, 413, 415, 503),
        },
      },
    }, async (request, reply) => {
      const body = request.body as { url: string; description?: string; events?: WebhookEventType[]; accounts?: string[] };
      const url = parseUrl(body.url);
      if (body.accounts) requireScope(request, body.accounts, '/body/accounts');
      const secretKey = requireSecretKey(ctx.secretKey);
      // Where the URL points is checked last: it asks DNS.
      const verdict = await policy.check(url);
      if (!verdict.ok) throw urlError(verdict.code, `${verdict.reason}`, verdict.reason);
      const endpoint = await store.createWebhookEndpoint({
        url: url.href,
        accounts: body.accounts ?? tokenOf(request).accounts,
        events: body.events ?? [...WEBHOOK_EVENT_TYPES],
        ...(body.description !== undefined && { description: body.description }),
        token_id: tokenOf(request).id,
        max_per_token: maxPerToken,
      });
      reply.code(201).header('Location', `/v1/webhooks/${endpoint.id}`);
      return { ...endpoint, secret: endpointSecret(secretKey, endpoint.id) };
    });

    app.get('/v1/webhooks', {
      schema: {
        tags: ['webhooks'],
        summary: 'List webhook endpoints',
        security,
        response: { 200: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: endpointSchema } } }, ...errorResponses() },
      },
    }, async (request) => ({ items: (await store.listWebhookEndpoints()).filter((e) => visible(request, e)) }));

    app.get('/v1/webhooks/:id', {
      schema: { tags: ['webhooks'], summary: 'One webhook endpoint', security, params: idParams, response: { 200: endpointSchema, ...errorResponses(404) } },
    }, async (request) => scopedEndpoint(request, (request.params as { id: string }).id));

    app.delete('/v1/webhooks/:id', {
      schema: {
        tags: ['webhooks'],
        summary: 'Delete a webhook endpoint (pending deliveries are dropped)',
        security,
        params: idParams,
        response: { 204: { type: 'null', description: 'Deleted.' }, ...errorResponses(404) },
      },
    }, async (request, reply) => {
      const endpoint = await scopedEndpoint(request, (request.params as { id: string }).id);
      await store.deleteWebhookEndpoint(endpoint.id);
      return reply.code(204).send();
    });

    app.get('/v1/webhooks/:id/deliveries', {
      schema: {
        tags: ['webhooks'],
        summary: 'Delivery log of an endpoint, newest first',
        security,
        params: idParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { limit: { ...limitParam, maximum: 500, description: 'Page size (at most 500).' }, before: { type: 'string', minLength: 1, description: 'Cursor from the previous page\'s `next`.' } },
        },
        response: { 200: pageOf(deliverySchema), ...errorResponses(404) },
      },
    }, async (request, reply) => {
      const endpoint = await scopedEndpoint(request, (request.params as { id: string }).id);
      const q = request.query as { limit: number; before?: string };
      const items = await store.listWebhookDeliveries(endpoint.id, { limit: q.limit + 1, ...(q.before !== undefined && { before: q.before }) });
      const page = items.slice(0, q.limit);
      const next = items.length > q.limit ? page.at(-1)!.id : undefined;
      return { items: page.map(deliveryResource), next: linkNext(request, reply, next, 'before') };
    });
  };
}

type OpenApiWebhooks = NonNullable<Extract<NonNullable<FastifyDynamicSwaggerOptions['openapi']>, { webhooks?: unknown }>['webhooks']>;

/**
 * The OpenAPI document's `webhooks` (OpenAPI 3.1): what orderwire POSTs to a registered
 * endpoint, for the events whose data is not an order event's (those mirror GET /v1/events).
 */
export const WEBHOOK_DOCS: OpenApiWebhooks = {
  'order.deadline_approaching': {
    post: {
      summary: 'An order\'s acceptance or shipping deadline is near',
      description: 'Sent once per order and deadline kind when the deadline comes within the daemon\'s lead time (config deadlines.alert_before; 12 h before acceptance, 24 h before shipping by default) while the step is still ahead: acceptance while the order is new or waits for acceptance, shipping until it ships. Signed like every event (Orderwire-Signature); deduplicate on the event id.',
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['id', 'type', 'created_at', 'data'],
              properties: {
                id: { type: 'string', description: 'Event id (evt_<seq>): the same in every attempt.' },
                type: { const: 'order.deadline_approaching' },
                created_at: { type: 'string', format: 'date-time' },
                data: {
                  type: 'object',
                  required: ['order_id', 'account', 'channel', 'marketplace_order_id', 'kind', 'deadline', 'status', 'marketplace_status', 'overdue', 'at'],
                  properties: {
                    order_id: { type: 'string' },
                    account: { type: 'string' },
                    channel: { type: 'string' },
                    marketplace_order_id: { type: 'string' },
                    kind: { type: 'string', enum: ['acceptance', 'shipping'] },
                    deadline: { type: 'string', format: 'date-time', description: 'The order\'s acceptance_deadline or shipping_deadline.' },
                    status: { type: 'string', description: 'The normalized status when the alert was raised.' },
                    marketplace_status: { type: 'string' },
                    overdue: { type: 'boolean', description: 'The deadline had already passed when the daemon found it (it was stopped).' },
                    at: { type: 'string', format: 'date-time', description: 'When the alert was raised.' },
                  },
                },
              },
            },
          },
        },
      },
      responses: { '2XX': { description: 'Received; any other answer is retried with backoff.' } },
    },
  },
};
