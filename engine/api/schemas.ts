/**
 * JSON Schema fragments of the API: route validation (strict: additionalProperties false on every
 * input object) and the OpenAPI document (@fastify/swagger reads the same route schemas).
 * Response schemas also drive serialization (fast-json-stringify), so open documents (the
 * normalized order, the channel description) are declared with additionalProperties: true.
 */
import { ACTION_NAMES } from '../vocabulary/action-kinds.ts';
import { ORDER_STATUSES } from '../vocabulary/statuses.ts';
import { BEARER_SCHEME } from './auth.ts';

/** The vocabulary (engine/vocabulary/), declared once, re-exported for the routes. */
export { ACTION_NAMES, ORDER_STATUSES };
export const ACTION_STATES = ['queued', 'sending', 'succeeded', 'failed', 'needs_attention', 'canceled'] as const;

export const problemSchema = {
  $id: 'Problem',
  type: 'object',
  description: 'RFC 9457 problem details (application/problem+json). `code` is a stable orderwire error code (engine/errors.md).',
  required: ['type', 'title', 'status', 'code', 'detail'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    code: { type: 'string' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      description: 'Every problem with the input: field is a JSON pointer into the request (/body/data/carrier, /query/limit).',
      items: {
        type: 'object',
        required: ['field', 'code', 'message'],
        properties: { field: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' }, suggestion: { type: 'string' } },
      },
    },
    acknowledged_version: { type: 'integer', description: 'ORDER_ACK_VERSION_OLDER: the version already acknowledged.' },
    pending_action: {
      type: 'object',
      description: 'ACTION_CONFLICTS_WITH_PENDING: the newest action pending on the order, which the submitted one would follow.',
      required: ['id', 'url', 'action', 'state'],
      properties: { id: { type: 'string' }, url: { type: 'string' }, action: { type: 'string' }, state: { type: 'string' } },
    },
  },
} as const;

const problemRef = { $ref: 'Problem#' } as const;

/** Error responses every authenticated route can give, plus the ones named. */
export function errorResponses(...extra: number[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const status of [400, 401, 403, 429, ...extra]) out[status] = { description: 'Problem', content: { 'application/problem+json': { schema: problemRef } } };
  return out;
}

export const security = [{ [BEARER_SCHEME]: [] }];

export const idParams = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 100 } },
} as const;

export const limitParam = { type: 'integer', minimum: 1, maximum: 1000, default: 100, description: 'Page size (at most 1000).' } as const;

export const acknowledgementSchema = {
  type: ['object', 'null'],
  description: 'What the back office reported for this order; null when nothing yet.',
  properties: {
    reference: { type: 'string' },
    acknowledged_version: { type: 'integer' },
    acknowledged_at: { type: 'string', format: 'date-time' },
    import_error: { type: 'string' },
    import_error_at: { type: 'string', format: 'date-time' },
  },
} as const;

export const orderSchema = {
  type: 'object',
  description: 'A stored order: orderwire\'s id, version and acknowledgement, then the normalized order (schemas/order.schema.json) without its raw marketplace payload unless asked for.',
  additionalProperties: true,
  required: ['id', 'version', 'account', 'channel', 'marketplace_order_id', 'status'],
  properties: {
    id: { type: 'string', description: 'orderwire\'s id of the order, stable across updates.' },
    version: { type: 'integer', description: 'Bumps on every stored change of the order.' },
    first_seen_at: { type: 'string', format: 'date-time' },
    last_changed_at: { type: 'string', format: 'date-time' },
    personal_data_redacted_at: {
      type: ['string', 'null'],
      format: 'date-time',
      description: 'When the buyer\'s and the addresses\' personal data were redacted (retention after the final status, privacy.retention, or an erasure request); null while they are kept.',
    },
    acknowledgement: acknowledgementSchema,
    account: { type: 'string' },
    channel: { type: 'string' },
    marketplace_order_id: { type: 'string' },
    status: { type: 'string', enum: [...ORDER_STATUSES] },
    marketplace_status: { type: 'string' },
    acceptance_deadline: { type: 'string', format: 'date-time', description: 'When the order must be accepted or refused: the marketplace\'s limit, else the channel\'s (deadlines.acceptance).' },
    shipping_deadline: { type: 'string', format: 'date-time', description: 'When the order must have shipped (Mirakl shipping_deadline, Octopia shippedAtMax).' },
    parcels: {
      type: 'array',
      description: 'Parcels shipped so far, oldest first (Mirakl shipments, Octopia parcels); absent when none. Each line of the order then has `shipped_quantity`, its units in them.',
      items: {
        type: 'object',
        required: ['lines'],
        properties: {
          id: { type: 'string', description: 'The marketplace\'s id of the parcel.' },
          carrier_code: { type: 'string' },
          carrier_name: { type: 'string' },
          tracking_number: { type: 'string' },
          tracking_url: { type: 'string' },
          shipped_at: { type: 'string', format: 'date-time' },
          lines: {
            type: 'array',
            description: 'The lines in the parcel and their units.',
            items: { type: 'object', required: ['id', 'quantity'], properties: { id: { type: 'string' }, quantity: { type: 'integer', minimum: 1 } } },
          },
        },
      },
    },
    has_invoice: { type: 'boolean', description: 'Whether the marketplace has the order\'s customer invoice (Mirakl has_invoice), where it says.' },
    documents: {
      type: 'array',
      description: 'Every document of the order (the same in the feed and on GET /v1/orders/{id}): those the marketplace lists (Mirakl OR72) and the invoices uploaded through orderwire, each with `url`, where to fetch it (GET /v1/documents/{id}) once orderwire stored it; [] when none.',
      items: {
        type: 'object',
        additionalProperties: true,
        properties: {
          id: { type: ['string', 'null'], description: 'orderwire\'s document id, null while a marketplace document is not downloaded yet.' },
          source: { type: 'string', enum: ['marketplace', 'upload'], description: 'Listed by the marketplace, or uploaded through orderwire (upload_invoice).' },
          type: { type: 'string', description: 'The marketplace\'s type code (SYSTEM_DELIVERY_BILL...), or upload_invoice.' },
          file_name: { type: ['string', 'null'] },
          size: { type: ['number', 'null'], description: 'Bytes.' },
          content_type: { type: ['string', 'null'], description: 'The stored document\'s content type; null until stored.' },
          url: { type: ['string', 'null'], description: 'Where to fetch it from this API; null until stored.' },
          marketplace_document_id: { type: 'string', description: 'source marketplace: the marketplace\'s document id.' },
          action_id: { type: 'string', description: 'source upload: the upload_invoice action that sends it.' },
          action_state: { type: 'string', enum: ['queued', 'sending', 'succeeded', 'failed', 'needs_attention', 'canceled'] },
        },
      },
    },
    invoice: {
      type: 'object',
      description: 'The invoice status. uploading: an upload_invoice action is queued or being sent; uploaded: the latest one succeeded, or the marketplace says it has the invoice (has_invoice); rejected: the latest one failed or needs attention; none otherwise.',
      required: ['status'],
      properties: {
        status: { type: 'string', enum: ['none', 'uploading', 'uploaded', 'rejected'] },
        action_id: { type: 'string', description: 'The latest upload_invoice action.' },
        marketplace_has_invoice: { type: 'boolean' },
      },
    },
  },
} as const;

export const actionSchema = {
  type: 'object',
  description: 'A seller action and its delivery state. `result` is the marketplace\'s answer; `error` why it failed.',
  additionalProperties: true,
  required: ['id', 'url', 'account', 'channel', 'marketplace_order_id', 'action', 'state', 'attempts'],
  properties: {
    id: { type: 'string' },
    url: { type: 'string', description: 'Where to poll it: /v1/actions/{id}.' },
    order_id: { type: ['string', 'null'] },
    account: { type: 'string' },
    channel: { type: 'string' },
    marketplace_order_id: { type: 'string' },
    action: { type: 'string', enum: [...ACTION_NAMES] },
    state: { type: 'string', enum: [...ACTION_STATES] },
    attempts: { type: 'integer' },
    idempotency_key: { type: 'string' },
    next_attempt_at: { type: 'string', format: 'date-time' },
    created_at: { type: 'string', format: 'date-time' },
    updated_at: { type: 'string', format: 'date-time' },
  },
} as const;

export function pageOf(items: Record<string, unknown>): Record<string, unknown> {
  return {
    type: 'object',
    required: ['items', 'next'],
    properties: {
      items: { type: 'array', items },
      next: { type: ['string', 'null'], description: 'Opaque cursor of the next page (also in the Link header, rel="next"); null on the last page.' },
    },
  };
}
