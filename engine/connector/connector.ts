/**
 * What the sync engine needs from a marketplace connection. One implementation, the declarative
 * connector, interprets channels/platforms/<platform>.yaml; strategies (auth, paginator,
 * extractor, mapper, request template) are small modules selected by `type`.
 */
import type { Channel } from '../channel/model.ts';
import type { NormalizedOrder } from '../order/model.ts';
import type { ActionRequest } from '../rules/request.ts';

export interface TimeWindow {
  /** Inclusive lower bound of the marketplace's update date (UTC). */
  from: Date;
  /** Exclusive upper bound (UTC). */
  to: Date;
  /** Which window this is, for logs and the request budget. */
  kind: 'incremental' | 'catch_up' | 'backfill' | 'manual';
}

export interface OrderPage {
  /** Orders of the page, mapped; `raw` on each keeps the marketplace payload intact. */
  orders: NormalizedOrder[];
  /** 1-based page number within this listing. */
  page: number;
  /** Marketplace records skipped on this page, with why (out of scope, unmappable). */
  skipped: Array<{ marketplace_order_id?: string; reason: string; code: string }>;
}

export interface ListResult {
  pages: number;
  records: number;
  requests: number;
  /**
   * The listing saw pages shift under it (e.g. Mirakl's total_count fell between pages because
   * orders were updated out of the window): a record may have been skipped, list the window again.
   */
  unstable?: boolean;
}

export type ActionOutcome =
  | { kind: 'succeeded'; response: unknown }
  /**
   * The marketplace said no (4xx other than 429): do not retry. `status` 0: orderwire could not
   * build the request (action not declared by the platform, a value missing); nothing was sent.
   */
  | { kind: 'rejected'; status: number; response: unknown; message: string }
  /** Timeout or connection lost after sending: it may or may not have taken effect. */
  | { kind: 'ambiguous'; message: string }
  /** 5xx / 429 / network error before the marketplace could act: safe to retry later. */
  | { kind: 'transient'; message: string; retryAfterMs?: number };

export interface AccountConnection {
  /** Account id from the config. */
  account: string;
  channel: Channel;
  baseUrl: string;
  /**
   * Root of the OAuth2 token endpoint when it differs from baseUrl (Octopia production:
   * https://auth.octopia-io.net); the platform's token path is appended to it.
   */
  authUrl?: string;
  /** Resolved credentials (from environment variables; never logged). */
  credentials: Readonly<Record<string, string>>;
}

export interface Connector {
  /**
   * Lists every order updated in the window, page by page. `onPage` is awaited before the next
   * page is requested, so the caller can commit each page (pages are streamed, never accumulated).
   */
  listOrders(window: TimeWindow, onPage: (page: OrderPage) => Promise<void>, signal?: AbortSignal): Promise<ListResult>;
  /** Reads one order back (after an action, or to resolve an ambiguous outcome). */
  getOrder(marketplaceOrderId: string, signal?: AbortSignal): Promise<NormalizedOrder | undefined>;
  /** Sends the HTTP request(s) of one validated action. */
  sendAction(request: ActionRequest, order: NormalizedOrder, signal?: AbortSignal): Promise<ActionOutcome>;
  close(): Promise<void>;
}
