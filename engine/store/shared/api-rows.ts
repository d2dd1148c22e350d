/**
 * Rows of the back-office API tables (migration 002_api) to interface objects, for both drivers,
 * and the id formats of webhook events and deliveries (`evt_<seq>`, `dlv_<seq>`).
 */
import { OrderwireError } from '../../errors.ts';
import type { ApiToken, OrderAcknowledgement, WebhookDelivery, WebhookEndpoint, WebhookEvent } from '../api-store.ts';
import type { JsonDecoder, Row } from './rows.ts';
import { toIso, toIsoOrUndefined } from './time.ts';

export const eventId = (seq: unknown): string => `evt_${Number(seq)}`;
export const deliveryId = (seq: unknown): string => `dlv_${Number(seq)}`;

/** The seq of a delivery id, or undefined when `id` is not one (an unknown id, not an error). */
export function deliverySeq(id: string): number | undefined {
  const match = /^dlv_(\d{1,15})$/.exec(id);
  return match ? Number(match[1]) : undefined;
}

export function requireDeliverySeq(id: string, field: string): number {
  const seq = deliverySeq(id);
  if (seq === undefined) throw new OrderwireError('STORE_ARGUMENT_INVALID', `${field} must be a delivery id (dlv_<n>), got ${JSON.stringify(id)}`, { field });
  return seq;
}

function set<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

const optText = (value: unknown): string | undefined => (value === null || value === undefined ? undefined : String(value));
const optNumber = (value: unknown): number | undefined => (value === null || value === undefined ? undefined : Number(value));

export function tokenFromRow(row: Row, json: JsonDecoder): ApiToken {
  const token: ApiToken = {
    id: String(row.id),
    name: String(row.name),
    prefix: String(row.prefix),
    accounts: json(row.accounts) as string[],
    created_at: toIso(row.created_at),
  };
  set(token, 'revoked_at', toIsoOrUndefined(row.revoked_at));
  return token;
}

export function ackFromRow(row: Row): OrderAcknowledgement {
  const ack: OrderAcknowledgement = { order_id: String(row.order_id), account: String(row.account) };
  set(ack, 'reference', optText(row.reference));
  set(ack, 'acknowledged_version', optNumber(row.acknowledged_version));
  set(ack, 'acknowledged_at', toIsoOrUndefined(row.acknowledged_at));
  set(ack, 'import_error', optText(row.import_error));
  set(ack, 'import_error_at', toIsoOrUndefined(row.import_error_at));
  return ack;
}

export function endpointFromRow(row: Row, json: JsonDecoder): WebhookEndpoint {
  const endpoint: WebhookEndpoint = {
    id: String(row.id),
    url: String(row.url),
    accounts: json(row.accounts) as string[],
    events: json(row.events) as WebhookEndpoint['events'],
    created_at: toIso(row.created_at),
  };
  set(endpoint, 'description', optText(row.description));
  set(endpoint, 'token_id', optText(row.token_id));
  return endpoint;
}

/** A delivery row joined with its event (columns event_type, event_account, event_data, event_created_at) and, when claimed, the endpoint url. */
export function deliveryFromRow(row: Row, json: JsonDecoder): WebhookDelivery {
  const event: WebhookEvent = {
    id: eventId(row.event_seq),
    type: row.event_type as WebhookEvent['type'],
    account: String(row.event_account),
    data: json(row.event_data) as Record<string, unknown>,
    created_at: toIso(row.event_created_at),
  };
  const delivery: WebhookDelivery = {
    id: deliveryId(row.seq),
    endpoint_id: String(row.endpoint_id),
    event,
    state: row.state as WebhookDelivery['state'],
    attempts: Number(row.attempts),
    next_attempt_at: toIso(row.next_attempt_at),
    created_at: toIso(row.created_at),
  };
  set(delivery, 'url', optText(row.url));
  set(delivery, 'last_status', optNumber(row.last_status));
  set(delivery, 'last_error', optText(row.last_error));
  set(delivery, 'last_attempt_at', toIsoOrUndefined(row.last_attempt_at));
  set(delivery, 'delivered_at', toIsoOrUndefined(row.delivered_at));
  return delivery;
}

/** SELECT list and FROM of deliveries with their event (and endpoint url). */
export const DELIVERY_SELECT = `SELECT d.*, ev.type AS event_type, ev.account AS event_account, ev.data AS event_data, ev.created_at AS event_created_at, e.url AS url
  FROM webhook_deliveries d JOIN webhook_events ev ON ev.seq = d.event_seq JOIN webhook_endpoints e ON e.id = d.endpoint_id`;

/**
 * Acknowledgements only move forward: written when none is recorded or the recorded version is not
 * newer; the same version and reference again leave it as it was (idempotent), an older version
 * is refused with the one recorded.
 */
export const ACK_UPSERT_SET = `reference = excluded.reference, acknowledged_version = excluded.acknowledged_version,
  acknowledged_at = CASE WHEN order_acks.acknowledged_version = excluded.acknowledged_version AND order_acks.reference = excluded.reference
    THEN order_acks.acknowledged_at ELSE excluded.acknowledged_at END,
  updated_at = excluded.updated_at
  WHERE order_acks.acknowledged_version IS NULL OR order_acks.acknowledged_version <= excluded.acknowledged_version`;

export function ackVersionOlder(orderId: string, requested: number, recorded: number): OrderwireError {
  return new OrderwireError('ORDER_ACK_VERSION_OLDER', `order ${orderId} is acknowledged at version ${recorded}; version ${requested} is older`, { order_id: orderId, acknowledged_version: recorded });
}

export function endpointLimitReached(max: number): OrderwireError {
  return new OrderwireError('WEBHOOK_LIMIT_REACHED', `this token already holds ${max} live webhook endpoints, the most allowed; delete one first`, { max });
}
