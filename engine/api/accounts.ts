/**
 * Accounts and their health (engine/api/account-health.ts): the last successful sync and its lag,
 * the last error, the next poll, orders by status and actions by state, so a back office or the
 * console sees at a glance whether every account is syncing. A token sees its own accounts only.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Store } from '../store/store.ts';
import type { AccountRuntime } from '../sync/account.ts';
import { accountHealth, HEALTH_STATES } from './account-health.ts';
import { inScope, tokenOf } from './auth.ts';
import type { ApiContext } from './context.ts';
import { apiError } from './problem.ts';
import { ACTION_STATES, errorResponses, idParams, ORDER_STATUSES, security } from './schemas.ts';

const countsOf = (keys: readonly string[], description: string) => ({
  type: 'object',
  description,
  additionalProperties: false,
  properties: Object.fromEntries(keys.map((k) => [k, { type: 'integer' }])),
});

const nullableInstant = { type: ['string', 'null'], format: 'date-time' } as const;

export const accountSchema = {
  type: 'object',
  required: ['id', 'channel', 'channel_name', 'enabled', 'poll_every_seconds', 'health', 'last_run', 'next_poll_at', 'polling', 'budget_wait', 'orders_by_status', 'orders_total', 'actions_by_state'],
  properties: {
    id: { type: 'string' },
    channel: { type: 'string' },
    channel_name: { type: 'string' },
    enabled: { type: 'boolean' },
    poll_every_seconds: { type: 'integer' },
    health: {
      type: 'object',
      required: ['state', 'red', 'reasons', 'last_successful_sync_at', 'lag_seconds', 'consecutive_failures', 'last_error'],
      properties: {
        state: { type: 'string', enum: [...HEALTH_STATES], description: 'blocked, failing and lagging are red (see engine/api/account-health.ts).' },
        red: { type: 'boolean' },
        reasons: { type: 'array', items: { type: 'string' } },
        last_successful_sync_at: nullableInstant,
        lag_seconds: { type: ['integer', 'null'], description: 'Now minus the end of the last committed window.' },
        consecutive_failures: { type: 'integer' },
        last_error: {
          type: ['object', 'null'],
          properties: { message: { type: 'string' }, code: { type: ['string', 'null'] }, status: { type: ['integer', 'null'] }, at: { type: 'string', format: 'date-time' } },
        },
      },
    },
    last_run: {
      type: ['object', 'null'],
      properties: {
        id: { type: 'string' },
        kind: { type: 'string' },
        state: { type: 'string', enum: ['running', 'succeeded', 'failed', 'abandoned'] },
        started_at: { type: 'string', format: 'date-time' },
        finished_at: { type: 'string', format: 'date-time' },
        orders: { type: 'integer' },
        pages: { type: 'integer' },
        error_message: { type: 'string' },
      },
    },
    next_poll_at: { ...nullableInstant, description: 'When this daemon polls the account next; null while a poll runs or when no daemon serves it.' },
    polling: { type: 'boolean' },
    budget_wait: {
      type: ['object', 'null'],
      description: 'A wait for a marketplace request budget in progress.',
      properties: { endpoint: { type: 'string' }, until: { type: 'string', format: 'date-time' }, shared: { type: 'boolean' } },
    },
    orders_by_status: countsOf(ORDER_STATUSES, 'Stored orders per normalized status (statuses with none are left out).'),
    orders_total: { type: 'integer' },
    actions_by_state: countsOf(ACTION_STATES, 'Actions per state (states with none are left out): queued and sending are waiting, failed and needs_attention need an operator.'),
  },
} as const;

async function describeAccounts(ctx: ApiContext, store: Store, accounts: AccountRuntime[]): Promise<Record<string, unknown>[]> {
  const [orderCounts, actionCounts] = await Promise.all([store.countOrdersByStatus(), store.countActionsByState()]);
  const now = new Date();
  return Promise.all(accounts.map(async (account) => {
    const [runs, cursor] = await Promise.all([store.listRuns({ account: account.id, limit: 20 }), store.getCursor(account.id, account.channel.id, 'incremental')]);
    const activity = ctx.activity?.snapshot(account.id) ?? null;
    const health = accountHealth({ enabled: account.enabled, pollEveryMs: account.pollEveryMs, runs, cursorAt: cursor?.position, activity, now });
    const ordersByStatus = Object.fromEntries(orderCounts.filter((c) => c.account === account.id).map((c) => [c.status, c.count]));
    const last = runs[0];
    return {
      id: account.id,
      channel: account.channel.id,
      channel_name: account.channel.name,
      enabled: account.enabled,
      poll_every_seconds: Math.round(account.pollEveryMs / 1000),
      health,
      last_run: last
        ? { id: last.id, kind: last.kind, state: last.state, started_at: last.started_at, orders: last.orders, pages: last.pages, ...(last.finished_at && { finished_at: last.finished_at }), ...(last.error_message && { error_message: last.error_message }) }
        : null,
      next_poll_at: activity?.next_poll_at ?? null,
      polling: activity?.polling ?? false,
      budget_wait: activity?.budget_wait ?? null,
      orders_by_status: ordersByStatus,
      orders_total: Object.values(ordersByStatus).reduce((a, b) => a + b, 0),
      actions_by_state: Object.fromEntries(actionCounts.filter((c) => c.account === account.id).map((c) => [c.state, c.count])),
    };
  }));
}

export function accountRoutes(ctx: ApiContext) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const visible = (request: FastifyRequest): AccountRuntime[] => {
      const scope = tokenOf(request).accounts;
      return [...ctx.accounts.values()].filter((a) => scope.includes(a.id));
    };

    app.get('/v1/accounts', {
      schema: {
        tags: ['accounts'],
        summary: 'The token\'s accounts and their health',
        description: 'Per configured account of the token: health (healthy, syncing, never_synced, lagging, failing, blocked, disabled, with reasons), the last successful sync and the lag of the data, the last error, the next poll, a request-budget wait in progress, orders per status and actions per state.',
        security,
        response: { 200: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: accountSchema } } }, ...errorResponses() },
      },
    }, async (request) => ({ items: await describeAccounts(ctx, ctx.store, visible(request)) }));

    app.get('/v1/accounts/:id', {
      schema: {
        tags: ['accounts'],
        summary: 'One account and its health',
        security,
        params: idParams,
        response: { 200: accountSchema, ...errorResponses(404) },
      },
    }, async (request) => {
      const { id } = request.params as { id: string };
      const account = ctx.accounts.get(id);
      if (!account || !inScope(request, id)) throw apiError('ACCOUNT_NOT_FOUND', `no account "${id}" among this token's accounts`);
      return (await describeAccounts(ctx, ctx.store, [account]))[0];
    });
  };
}
