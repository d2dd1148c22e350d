/**
 * Seller actions: submit (validated with the channel's rules, then queued for the daemon's worker),
 * poll, list (failed and needs-attention ones in particular), retry and cancel.
 * - 202: queued, with the action and `Location: /v1/actions/{id}`;
 * - 200: the same request under the same Idempotency-Key (looked up before validation, so a replay
 *   after success returns the action, whatever the order's status now), or the same request still
 *   pending on the order: that action, nothing queued twice;
 * - 409 STORE_IDEMPOTENCY_KEY_REUSED: the key was used for another request;
 * - 409 ACTION_CONFLICTS_WITH_PENDING: not allowed once the actions pending on the order took
 *   effect (a refuse behind a queued accept); `pending_action` and a Link header name the newest;
 * - 422 API_ACTION_DENIED: every validation finding, with the codes of `orderwire check`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ActionFinding, LinePartInput, ParcelInput } from '../rules/index.ts';
import type { ActionState, StoredAction } from '../store/store.ts';
import { submitAction } from '../sync/submit-action.ts';
import { inScope, scopedAccounts } from './auth.ts';
import type { ApiContext } from './context.ts';
import { apiError, type FieldError } from './problem.ts';
import { actionResource, actionUrl, linkNext } from './resources.ts';
import { ACTION_NAMES, ACTION_STATES, actionSchema, errorResponses, idParams, limitParam, pageOf, security } from './schemas.ts';

/** A finding's path (`data.carrier`, `lines[1]`, `status`) as a JSON pointer into the request. */
export function findingPointer(field: string | undefined): string {
  if (field === undefined || field === 'action') return '/body/action';
  if (field === 'status') return '/order/status';
  return `/body/${field.replace(/\[(\d+)\]/g, '.$1').split('.').join('/')}`;
}

function findingError(f: ActionFinding): FieldError {
  return { field: findingPointer(f.field), code: f.code, message: f.message, ...(f.suggestion !== undefined && { suggestion: f.suggestion }) };
}

export function actionRoutes(ctx: ApiContext) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const { store } = ctx;

    async function orderIdOf(a: StoredAction): Promise<string | undefined> {
      return (await store.getOrder(a.account, a.channel, a.marketplace_order_id))?.id;
    }

    async function scopedAction(request: FastifyRequest, id: string): Promise<StoredAction> {
      const action = await store.getAction(id);
      if (!action || !inScope(request, action.account)) throw apiError('ACTION_NOT_FOUND', `no action ${id} in this token's accounts`);
      return action;
    }

    app.post('/v1/orders/:id/actions', {
      schema: {
        tags: ['actions'],
        summary: 'Submit a seller action on an order',
        description: 'Validated against the channel\'s rules for the order\'s status as it will be once the actions pending on it took effect (GET /v1/channels/{id} describes the fields), then queued; the daemon delivers an order\'s actions one at a time, each exactly once. Send an Idempotency-Key header to make retries of this request safe: it is looked up before validation. 409 ACTION_CONFLICTS_WITH_PENDING names the pending action it conflicts with (pending_action, Link).',
        security,
        params: idParams,
        headers: {
          type: 'object',
          properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 200, description: 'Your key for this request: sending it again returns the same action.' } },
        },
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['action'],
          properties: {
            action: { type: 'string', enum: [...ACTION_NAMES] },
            data: { type: 'object', description: 'The action\'s fields, e.g. {"tracking_number": "X1", "carrier": "UPS"}; checked by the channel rules.' },
            lines: {
              type: 'array',
              minItems: 1,
              maxItems: 1000,
              items: {
                anyOf: [
                  { type: 'string', minLength: 1 },
                  {
                    type: 'object',
                    additionalProperties: false,
                    required: ['id'],
                    properties: {
                      id: { type: 'string', minLength: 1 },
                      quantity: { type: 'integer', minimum: 1, description: 'Units of the line (where the channel takes a quantity per line: partial_lines).' },
                      amount: { type: 'number', exclusiveMinimum: 0, description: 'Part of the line\'s amount, in the order\'s currency (where the channel takes an amount per line).' },
                    },
                  },
                ],
              },
              description: 'Order line ids, where the channel takes the action per line; {id, quantity, amount} for part of a line (a refund of 1 of 3 units, of an amount), where the channel\'s partial_lines allows it. Bounded by what the line has left.',
            },
            parcels: {
              type: 'array',
              minItems: 1,
              maxItems: 100,
              description: 'Ship where the channel takes parcels (its ship action\'s `parcels`): each parcel with its lines and units and its own values of the action\'s fields (carrier, tracking_number, tracking_url), `data` giving defaults for every parcel. Units are bounded by what each line has left to ship (ACTION_PARCEL_QUANTITY_EXCEEDED).',
              items: {
                type: 'object',
                required: ['lines'],
                additionalProperties: true,
                properties: {
                  lines: {
                    type: 'array',
                    minItems: 1,
                    maxItems: 1000,
                    description: 'The lines in the parcel: a line id (every unit it has left to ship) or {id, quantity}.',
                    items: {
                      anyOf: [
                        { type: 'string', minLength: 1 },
                        { type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'string', minLength: 1 }, quantity: { type: 'integer', minimum: 1, description: 'Units of the line in the parcel.' } } },
                      ],
                    },
                  },
                },
              },
              examples: [[{ lines: [{ id: 'ORDER-1-1', quantity: 2 }], carrier: 'UPS', tracking_number: '1Z999AA10123456784' }, { lines: ['ORDER-1-2'], carrier: 'UPS', tracking_number: '1Z999AA10123456785' }]],
            },
          },
        },
        response: {
          200: { ...actionSchema, description: 'The same request was already submitted with this Idempotency-Key (whatever the action\'s state), or the same request is still pending on the order.' },
          202: { ...actionSchema, description: 'Queued. Poll the URL in Location.' },
          ...errorResponses(404, 409, 413, 415, 422),
        },
      },
    }, async (request, reply) => {
      const { id } = request.params as { id: string };
      return submitFromApi(ctx, request, reply, id, request.body as ApiActionBody);
    });

    app.get('/v1/actions/:id', {
      schema: {
        tags: ['actions'],
        summary: 'One action: its state and the marketplace\'s answer',
        security,
        params: idParams,
        response: { 200: actionSchema, ...errorResponses(404) },
      },
    }, async (request) => {
      const action = await scopedAction(request, (request.params as { id: string }).id);
      return actionResource(action, await orderIdOf(action));
    });

    app.get('/v1/actions', {
      schema: {
        tags: ['actions'],
        summary: 'List actions (e.g. state=failed&state=needs_attention)',
        security,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            state: { type: 'array', items: { type: 'string', enum: [...ACTION_STATES] }, description: 'One or more states (repeat the parameter).' },
            account: { type: 'string', minLength: 1 },
            marketplace_order_id: { type: 'string', minLength: 1 },
            limit: limitParam,
            after: { type: 'string', minLength: 1 },
          },
        },
        response: { 200: pageOf(actionSchema), ...errorResponses() },
      },
    }, async (request, reply) => {
      const q = request.query as { state?: ActionState[]; account?: string; marketplace_order_id?: string; limit: number; after?: string };
      const page = await store.listActions({
        account: scopedAccounts(request, q.account),
        limit: q.limit,
        ...(q.state && { state: q.state }),
        ...(q.marketplace_order_id !== undefined && { marketplace_order_id: q.marketplace_order_id }),
        ...(q.after !== undefined && { after: q.after }),
      });
      const items = await Promise.all(page.items.map(async (a) => actionResource(a, await orderIdOf(a))));
      return { items, next: linkNext(request, reply, page.next) };
    });

    for (const verb of ['retry', 'cancel'] as const) {
      app.post(`/v1/actions/:id/${verb}`, {
        schema: {
          tags: ['actions'],
          summary: verb === 'retry' ? 'Retry a failed or needs-attention action (queued again, due now)' : 'Cancel a queued, failed or needs-attention action',
          security,
          params: idParams,
          response: { 200: actionSchema, ...errorResponses(404, 409) },
        },
      }, async (request) => {
        const action = await scopedAction(request, (request.params as { id: string }).id);
        const changed = verb === 'retry' ? await store.retryAction(action.id) : await store.cancelAction(action.id);
        if (!changed) throw apiError('ACTION_NOT_FOUND', `no action ${action.id}`);
        return actionResource(changed, await orderIdOf(changed));
      });
    }
  };
}

/** The store's idempotency key of an API request's Idempotency-Key header (keys are per account). */
export function apiIdempotencyKey(account: string, key: string): string {
  return `api:${account}:${key}`;
}

export interface ApiActionBody {
  action: string;
  data?: Record<string, unknown>;
  lines?: (string | LinePartInput)[];
  parcels?: ParcelInput[];
}

/**
 * Submits an action on an order for the API (POST /v1/orders/{id}/actions, and the document
 * upload route once its file is stored) and answers as the actions route does: 202 queued, 200
 * the same request already known, 409 or 422 with field errors.
 */
export async function submitFromApi(ctx: ApiContext, request: FastifyRequest, reply: FastifyReply, id: string, body: ApiActionBody): Promise<unknown> {
  const { store } = ctx;
  const key = request.headers['idempotency-key'];
  const stored = await store.getOrderById(id);
  if (!stored || !inScope(request, stored.order.account)) throw apiError('ORDER_NOT_FOUND', `no order ${id} in this token's accounts`);
  const account = ctx.accounts.get(stored.order.account);
  if (!account) throw apiError('SYNC_ACCOUNT_UNKNOWN', `account ${stored.order.account} is not configured in this daemon`);
  const outcome = await submitAction(store, account, {
    marketplaceOrderId: stored.order.marketplace_order_id,
    name: body.action,
    ...(body.data !== undefined && { data: body.data }),
    ...(body.lines !== undefined && { lines: body.lines }),
    ...(body.parcels !== undefined && { parcels: body.parcels }),
    ...(typeof key === 'string' && { idempotencyKey: apiIdempotencyKey(stored.order.account, key) }),
  });
  switch (outcome.kind) {
    case 'order_not_found':
      throw apiError('ORDER_NOT_FOUND', `no order ${id} in this token's accounts`);
    case 'denied': {
      const errors = outcome.validation.errors.map(findingError);
      throw apiError('API_ACTION_DENIED', `${body.action} is not valid for order ${stored.order.marketplace_order_id} (${outcome.validation.status}): ${errors.map((e) => e.code).join(', ')}`, errors);
    }
    case 'conflict': {
      const { pending } = outcome;
      const url = actionUrl(pending.id);
      reply.header('Link', `<${url}>; rel="related"`);
      throw apiError(
        'ACTION_CONFLICTS_WITH_PENDING',
        `${body.action} is not allowed on order ${stored.order.marketplace_order_id} once the pending ${pending.action} (${url}, ${pending.state}) has taken effect: the order will be ${outcome.projected}`,
        outcome.validation.errors.map(findingError),
        { pending_action: { id: pending.id, url, action: pending.action, state: pending.state } },
      );
    }
    default: {
      reply.code(outcome.kind === 'queued' ? 202 : 200).header('Location', actionUrl(outcome.action.id));
      // Validation warnings (a field the marketplace ignores) are in request.warnings.
      return actionResource(outcome.action, id);
    }
  }
}
