/**
 * What the back-office API keeps in the store (migration 002_api): API tokens (hashed),
 * acknowledgements, webhook endpoints and deliveries, counts for metrics. Part of the Store
 * interface (store.ts), implemented by both stores and covered by test/store-suite.ts.
 *
 * Webhook events are written by database triggers in the same transaction as the change that
 * causes them (an order event of type order.created / order.status_changed, an action reaching
 * succeeded, failed or needs_attention), and fanned out at once to one delivery per subscribed
 * live endpoint. Events happening while no endpoint exists are not recorded.
 */
import type { OrderStatus } from '../order/model.ts';
import { OrderwireError } from '../errors.ts';

export interface ApiToken {
  id: string;
  name: string;
  /** The first characters of the token, to recognise it in lists (never enough to use it). */
  prefix: string;
  accounts: string[];
  created_at: string;
  revoked_at?: string;
}

export interface OrderAcknowledgement {
  order_id: string;
  account: string;
  /** The back office's own order reference, once acknowledged. */
  reference?: string;
  /** The order version the back office imported; a later version is a change to pick up. */
  acknowledged_version?: number;
  acknowledged_at?: string;
  /** Last import error the back office reported (kept after a later acknowledgement). */
  import_error?: string;
  import_error_at?: string;
}

export type WebhookEventType = 'order.created' | 'order.status_changed' | 'order.refunded' | 'order.lines_canceled' | 'order.shipment_added' | 'order.document_available' | 'order.deadline_approaching' | 'action.succeeded' | 'action.failed';
export const WEBHOOK_EVENT_TYPES: readonly WebhookEventType[] = ['order.created', 'order.status_changed', 'order.refunded', 'order.lines_canceled', 'order.shipment_added', 'order.document_available', 'order.deadline_approaching', 'action.succeeded', 'action.failed'];

export interface WebhookEndpoint {
  id: string;
  url: string;
  description?: string;
  /** The API token that registered it (absent for endpoints registered before migration 007). */
  token_id?: string;
  accounts: string[];
  events: WebhookEventType[];
  created_at: string;
}

export interface NewWebhookEndpoint {
  url: string;
  accounts: string[];
  events: WebhookEventType[];
  description?: string;
  /** The API token registering it (counted against max_per_token). */
  token_id?: string;
  max_per_token?: number;
}

export interface WebhookEvent {
  /** Stable event id (`evt_<seq>`): the same in every delivery attempt, for deduplication. */
  id: string;
  type: WebhookEventType;
  account: string;
  data: Record<string, unknown>;
  created_at: string;
}

export type DeliveryState = 'pending' | 'delivered' | 'dead';

export interface WebhookDelivery {
  id: string;
  endpoint_id: string;
  /** Where to send it (claimed deliveries only). */
  url?: string;
  event: WebhookEvent;
  state: DeliveryState;
  attempts: number;
  next_attempt_at: string;
  last_status?: number;
  last_error?: string;
  last_attempt_at?: string;
  delivered_at?: string;
  created_at: string;
}

/** The outcome of one delivery attempt, recorded by the lease holder. */
export interface DeliveryAttempt {
  state: DeliveryState;
  attempts: number;
  next_attempt_at?: string;
  last_status?: number;
  last_error?: string;
  at: string;
}

/**
 * A page of the order feed as the API serves it, rendered by the store without parsing: each order
 * is the JSON text of an object holding the resource's own members (id, version, first_seen_at,
 * last_changed_at, personal_data_redacted_at, acknowledgement: orderResource) followed by the
 * stored document's members. Bytes, so the page is never decoded into strings nor encoded again.
 *
 * An order that lists no documents (no `documents` member) and has no `flag_action` action is
 * closed with `closings[has_invoice]` (the API's `documents` and `invoice` members): its item is
 * final. The others are flagged, and the caller renders them.
 *
 * The page's buffers are the caller's alone: the store keeps no reference to them and they view no
 * memory anything else uses, so the API frees a page's body once it is sent (api/release-body.ts).
 */
export type OrderFeedPage =
  | {
    /** No order flagged: the whole response body, `{"items":[...],"next":<cursor or null>}`, UTF-8. */
    body: Buffer;
    count: number;
    next?: string;
  }
  | {
    /** The orders' JSON texts (UTF-8), separated by one NUL byte each (never part of JSON text). */
    items: Buffer;
    count: number;
    /**
     * Positions (0-based) of the orders the caller renders itself (their texts end with the stored
     * document's closing brace): those listing documents, those with at least one action named
     * `flag_action`, and any whose stored document is not the text of a non-empty object.
     */
    flagged: number[];
    next?: string;
  };

/** The feed's response body around its items: `{"items":[` ... `],"next":<cursor or null>}`. */
export const FEED_OPEN = '{"items":[';
export const feedClose = (next: string | undefined): string => `],"next":${JSON.stringify(next ?? null)}}`;

/** What closes a final feed item (after the document's last member), by the order's has_invoice. */
export interface FeedClosings {
  absent: string;
  true: string;
  false: string;
}

export interface OrderFeedOptions {
  /** Orders with an action of this name are flagged (a lowercase action name). */
  flag_action: string;
  closings: FeedClosings;
}

/** The feed's flag action, checked: SQLite names it in the query's text (a partial index matches it there). */
export function feedFlagAction(options: OrderFeedOptions): string {
  if (!/^[a-z][a-z0-9_]*$/.test(options.flag_action)) {
    throw new OrderwireError('STORE_ARGUMENT_INVALID', `flag_action must be an action name, got ${JSON.stringify(options.flag_action)}`, { field: 'flag_action' });
  }
  return options.flag_action;
}

export interface ApiStore {
  /** Stores a token by its hash (the token itself is never given to the store). */
  createApiToken(token: { name: string; accounts: string[]; token_hash: string; prefix: string }): Promise<ApiToken>;
  /** The live (not revoked) token with this SHA-256 hash. */
  findApiToken(tokenHash: string): Promise<ApiToken | undefined>;
  listApiTokens(): Promise<ApiToken[]>;
  /** Revokes a token; undefined for an unknown id; revoking twice keeps the first revocation time. */
  revokeApiToken(id: string): Promise<ApiToken | undefined>;

  /**
   * Records the back office's reference for an order at a version. Versions only move forward:
   * the same version again is idempotent, an older one throws ORDER_ACK_VERSION_OLDER (details:
   * the recorded acknowledged_version).
   */
  acknowledgeOrder(ack: { order_id: string; account: string; reference: string; version: number }): Promise<OrderAcknowledgement>;
  /** Records an import error; the order stays unacknowledged (or at its earlier acknowledgement). */
  reportImportError(report: { order_id: string; account: string; message: string }): Promise<OrderAcknowledgement>;
  getAcknowledgements(orderIds: string[]): Promise<Map<string, OrderAcknowledgement>>;

  /**
   * Registers an endpoint. With `token_id` and `max_per_token`, atomically refuses
   * (WEBHOOK_LIMIT_REACHED) when the token already holds that many live endpoints.
   */
  createWebhookEndpoint(endpoint: NewWebhookEndpoint): Promise<WebhookEndpoint>;
  getWebhookEndpoint(id: string): Promise<WebhookEndpoint | undefined>;
  listWebhookEndpoints(): Promise<WebhookEndpoint[]>;
  /** Deletes an endpoint: no new deliveries, pending ones are not sent. False for an unknown id. */
  deleteWebhookEndpoint(id: string): Promise<boolean>;
  /**
   * Claims up to `limit` pending deliveries due at `now` whose lease is free or expired, for
   * `owner` (as claimActions does for actions: several daemons share the work).
   */
  claimWebhookDeliveries(owner: string, leaseMs: number, limit: number, now?: Date): Promise<WebhookDelivery[]>;
  /** Records an attempt and releases the lease; false when `owner` no longer holds it. */
  recordDeliveryAttempt(id: string, owner: string, attempt: DeliveryAttempt): Promise<boolean>;
  /** The delivery log of an endpoint, newest first; `before` is a delivery id from a previous page. */
  listWebhookDeliveries(endpointId: string, options?: { before?: string; limit?: number }): Promise<WebhookDelivery[]>;

  /** Orders per account and status (one GROUP BY, for the metrics gauge). */
  countOrdersByStatus(): Promise<Array<{ account: string; status: OrderStatus; count: number }>>;
}
