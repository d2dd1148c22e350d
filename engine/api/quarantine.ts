/**
 * The import quarantine: marketplace records a sync could not store (unmappable, or refused by
 * the store), with the reason's catalogue code and the payload as received. They blocked nothing
 * (the rest of their page was stored and the cursor moved); later windows retry each one, and it
 * leaves this list once it maps. A token sees its own accounts' records only.
 */
import type { FastifyInstance } from 'fastify';
import { scopedAccounts } from './auth.ts';
import type { ApiContext } from './context.ts';
import { linkNext } from './resources.ts';
import { errorResponses, limitParam, pageOf, security } from './schemas.ts';

export const quarantinedRecordSchema = {
  type: 'object',
  required: ['id', 'account', 'channel', 'code', 'reason', 'attempts', 'first_seen_at', 'last_seen_at', 'raw'],
  properties: {
    id: { type: 'string' },
    account: { type: 'string' },
    channel: { type: 'string' },
    marketplace_order_id: { type: 'string', description: 'The marketplace\'s order id, when the record has one.' },
    code: { type: 'string', description: 'Catalogue code of the reason (engine/errors.md): ORDER_UNMAPPABLE, STORE_ORDER_INVALID, STORE_CONSTRAINT_VIOLATION, STORE_RECORD_REFUSED.' },
    reason: { type: 'string', description: 'What is wrong, naming the field (e.g. `marketplace_status: missing`).' },
    attempts: { type: 'integer', description: 'How many times a sync met the record and could not store it.' },
    first_seen_at: { type: 'string', format: 'date-time' },
    last_seen_at: { type: 'string', format: 'date-time' },
    last_run: { type: 'string', description: 'The sync run that last met it.' },
    raw: { description: 'The record exactly as the marketplace sent it.' },
  },
} as const;

interface ListQuery {
  account?: string;
  channel?: string;
  marketplace_order_id?: string;
  limit: number;
  after?: string;
}

export function quarantineRoutes(ctx: ApiContext) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.get('/v1/quarantine', {
      schema: {
        tags: ['orders'],
        summary: 'Quarantined marketplace records',
        description: 'Records a sync could not store (the mapping refused them, or the store did), oldest first, with the reason\'s catalogue code and the payload as received. They did not block their page nor hold the cursor back; every later window retries them and a record leaves this list once it is stored.',
        security,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            account: { type: 'string', minLength: 1, description: 'Only this account (one of the token\'s; default: all of them).' },
            channel: { type: 'string', minLength: 1 },
            marketplace_order_id: { type: 'string', minLength: 1, maxLength: 200, description: 'The marketplace\'s own order id, exactly.' },
            limit: limitParam,
            after: { type: 'string', minLength: 1, description: 'Cursor from the previous page\'s `next`.' },
          },
        },
        response: { 200: pageOf(quarantinedRecordSchema), ...errorResponses() },
      },
    }, async (request, reply) => {
      const q = request.query as ListQuery;
      const page = await ctx.store.listQuarantine({
        account: scopedAccounts(request, q.account),
        limit: q.limit,
        ...(q.channel !== undefined && { channel: q.channel }),
        ...(q.marketplace_order_id !== undefined && { marketplace_order_id: q.marketplace_order_id }),
        ...(q.after !== undefined && { after: q.after }),
      });
      return { items: page.items, next: linkNext(request, reply, page.next) };
    });
  };
}
