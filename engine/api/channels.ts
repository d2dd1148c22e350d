/**
 * Channels as `orderwire describe <channel> --json` prints them (schemas/channel-description.schema.json):
 * statuses, allowed actions per status and each action's fields, lists and constraints, so a back
 * office can build its action forms from them. Channels are not secret: every token sees all loaded ones.
 */
import type { FastifyInstance } from 'fastify';
import { describeChannel } from '../channel/describe.ts';
import { accountView } from '../sync/reference-lists.ts';
import { inScope } from './auth.ts';
import type { ApiContext } from './context.ts';
import { apiError } from './problem.ts';
import { errorResponses, idParams, security } from './schemas.ts';

const descriptionSchema = {
  type: 'object',
  additionalProperties: true,
  description: 'The channel description document (schemas/channel-description.schema.json), identical to `orderwire describe <id> --json`.',
  required: ['description_version', 'id', 'name', 'platform'],
  properties: {
    description_version: { type: 'integer' },
    id: { type: 'string' },
    name: { type: 'string' },
    platform: { type: 'string' },
    documents: {
      type: 'object',
      description: 'The documents orderwire downloads from the marketplace (`download`: type codes and size limit, null when none) and the files the actions upload (`upload`: action, file field, statuses, content types, size limit): what POST /v1/orders/{id}/documents takes.',
      required: ['download', 'upload'],
      properties: {
        download: {
          type: ['object', 'null'],
          properties: { types: { type: 'array', items: { type: 'string' } }, max_bytes: { type: 'integer' }, source: { type: ['string', 'null'] } },
        },
        upload: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              action: { type: 'string' },
              field: { type: 'string' },
              statuses: { type: 'array', items: { type: 'string' } },
              required: { type: 'boolean' },
              content_types: { type: 'array', items: { type: 'string' } },
              max_bytes: { type: ['integer', 'null'] },
            },
          },
        },
      },
    },
  },
} as const;

export function channelRoutes(ctx: ApiContext) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.get('/v1/channels', {
      schema: {
        tags: ['channels'],
        summary: 'Every loaded channel, described',
        security,
        response: { 200: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: descriptionSchema } } }, ...errorResponses() },
      },
    }, async () => ({ items: [...ctx.channels.values()].map((c) => describeChannel(c)) }));

    app.get('/v1/channels/:id', {
      schema: {
        tags: ['channels'],
        summary: 'One channel, described',
        description: "With `account`, the channel as that account sees it: its live lists (carriers, reasons) hold the values the account's marketplace served, with when they were fetched (`lists.<name>.values_from`, `fetched_at`), and every field's values follow them.",
        security,
        params: idParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { account: { type: 'string', minLength: 1, description: "An account of this channel among the token's: describe the channel as it sees it (its live lists)." } },
        },
        response: { 200: descriptionSchema, ...errorResponses(404) },
      },
    }, async (request) => {
      const { id } = request.params as { id: string };
      const { account: accountId } = request.query as { account?: string };
      const channel = ctx.channels.get(id);
      if (!channel) throw apiError('CHANNEL_NOT_FOUND', `no channel "${id}" is loaded (loaded: ${[...ctx.channels.keys()].join(', ')})`);
      if (accountId === undefined) return describeChannel(channel);
      const account = ctx.accounts.get(accountId);
      if (!account || !inScope(request, accountId)) throw apiError('ACCOUNT_NOT_FOUND', `no account "${accountId}" among this token's accounts`);
      if (account.channel.id !== channel.id) throw apiError('ACCOUNT_NOT_FOUND', `account "${accountId}" is on channel ${account.channel.id}, not ${channel.id}`);
      const view = await accountView(ctx.store, account);
      return describeChannel(view.channel, view.state);
    });
  };
}
