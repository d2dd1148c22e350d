/**
 * Channels as `orderwire describe <channel> --json` prints them (schemas/channel-description.schema.json):
 * statuses, allowed actions per status and each action's fields, lists and constraints, so a back
 * office can build its action forms from them. Channels are not secret: every token sees all loaded ones.
 */
import type { FastifyInstance } from 'fastify';
import { describeChannel } from '../channel/describe.ts';
import type { ApiContext } from './context.ts';
import { apiError } from './problem.ts';
import { errorResponses, idParams, security } from './schemas.ts';

const descriptionSchema = {
  type: 'object',
  additionalProperties: true,
  description: 'The channel description document (schemas/channel-description.schema.json), identical to `orderwire describe <id> --json`.',
  required: ['description_version', 'id', 'name', 'platform'],
  properties: { description_version: { type: 'integer' }, id: { type: 'string' }, name: { type: 'string' }, platform: { type: 'string' } },
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
    }, async () => ({ items: [...ctx.channels.values()].map(describeChannel) }));

    app.get('/v1/channels/:id', {
      schema: {
        tags: ['channels'],
        summary: 'One channel, described',
        security,
        params: idParams,
        response: { 200: descriptionSchema, ...errorResponses(404) },
      },
    }, async (request) => {
      const { id } = request.params as { id: string };
      const channel = ctx.channels.get(id);
      if (!channel) throw apiError('CHANNEL_NOT_FOUND', `no channel "${id}" is loaded (loaded: ${[...ctx.channels.keys()].join(', ')})`);
      return describeChannel(channel);
    });
  };
}
