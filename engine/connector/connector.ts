/**
 * What the sync engine needs from a marketplace connection. One implementation, the declarative
 * connector, interprets channels/platforms/<platform>.yaml; strategies (auth, paginator,
 * extractor, mapper, request template) are small modules selected by `type`.
 */
import type { Channel } from '../channel/model.ts';
import type { MarketplaceDocument, NormalizedOrder } from '../order/model.ts';
import type { DownloadSink, SavedFile } from './http/client.ts';
import type { ActionRequest } from '../rules/request.ts';
import type { FetchedList } from './reference-lists.ts';

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
  /** Marketplace records left out on purpose (outside the channel's scope), with why. */
  skipped: Array<{ marketplace_order_id?: string; reason: string; code: string }>;
  /** Marketplace records that could not be mapped, with why and the payload: the caller quarantines them. */
  unmapped: UnmappedRecord[];
}

/** A record the mapping refused: the order id when it has one, the catalogue code, why, the payload. */
export interface UnmappedRecord {
  marketplace_order_id?: string;
  code: string;
  reason: string;
  raw: unknown;
}

/** One marketplace record through the platform mapping and the channel: an order, left out, or unmapped. */
export type RecordOutcome =
  | { order: NormalizedOrder }
  | { skip: { marketplace_order_id?: string; reason: string; code: string } }
  | { unmapped: UnmappedRecord };

export interface ListResult {
  pages: number;
  records: number;
  requests: number;
  /**
   * The listing could not prove it saw every record of the window: its pages kept moving past the
   * re-read budget, or it saw fewer distinct records than the total count announced. List the
   * window again; never move the cursor past it.
   */
  unstable?: boolean;
  /** Distinct records handed over (each once per listing). */
  distinct?: number;
  /** The total count the last page announced, when the marketplace gives one. */
  total?: number;
  /** Pages read again because they shared no record with the page before (the list moved). */
  backSteps?: number;
}

/**
 * How sending an action ended. `step` is the 0-based index of the request that ended it among the
 * action's requests (an action may take several: Mirakl's ship is OR23 then OR24).
 */
export type ActionOutcome =
  /** Every request answered 2xx; `response`: one {endpoint, status, body} per request sent now. */
  | { kind: 'succeeded'; response: unknown }
  /**
   * The marketplace said no (4xx other than 429): do not retry. `status` 0: orderwire could not
   * build the request (action not declared by the platform, a value missing); nothing was sent.
   */
  | { kind: 'rejected'; status: number; response: unknown; message: string; step: number }
  /** It may or may not have taken effect (5xx, reset or timeout after sending): read the order back. */
  | { kind: 'ambiguous'; message: string; step: number }
  /** Proven not to have reached the marketplace (refused connection, DNS, 429 + Retry-After): send again later. */
  | { kind: 'transient'; message: string; retryAfterMs?: number; step: number };

export interface SendActionOptions {
  signal?: AbortSignal;
  /** Requests already completed by earlier attempts: start after them (default 0). */
  fromStep?: number;
  /**
   * Called after each request answered 2xx, with how many are now done, before the next request
   * is sent; the caller records it (and aborts `signal` to stop before the next one).
   */
  onStepDone?: (stepsDone: number, endpoint: string) => Promise<void>;
}

/**
 * What a read-back says of an action (the platform's effect check, see connector/effects/):
 * took effect; not yet (safe to send, resuming after `stepsDone` requests whose effect already
 * shows); unclear (a human looks: `reason`, and `evidence` of what the order showed).
 */
export type EffectReading =
  | { verdict: 'took_effect'; evidence: Readonly<Record<string, unknown>> }
  | { verdict: 'not_yet'; evidence: Readonly<Record<string, unknown>>; stepsDone?: number }
  | { verdict: 'unclear'; evidence: Readonly<Record<string, unknown>>; reason: string };

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
   * Lists every order updated in the window, page by page, handing each page to `onPage` in
   * order and awaiting it before handing over the next. The next page is already requested while
   * `onPage` runs (at most one page ahead), so memory stays bounded: pages are streamed, never
   * accumulated.
   */
  listOrders(window: TimeWindow, onPage: (page: OrderPage) => Promise<void>, signal?: AbortSignal): Promise<ListResult>;
  /**
   * Maps one marketplace record as a listing would (platform mapping, channel statuses and
   * scope), without a request: quarantined records are retried through it by later windows.
   */
  mapRecord(record: unknown): RecordOutcome;
  /** Reads one order back (after an action, or to resolve an ambiguous outcome). */
  getOrder(marketplaceOrderId: string, signal?: AbortSignal): Promise<NormalizedOrder | undefined>;
  /** Sends the HTTP request(s) of one validated action, from `options.fromStep` on. */
  sendAction(request: ActionRequest, order: NormalizedOrder, options?: SendActionOptions): Promise<ActionOutcome>;
  /** The facts of the order the effect check compares a later read-back with (JSON; kept with the action before its first send). */
  effectBaseline(request: ActionRequest, order: NormalizedOrder): unknown;
  /** Whether the order read back shows the action took effect (pure: no request). */
  checkEffect(request: ActionRequest, readBack: NormalizedOrder, baseline: unknown): EffectReading;
  /**
   * Reads one reference list the platform declares (`lists.<name>`: carriers, reasons) from the
   * account's marketplace, without taking the endpoint's budget (the caller keeps it).
   */
  fetchList(name: string, signal?: AbortSignal): Promise<FetchedList>;
  /** The endpoint of a reference list the platform declares and its budget, if any (undefined: not declared). */
  listSource(name: string): { endpoint: string; budget?: { limit: number; perMs: number } } | undefined;
  /**
   * Downloads one document the marketplace lists on the order (platform `documents.download`),
   * streamed into `saveTo.write` (the document store's sink: never held in memory; past `maxBytes`
   * it stops and throws DOCUMENT_TOO_LARGE). Throws CONNECTOR_DOCUMENTS_UNSUPPORTED where the
   * platform declares none.
   */
  downloadDocument(order: NormalizedOrder, document: MarketplaceDocument, saveTo: { write: DownloadSink; maxBytes: number }, signal?: AbortSignal): Promise<SavedFile>;
  close(): Promise<void>;
}
