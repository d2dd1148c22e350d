/**
 * Order documents over HTTP:
 * - POST /v1/orders/{id}/documents: a multipart/form-data upload of an action that carries a file
 *   (upload_invoice): text parts `action` and `data` (JSON) first, then the file, in a part named
 *   after the action's `file` field. The file streams into the document store (never whole in
 *   memory), refused past the channel's `max_bytes` (413 DOCUMENT_TOO_LARGE, nothing kept); the
 *   action is then submitted exactly as POST /v1/orders/{id}/actions would, with the stored
 *   document in its data. A refused action or a replay (same Idempotency-Key) keeps no copy.
 * - GET /v1/documents/{id}: the document's bytes with its content type, to tokens of its account.
 */
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Channel, ActionName } from '../channel/model.ts';
import type { OrderwireError } from '../errors.ts';
import type { DocumentStore, StoredFile } from '../store/document-store.ts';
import { apiIdempotencyKey, submitFromApi } from './actions.ts';
import { inScope } from './auth.ts';
import type { ApiContext } from './context.ts';
import { apiError } from './problem.ts';
import { actionResource, actionUrl } from './resources.ts';
import { actionSchema, errorResponses, idParams, security } from './schemas.ts';

/** No upload is larger than this, whatever a channel declares. */
export const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;

/** The largest file a channel's action takes in its field `name`; undefined when that is no file field. */
export function fileFieldLimit(channel: Channel, action: string, name: string): number | undefined {
  const spec = channel.actions[action as ActionName];
  let limit: number | undefined;
  for (const inStatus of Object.values(spec?.byStatus ?? {})) {
    const field = inStatus?.fields[name];
    if (field?.type === 'file') limit = Math.max(limit ?? 0, field.maxBytes ?? MAX_UPLOAD_BYTES);
  }
  return limit;
}

function invalid(field: string, code: string, message: string): OrderwireError {
  return apiError('API_REQUEST_INVALID', message, [{ field, code, message }]);
}

/** A header-safe file name: no quotes, controls or path separators. */
function dispositionName(name: string): string {
  return name.replace(/[^\w.\- ]+/g, '_').slice(0, 200) || 'document';
}

export function documentRoutes(ctx: ApiContext) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const files = (): DocumentStore => {
      if (!ctx.files) throw apiError('DOCUMENT_NOT_FOUND', 'this server keeps no documents');
      return ctx.files;
    };

    async function storeUpload(request: FastifyRequest, orderId: string): Promise<{ account: string; action: string; data: Record<string, unknown>; stored: StoredFile; field: string }> {
      const found = await ctx.store.getOrderById(orderId);
      if (!found || !inScope(request, found.order.account)) throw apiError('ORDER_NOT_FOUND', `no order ${orderId} in this token's accounts`);
      const account = ctx.accounts.get(found.order.account);
      if (!account) throw apiError('SYNC_ACCOUNT_UNKNOWN', `account ${found.order.account} is not configured in this daemon`);
      if (!request.isMultipart()) throw apiError('API_UNSUPPORTED_MEDIA_TYPE', 'send the document as multipart/form-data: parts action, data (JSON), then the file');
      let action = 'upload_invoice';
      let data: Record<string, unknown> = {};
      let stored: StoredFile | undefined;
      let field = '';
      try {
        for await (const part of request.parts({ limits: { files: 1, fields: 4, fieldSize: 64 * 1024, fileSize: MAX_UPLOAD_BYTES } })) {
          if (part.type === 'field') {
            if (stored) throw invalid(`/body/${part.fieldname}`, 'API_REQUEST_INVALID', 'send the text parts (action, data) before the file');
            const value = String(part.value);
            if (part.fieldname === 'action') action = value;
            else if (part.fieldname === 'data') {
              try {
                const parsed = JSON.parse(value) as unknown;
                if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
                data = parsed as Record<string, unknown>;
              } catch {
                throw invalid('/body/data', 'API_REQUEST_INVALID', 'data must be a JSON object, e.g. {"invoice_number": "F-42"}');
              }
            } else throw invalid(`/body/${part.fieldname}`, 'API_REQUEST_INVALID', `unknown part ${part.fieldname} (action, data, then the file)`);
            continue;
          }
          stored = await storeFile(part, account.channel, action, { account: found.order.account, order_id: found.id });
          field = part.fieldname;
          data[part.fieldname] = { id: stored.id, file_name: stored.file_name, content_type: stored.content_type, size: stored.size, sha256: stored.sha256 };
        }
      } catch (err) {
        if (stored) await files().remove(stored.id);
        throw err;
      }
      if (!stored) throw invalid('/body/file', 'ACTION_FIELD_REQUIRED', `no file part: send the file in the part named after ${action}'s file field`);
      return { account: found.order.account, action, data, stored, field };
    }

    async function storeFile(part: MultipartFile, channel: Channel, action: string, owner: { account: string; order_id: string }): Promise<StoredFile> {
      const limit = fileFieldLimit(channel, action, part.fieldname);
      if (limit === undefined) {
        part.file.resume();
        throw invalid(`/body/${part.fieldname}`, 'ACTION_FIELD_UNKNOWN', `${part.fieldname} is not a file field of ${action} on channel ${channel.id} (GET /v1/channels/${channel.id} lists its fields)`);
      }
      const stored = await files().put(part.file, { file_name: part.filename, content_type: part.mimetype, maxBytes: Math.min(limit, MAX_UPLOAD_BYTES), owner });
      if (part.file.truncated) {
        await files().remove(stored.id);
        throw apiError('DOCUMENT_TOO_LARGE', `${part.filename} is larger than ${MAX_UPLOAD_BYTES} bytes`);
      }
      return stored;
    }

    app.post('/v1/orders/:id/documents', {
      schema: {
        tags: ['actions'],
        summary: 'Upload a document with the action that sends it (an invoice)',
        description: 'multipart/form-data: the text part `action` (default upload_invoice), the text part `data` (JSON: the action\'s other fields), then the file in a part named after the action\'s `file` field (GET /v1/channels/{id} lists it with its content_types and max_bytes). The file streams into the document store; a file over the field\'s max_bytes is refused with 413 DOCUMENT_TOO_LARGE, one of another type with 422 (ACTION_FILE_TYPE_NOT_ALLOWED). Then the action is validated and queued as POST /v1/orders/{id}/actions does, Idempotency-Key included.',
        consumes: ['multipart/form-data'],
        security,
        params: idParams,
        response: {
          200: { ...actionSchema, description: 'The same request was already submitted with this Idempotency-Key, or is still pending: nothing new was kept.' },
          202: { ...actionSchema, description: 'Stored and queued. Poll the URL in Location.' },
          ...errorResponses(404, 409, 413, 415, 422),
        },
      },
    }, async (request, reply) => {
      const { id } = request.params as { id: string };
      const { account, action, data, stored, field } = await storeUpload(request, id);
      // A replay under the same Idempotency-Key carries a new copy of the file: it is the same
      // request when it sends the same action with the same file (by SHA-256), and keeps no copy.
      const key = request.headers['idempotency-key'];
      const byKey = typeof key === 'string' ? await ctx.store.getActionByKey(apiIdempotencyKey(account, key)) : undefined;
      if (byKey) {
        await files().remove(stored.id);
        const earlier = byKey.request.data[field] as { sha256?: string } | undefined;
        if (byKey.action !== action || earlier?.sha256 !== stored.sha256) {
          throw apiError('STORE_IDEMPOTENCY_KEY_REUSED', `Idempotency-Key ${JSON.stringify(key)} was used for action ${byKey.id} (${byKey.action}) with another file`, undefined, { action_id: byKey.id });
        }
        reply.code(200).header('Location', actionUrl(byKey.id));
        return actionResource(byKey, id);
      }
      try {
        const answer = await submitFromApi(ctx, request, reply, id, { action, data });
        if (reply.statusCode !== 202) await files().remove(stored.id);
        return answer;
      } catch (err) {
        await files().remove(stored.id);
        throw err;
      }
    });

    app.get('/v1/documents/:id', {
      schema: {
        tags: ['orders'],
        summary: 'A document\'s bytes, with its content type',
        description: 'An invoice uploaded with an action, or a document downloaded from the marketplace. Content-Disposition gives its file name; X-Content-SHA256 its digest.',
        security,
        params: idParams,
        response: { 200: { description: 'The document', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } }, ...errorResponses(404) },
      },
    }, async (request, reply) => {
      const { id } = request.params as { id: string };
      const meta = await files().get(id);
      if (!meta || meta.account === undefined || !inScope(request, meta.account)) throw apiError('DOCUMENT_NOT_FOUND', `no document ${id} in this token's accounts`);
      return reply
        .type(meta.content_type)
        .header('content-disposition', `attachment; filename="${dispositionName(meta.file_name)}"`)
        .header('x-content-sha256', meta.sha256)
        .header('content-length', String(meta.size))
        .send(files().open(id));
    });
  };
}
