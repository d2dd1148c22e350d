/**
 * Erasure requests (GDPR art. 17): a back office forwards a data subject's request and orderwire
 * redacts the personal data of that buyer's orders within the token's accounts
 * (engine/order/personal-data.ts says what is redacted). The e-mail is never logged.
 */
import type { FastifyInstance } from 'fastify';
import { removeOrderDocuments } from '../store/document-store.ts';
import { scopedAccounts } from './auth.ts';
import type { ApiContext } from './context.ts';
import { errorResponses, security } from './schemas.ts';

export function privacyRoutes(ctx: ApiContext) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.post('/v1/privacy/erasures', {
      schema: {
        tags: ['privacy'],
        summary: "Erase a buyer's personal data",
        description: "Redacts the buyer's and the addresses' personal data (names, e-mail, phones, addresses; in the order and its raw payload) of every order of this buyer e-mail (case-insensitive) within the token's accounts, whatever their status, and marks them `personal_data_redacted_at`. Later versions of these orders are stored redacted too. Orders already redacted are not counted again. The documents orderwire keeps for these orders (uploaded invoices, downloaded delivery slips: they carry the buyer's name and address) are deleted. Orders in a final status are redacted anyway after the retention period (config privacy.retention, default 180 days).",
        security,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['buyer_email'],
          properties: {
            buyer_email: { type: 'string', minLength: 3, maxLength: 320, pattern: '^[^@\\s]+@[^@\\s]+$', description: "The buyer's e-mail address as the marketplace gave it." },
            account: { type: 'string', minLength: 1, description: "Only this account (one of the token's; default: all of them)." },
          },
        },
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            required: ['orders', 'order_ids', 'documents_deleted'],
            properties: {
              orders: { type: 'integer', description: 'Orders redacted by this request.' },
              order_ids: { type: 'array', items: { type: 'string' } },
              documents_deleted: { type: 'integer', description: 'Documents of these orders deleted from the document store.' },
            },
          },
          ...errorResponses(413, 415),
        },
      },
    }, async (request) => {
      const body = request.body as { buyer_email: string; account?: string };
      const accounts = scopedAccounts(request, body.account, '/body/account');
      const ids = await ctx.store.erasePersonalData({ buyer_email: body.buyer_email, accounts });
      const documents = ctx.files ? await removeOrderDocuments(ctx.files, ids) : [];
      request.log.info({ orders: ids.length, documents: documents.length, accounts }, 'personal data erasure request');
      return { orders: ids.length, order_ids: ids, documents_deleted: documents.length };
    });
  };
}
