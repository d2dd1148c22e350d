/**
 * The store interface. SQLite (embedded default) and PostgreSQL (several daemons) implement it
 * with the same portable SQL and pass the same test suite (test/store-suite.ts).
 *
 * Exactly-once rules it enforces:
 * - orders are unique by (account, channel, marketplace_order_id);
 * - an older version never overwrites a newer one (compare updated_at);
 * - a window's cursor advances in the same transaction as the orders it covers;
 * - an action is stored once per idempotency key, and claimed by one worker at a time (lease).
 *
 * Timestamps are compared as instants (millisecond precision), never as strings: inputs must carry
 * a time zone (Z or +hh:mm) and are returned as UTC ISO with a Z suffix.
 */
import type { ActionName, NormalizedStatus } from '../channel/model.ts';
import type { NormalizedOrder, OrderStatus } from '../order/model.ts';
import type { ActionRequest } from '../rules/request.ts';
import type { ApiStore, OrderFeedOptions, OrderFeedPage } from './api-store.ts';
import type { StoredFile } from './document-store.ts';

export type * from './api-store.ts';

export type WindowKind = 'incremental' | 'catch_up';

export interface StoredOrder {
  /** Store-wide id, stable across updates (used by the API). */
  id: string;
  order: NormalizedOrder;
  /** Monotonic version: bumps on every stored change. */
  version: number;
  /** When orderwire first stored / last changed it (UTC ISO). */
  first_seen_at: string;
  last_changed_at: string;
  /** When the buyer's and the addresses' personal data were redacted (retention or erasure). */
  personal_data_redacted_at?: string;
}

/**
 * A stored order as the feed serves it: the normalized order without raw as its stored JSON text,
 * never parsed (the API splices it into the page).
 */
export interface StoredOrderDocument extends Omit<StoredOrder, 'order'> {
  /** The normalized order without `raw`: the JSON text of an object, as stored. */
  document: string;
}

/** A data subject's erasure request: every order of this buyer e-mail (case-insensitive). */
export interface ErasureRequest {
  buyer_email: string;
  /** Only orders of these accounts (an API token's scope); every account when absent. */
  accounts?: readonly string[];
}

export interface OrderEvent {
  /** Global, strictly increasing sequence (the change feed's cursor). */
  seq: number;
  order_id: string;
  account: string;
  channel: string;
  marketplace_order_id: string;
  /**
   * `order.refunded`: refunds were recorded on lines since the stored version (details.lines, one
   * entry per line: what was added); `order.lines_canceled`: the same for cancelations;
   * `order.shipment_added`: lines gained units in parcels (details.lines: the units per line).
   */
  type: 'order.created' | 'order.status_changed' | 'line.status_changed' | 'order.updated' | 'order.refunded' | 'order.lines_canceled' | 'order.shipment_added' | 'order.document_available';
  line_id?: string;
  from_status?: OrderStatus;
  to_status?: OrderStatus;
  from_marketplace_status?: string;
  to_marketplace_status?: string;
  /** order.refunded and order.lines_canceled: per line, the quantity and amounts added; order.shipment_added: per line, the units shipped; order.document_available: the document (and no lines). */
  details?: { lines: Array<EventLineAmounts | EventLineUnits>; document?: EventDocument };
  at: string;
}

/**
 * order.document_available: a document of the order can be fetched from orderwire (a marketplace
 * document downloaded into the document store), or the marketplace confirmed the invoice uploaded.
 */
export interface EventDocument {
  /** orderwire's document id (GET /v1/documents/{id}). */
  id: string;
  source: 'marketplace' | 'upload';
  /** The marketplace's type code, or upload_invoice. */
  type: string;
  file_name: string;
  content_type: string;
  size: number;
  url: string;
  marketplace_document_id?: string;
  action_id?: string;
}

/** A document event to record: the order it belongs to and the document. */
/** A marketplace document whose download failed: who it belongs to, and why. */
export interface DocumentDownloadFailure {
  /** The document's store id (marketplaceDocumentFileId). */
  id: string;
  order_id: string;
  account: string;
  channel: string;
  marketplace_order_id: string;
  /** The marketplace's document id. */
  document_id: string;
  error: string;
  at: Date;
}

/** How failed downloads are tried again: after `baseDelayMs`, doubling up to `maxDelayMs`; given up after `maxAttempts`. */
export interface DownloadRetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface PendingDownload extends Omit<DocumentDownloadFailure, 'error' | 'at'> {
  attempts: number;
  next_attempt_at: string;
  last_error: string;
  gave_up_at?: string;
}

/** A document kept in the database: its metadata, the content holding its bytes and how many chunks it has. */
export interface StoredFileRecord extends StoredFile {
  content: string;
  chunks: number;
}

export interface NewDocumentEvent {
  order_id: string;
  account: string;
  channel: string;
  marketplace_order_id: string;
  document: EventDocument;
  at?: string;
}

/** order.shipment_added: units of a line in the parcels added. */
export interface EventLineUnits {
  line_id: string;
  quantity: number;
}

export interface EventLineAmounts {
  line_id: string;
  quantity: number;
  amount: number;
  shipping_amount: number;
}

export interface UpsertResult {
  inserted: number;
  updated: number;
  /** Same updated_at and same content: nothing to do. */
  unchanged: number;
  /** Older than what is stored: ignored. */
  stale: number;
  events: number;
  /**
   * With `isolate`: the orders the store refused (index in the input, catalogue code, why); every
   * other order of the batch is committed. Absent without `isolate` (a refusal throws instead).
   */
  rejected?: RejectedOrder[];
}

export interface RejectedOrder {
  index: number;
  code: string;
  message: string;
}

/**
 * An order the store prepared when its page was read (Store.prepareOrder): the texts it writes,
 * its hash and the few fields it keys and compares on, without the parsed marketplace record. A
 * sync that buffers these instead of normalized orders keeps texts alive between commits (in a
 * text arena, off V8's heap, where the store has them) rather than object trees. Opaque but for what a
 * caller needs when the order is refused (its id, and its record as received, as JSON text).
 */
/** What Store.batchTexts gives: opaque to its callers but for release. */
export interface BatchTexts {
  /** Its space is reused by the orders prepared into it next; those prepared before can no longer be written. */
  release(): void;
}

export interface PreparedOrderToCommit {
  readonly prepared: true;
  readonly marketplace_order_id: string;
  /** The marketplace's record as JSON text. */
  readonly raw: string;
}

/** What commitOrders takes: normalized orders, or orders the store prepared already. */
export type OrderToCommit = NormalizedOrder | PreparedOrderToCommit;

export interface CommitOptions {
  /**
   * Per-record isolation: an order that fails the store's checks, or whose write the database
   * refuses, is left out and reported in `rejected` (the rest is committed: a refused batch is
   * written again order by order, each under its own savepoint) instead of failing the batch.
   */
  isolate?: boolean;
}

/**
 * A marketplace record a sync could not store (mapping, validation or the insert failed), kept
 * with its payload so it blocks nothing, is shown to the operator and is retried by later windows.
 */
export interface QuarantinedRecord {
  id: string;
  account: string;
  channel: string;
  /** The marketplace's order id, when the record has one. */
  marketplace_order_id?: string;
  /** Catalogue code of the reason (ORDER_UNMAPPABLE, STORE_ORDER_INVALID, STORE_CONSTRAINT_VIOLATION, ...). */
  code: string;
  reason: string;
  /** The record exactly as the marketplace sent it. */
  raw: unknown;
  /** How many times a sync met it and could not store it. */
  attempts: number;
  first_seen_at: string;
  last_seen_at: string;
  /** The sync run that last met it. */
  last_run?: string;
}

/** One value of a reference list as the marketplace serves it (a carrier, a reason). */
export interface ReferenceListValue {
  code: string;
  label: string;
  /** Carriers: the tracking URL template with {trackingId}, when the marketplace gives one. */
  tracking_url?: string;
}

/**
 * A channel's value list as one account's marketplace serves it (channel `lists.<name>.live`),
 * with when it was fetched. Kept across failures: a failed refresh records the attempt and its
 * error, and leaves the last fetched values in place.
 */
export interface StoredReferenceList {
  account: string;
  channel: string;
  /** The channel's list name (`carriers`, `refund_reasons`). */
  list: string;
  /** The platform's live source it comes from (`carriers` = Mirakl SH21). */
  source: string;
  /** The values last fetched; null while no fetch has succeeded. */
  values: ReferenceListValue[] | null;
  fetched_at?: string;
  /** The last attempt, successful or not. */
  attempted_at: string;
  /** Why the last attempt failed (absent after a success). */
  error?: string;
  /** Failed attempts since the last success. */
  failures: number;
}

export interface NewReferenceList {
  account: string;
  channel: string;
  list: string;
  source: string;
  values: ReferenceListValue[];
  fetched_at: string;
}

export interface ReferenceListFailure {
  account: string;
  channel: string;
  list: string;
  source: string;
  attempted_at: string;
  error: string;
}

export type NewQuarantinedRecord = Pick<QuarantinedRecord, 'account' | 'channel' | 'code' | 'reason' | 'raw'> & {
  marketplace_order_id?: string;
  run?: string;
};

export interface QuarantineFilter {
  account?: string | string[];
  channel?: string;
  marketplace_order_id?: string;
  /** Only the records this sync run met last. */
  run?: string;
  /** Opaque cursor from a previous page (records are listed oldest first). */
  after?: string;
  limit?: number;
}

export interface Cursor {
  account: string;
  channel: string;
  kind: WindowKind;
  /** Upper bound of the last committed window (UTC ISO). */
  position: string;
  updated_at: string;
}

export type ActionState = 'queued' | 'sending' | 'succeeded' | 'failed' | 'needs_attention' | 'canceled';

/**
 * The worker's own bookkeeping of an action, never shown by the API nor in webhooks (`result`
 * is what they show).
 */
export interface ActionProgress {
  /** How many of the action's requests completed (2xx), in order: the next attempt starts after them. */
  steps_done?: number;
  /** The last attempt ended without knowing whether the marketplace acted: read the order back first. */
  unsure?: { step: number; message: string };
  /** The order's facts before the first send, the reference of the effect check. */
  baseline?: unknown;
}

export interface StoredAction {
  id: string;
  idempotency_key: string;
  account: string;
  channel: string;
  marketplace_order_id: string;
  action: ActionName;
  request: ActionRequest;
  state: ActionState;
  attempts: number;
  /** Earliest time the worker may (re)try it. */
  next_attempt_at: string;
  /** The marketplace's last answer or the error, as JSON. */
  result?: unknown;
  error?: { code: string; message: string };
  /** Internal to the worker (see ActionProgress); stripped from everything served. */
  progress?: ActionProgress;
  /** The request as submitted (internal: recognises a repeated submission). */
  fingerprint?: string;
  created_at: string;
  updated_at: string;
  lease_owner?: string;
  lease_until?: string;
}

export interface SyncRun {
  id: string;
  account: string;
  channel: string;
  kind: WindowKind | 'backfill' | 'manual';
  window_from: string;
  window_to: string;
  started_at: string;
  finished_at?: string;
  /** `abandoned`: the process running it died; the account's next run closed it. */
  state: 'running' | 'succeeded' | 'failed' | 'abandoned';
  pages: number;
  orders: number;
  requests: number;
  errors: number;
  /** Records of the run left in quarantine (they did not hold the cursor back). */
  quarantined: number;
  error_message?: string;
}

export interface OrderFilter {
  account?: string | string[];
  channel?: string;
  status?: OrderStatus;
  marketplace_status?: string;
  /** The marketplace's own order id, exactly (an operator's search). */
  marketplace_order_id?: string;
  /** The marketplace's updated_at >= this instant. */
  updated_since?: string;
  /** The deadline of the order's next step (acceptance, then shipping) is before this instant. */
  due_before?: string;
  delivered_by_marketplace?: boolean;
  /** Hide marketplace-fulfilled orders of these accounts (accounts not importing them). */
  hide_delivered_by_marketplace_of?: string[];
  /** true: acknowledged by the back office (at any version); false: never acknowledged. */
  acknowledged?: boolean;
  /** true: acknowledged, and changed since (version > acknowledged version). */
  changed_since_ack?: boolean;
  /**
   * Opaque cursor from a previous page. Orders are listed in the order of their last stored change
   * (a store-wide change sequence), so a walk that follows `next` to the end returns every order
   * stored when it started, none skipped; an order changed during the walk moves to the end of the
   * feed and is returned again in its new version; an order not changed during it is returned once.
   */
  after?: string;
  limit?: number;
}

export interface Page<T> {
  items: T[];
  /** Cursor for the next page, absent on the last page. */
  next?: string;
}

/** A worker's change to a claimed action; `null` clears result, error or progress. */
export type ActionPatch = Partial<Pick<StoredAction, 'state' | 'attempts' | 'next_attempt_at'>> & {
  result?: unknown;
  error?: StoredAction['error'] | null;
  progress?: ActionProgress | null;
  release?: boolean;
};

export interface NewAction {
  idempotency_key: string;
  request: ActionRequest;
  /** The request as submitted, before validation (submit-action.ts): recognises a repeated submission. */
  fingerprint?: string;
  /**
   * The ids of the actions pending on the order (queued or sending) that the request was
   * validated after. When given, the action is stored only if they are still exactly the pending
   * ones; otherwise STORE_ACTION_PENDING_CHANGED and nothing is stored.
   */
  after_pending?: readonly string[];
}

/**
 * What a store driver offers beyond the Store contract, declared by the driver itself: callers
 * ask the capability, never the driver's name.
 */
export type DeadlineKind = 'acceptance' | 'shipping';

/** How long before each kind of deadline an order is alerted, in milliseconds. */
export type DeadlineLeads = Readonly<Record<DeadlineKind, number>>;

/** An `order.deadline_approaching` alert: its webhook event's data. */
export interface DeadlineAlert {
  order_id: string;
  account: string;
  channel: string;
  marketplace_order_id: string;
  kind: DeadlineKind;
  /** The deadline (UTC ISO). */
  deadline: string;
  status: OrderStatus;
  marketplace_status: string;
  /** The deadline had already passed when the alert was raised (e.g. the daemon was down). */
  overdue: boolean;
  /** When the alert was raised (the daemon's clock). */
  at: string;
}

export interface StoreCapabilities {
  /**
   * Every process on this store (daemons, one-off CLI syncs) takes each budgeted marketplace
   * request from `takeBudget`, so together they keep to the marketplace's per-endpoint ceilings.
   * Without it each process keeps to the ceilings on its own.
   */
  readonly sharedBudgets: boolean;
}

export interface Store extends ApiStore {
  readonly kind: 'sqlite' | 'postgres';
  readonly capabilities: StoreCapabilities;
  /**
   * Applies pending numbered migrations, each in its own transaction (idempotent; PostgreSQL
   * serializes concurrent callers with an advisory lock). Returns the names applied now, e.g.
   * ['001_initial'], empty when the store was current.
   */
  migrate(): Promise<string[]>;
  close(): Promise<void>;
  /** Reachable and migrated (for /readyz). */
  ping(): Promise<boolean>;

  /**
   * The order as commitOrders writes it, prepared now (synchronously, no I/O): canonical document,
   * raw text, content hash. The same as committing the order itself, so an order the store would
   * refuse (STORE_ORDER_INVALID) comes back as it is, and commitOrders refuses it with where and why.
   * `texts`: where its texts are kept until the batch commits (from batchTexts); as strings without.
   */
  prepareOrder(order: NormalizedOrder, texts?: BatchTexts): OrderToCommit;

  /**
   * A place for one commit batch's texts off V8's heap (store/shared/text-arena.ts), or undefined
   * when the driver keeps them as strings. Release it only once every order prepared into it is
   * committed or refused: reading a released order's texts throws.
   */
  batchTexts(): BatchTexts | undefined;

  /**
   * Stores one page of orders and, when given, advances the window's cursor, in ONE transaction:
   * the cursor never moves past orders that are not committed. The cursor only moves forward here
   * (an older position is ignored); setCursor sets it unconditionally (operator reset).
   * Throws STORE_ORDER_INVALID (nothing stored) for an order the store cannot key or compare,
   * unless `options.isolate` (then only that order is left out, see CommitOptions). An order
   * stored (inserted, updated or unchanged) leaves the quarantine in the same transaction.
   */
  commitOrders(orders: readonly OrderToCommit[], cursor?: { account: string; channel: string; kind: WindowKind; position: string }, options?: CommitOptions): Promise<UpsertResult>;
  getCursor(account: string, channel: string, kind: WindowKind): Promise<Cursor | undefined>;
  setCursor(account: string, channel: string, kind: WindowKind, position: string): Promise<void>;

  getOrder(account: string, channel: string, marketplaceOrderId: string): Promise<StoredOrder | undefined>;
  getOrderById(id: string): Promise<StoredOrder | undefined>;
  listOrders(filter: OrderFilter): Promise<Page<StoredOrder>>;
  /** listOrders without the raw payload and without parsing: each order's stored document text. */
  listOrderDocuments(filter: OrderFilter): Promise<Page<StoredOrderDocument>>;
  countOrders(filter?: Omit<OrderFilter, 'after' | 'limit'>): Promise<number>;
  /**
   * listOrderDocuments rendered as the feed serves it (OrderFeedPage), the acknowledgements
   * included: final items closed with `options.closings`, the others (orders listing documents or
   * with an action named `flag_action`) flagged for the API to render as the order route does.
   */
  listOrderFeed(filter: OrderFilter, options: OrderFeedOptions): Promise<OrderFeedPage>;
  /** Change feed: events with seq > after, in seq order. */
  listEvents(filter: { after?: number; order_id?: string; account?: string | string[]; limit?: number }): Promise<OrderEvent[]>;
  /** The highest order-event seq stored (0 when none): where a live stream of new events starts. */
  lastEventSeq(): Promise<number>;

  /**
   * Retention: redacts the personal data (engine/order/personal-data.ts) of orders in a final
   * status last changed before `before`, at most `limit` of them (oldest first), and marks them
   * `personal_data_redacted_at`. Returns how many; call again while it returns `limit`.
   */
  redactExpiredPersonalData(before: string, limit?: number): Promise<number>;
  /** Erasure: redacts and marks every not yet redacted order of the buyer e-mail; returns their ids. */
  erasePersonalData(request: ErasureRequest): Promise<string[]>;

  /**
   * Deadline alerts (migration 011, rules in shared/deadline-rules.ts): for each order whose
   * acceptance or shipping deadline falls before `now` plus that kind's lead while the step is
   * still ahead of it, and that was never alerted for that kind, records the marker and an
   * `order.deadline_approaching` webhook event (when some endpoint exists) in one transaction.
   * At most `limit` per kind; returns the alerts recorded, none twice across calls, restarts and
   * daemons.
   */
  recordDeadlineAlerts(now: Date, leads: DeadlineLeads, limit?: number): Promise<DeadlineAlert[]>;
  /**
   * Records `order.document_available` in the order's events (and its webhook, when endpoints
   * exist), without changing the order's version. Returns the event.
   */
  recordDocumentEvent(event: NewDocumentEvent): Promise<OrderEvent>;

  /*
   * Document bytes in the database (config `documents.store: database`, migration 016; the
   * document store over them is engine/store/database-documents.ts). A document's bytes are a
   * `content` (an id of its own) written as numbered chunks; a document names the content it has.
   */
  /** One chunk of a content being written (seq from 0). */
  writeFileChunk(content: string, seq: number, data: Uint8Array): Promise<void>;
  /**
   * Makes `content` (its `chunks` written) document `file.id` in one transaction: inserted, or
   * replacing the metadata and content it had (the replaced content's chunks are deleted).
   */
  commitStoredFile(file: StoredFile, content: string, chunks: number): Promise<void>;
  /** A document's metadata and content, or undefined. */
  getStoredFile(id: string): Promise<StoredFileRecord | undefined>;
  /** Every document's metadata, oldest first. */
  listStoredFiles(): Promise<StoredFile[]>;
  /** One chunk of a content, or undefined when there is none at `seq`. */
  readFileChunk(content: string, seq: number): Promise<Uint8Array | undefined>;
  /** Deletes a document and its chunks; absent already is fine. */
  removeStoredFile(id: string): Promise<void>;
  /** Deletes the chunks of a content no document names (a write that failed or lost a race). */
  discardFileContent(content: string): Promise<void>;
  /**
   * Deletes the chunks of up to `limit` contents no document names whose last chunk was written
   * before `before`: writes a crashed process left unfinished. Returns how many contents.
   */
  discardStaleFileContents(before: Date, limit: number): Promise<number>;

  /*
   * Pending marketplace document downloads (migration 017; engine/sync/document-retrier.ts):
   * a download that failed, kept until it succeeds, retried on a bounded backoff.
   */
  /**
   * Records a failed attempt (the first creates the entry): attempts + 1 and the next attempt
   * after the backoff (shared/download-rules.ts); at `policy.maxAttempts` it gives up
   * (`gave_up_at`). Returns the entry as recorded.
   */
  failDocumentDownload(failure: DocumentDownloadFailure, policy: DownloadRetryPolicy): Promise<PendingDownload>;
  /** The download succeeded (or is no longer wanted): the entry goes; absent already is fine. */
  clearDocumentDownload(id: string): Promise<void>;
  /**
   * Claims up to `limit` entries of `accounts` due at `now` (not given up): their next attempt
   * moves `leaseMs` ahead, so another daemon does not take them meanwhile. Oldest due first.
   */
  claimDocumentDownloads(accounts: readonly string[], now: Date, leaseMs: number, limit: number): Promise<PendingDownload[]>;

  /**
   * Queues an action. Same idempotency key -> the stored one with `existing: true` (never a
   * second row); the same key with a different request throws STORE_IDEMPOTENCY_KEY_REUSED.
   * With `after_pending`, atomically checks that the order's pending actions are still those
   * (else STORE_ACTION_PENDING_CHANGED). Several actions may be pending on one order: the
   * worker sends them one at a time, oldest first (claimActions).
   */
  enqueueAction(action: NewAction): Promise<{ action: StoredAction; existing: boolean }>;
  getAction(id: string): Promise<StoredAction | undefined>;
  getActionByKey(idempotencyKey: string): Promise<StoredAction | undefined>;
  /** The actions queued or sending on one order, oldest first. */
  pendingActions(account: string, channel: string, marketplaceOrderId: string): Promise<StoredAction[]>;
  listActions(filter: { state?: ActionState | ActionState[]; account?: string | string[]; marketplace_order_id?: string; limit?: number; after?: string }): Promise<Page<StoredAction>>;
  /**
   * Claims up to `limit` due actions for `owner` (oldest next_attempt_at first): queued with
   * next_attempt_at <= now, or `sending` (its worker died mid-send), with the lease free or
   * expired, and only the oldest pending action of each order: at most one action per order is
   * ever in flight, and an order's actions go in the order they were queued. Only the lease changes (lease_owner, lease_until = now + leaseMs): state and attempts
   * are the worker's to set through updateAction, so a returned `sending` means "may have reached
   * the marketplace".
   */
  claimActions(owner: string, leaseMs: number, limit: number, now?: Date): Promise<StoredAction[]>;
  /**
   * Updates a claimed action; rejected (returns false) when `owner` no longer holds its lease. An
   * owner holds it until it releases it (`release: true`) or another owner claims the action after
   * the lease expired: a late but uncontested report is kept, never lost.
   */
  updateAction(id: string, owner: string, patch: ActionPatch): Promise<boolean>;
  /**
   * Operator/API transitions. retry: failed/needs_attention -> queued, due now, attempts reset to 0,
   * error cleared; refused while another action is pending on the order. cancel: queued/failed/needs_attention -> canceled. Both return undefined for an
   * unknown id and throw STORE_ACTION_STATE_CONFLICT when the state does not allow the transition.
   */
  retryAction(id: string): Promise<StoredAction | undefined>;
  cancelAction(id: string): Promise<StoredAction | undefined>;
  /** Actions per account and state (one GROUP BY, for the accounts' health). */
  countActionsByState(): Promise<Array<{ account: string; state: ActionState; count: number }>>;

  startRun(run: Omit<SyncRun, 'id' | 'state' | 'finished_at' | 'pages' | 'orders' | 'requests' | 'errors' | 'quarantined'>): Promise<SyncRun>;
  /** Throws STORE_RUN_NOT_FOUND for an unknown id. */
  finishRun(id: string, patch: Pick<SyncRun, 'state' | 'pages' | 'orders' | 'requests' | 'errors'> & { quarantined?: number; error_message?: string }): Promise<void>;
  /**
   * Closes the account's runs still `running` as `abandoned` (their process died: the caller
   * holds the account's poll lease, so no live process runs one). Returns the runs closed.
   */
  abandonRuns(account: string, message: string): Promise<SyncRun[]>;

  /**
   * Stores records a sync could not store, one row per (account, channel, order id or payload):
   * a record already quarantined is refreshed (payload, reason, attempts + 1, last seen).
   */
  quarantineRecords(records: NewQuarantinedRecord[]): Promise<QuarantinedRecord[]>;
  listQuarantine(filter: QuarantineFilter): Promise<Page<QuarantinedRecord>>;
  /** Removes records from quarantine by id (they were stored); returns how many. */
  releaseQuarantine(ids: string[]): Promise<number>;
  /** Quarantined records per account and reason code (for metrics and health). */
  countQuarantine(): Promise<Array<{ account: string; code: string; count: number }>>;
  /**
   * Stores the values of a reference list fetched for an account, replacing the previous ones,
   * unless the stored ones were fetched later (a slower process never overwrites a newer list).
   * Clears the failure state. Returns the list as stored.
   */
  saveReferenceList(list: NewReferenceList): Promise<StoredReferenceList>;
  /** Records a failed fetch: the values and fetch time stay as they were; attempts and error are kept. */
  recordReferenceListFailure(failure: ReferenceListFailure): Promise<StoredReferenceList>;
  /** Stored reference lists, by account, channel and list name. */
  listReferenceLists(filter?: { account?: string; channel?: string }): Promise<StoredReferenceList[]>;
  listRuns(filter: { account?: string; limit?: number }): Promise<SyncRun[]>;
  /** Last successful run per account (for metrics: seconds since last successful sync). */
  lastSuccessfulRuns(): Promise<Array<{ account: string; channel: string; finished_at: string }>>;

  /**
   * Named leases for work sharing between daemons (a poll window of an account, say): acquire
   * when free, expired or already held by `owner`; renew and release only by the owner, which
   * holds the lease until it releases it or another owner acquires it after expiry.
   */
  acquireLease(name: string, owner: string, ttlMs: number, now?: Date): Promise<boolean>;
  renewLease(name: string, owner: string, ttlMs: number, now?: Date): Promise<boolean>;
  releaseLease(name: string, owner: string): Promise<void>;

  /**
   * Extends the lease of an action `owner` claimed and still works on (queued or sending), so a
   * slow send or a long budget wait never lets another daemon claim it meanwhile. False when
   * `owner` no longer holds it (released, or claimed by another after expiry).
   */
  renewActionLease(id: string, owner: string, leaseMs: number, now?: Date): Promise<boolean>;
  /**
   * Takes one request from a budget shared by every daemon on this store: at most `limit`
   * requests per `windowMs` (sliding window) under `key` (account and endpoint). Atomic: one row
   * lock (PostgreSQL) or one IMMEDIATE transaction (SQLite). A refusal says how long until the
   * next request fits; nothing is taken then.
   */
  takeBudget(key: string, limit: number, windowMs: number, now?: Date): Promise<BudgetDecision>;
}

export type BudgetDecision = { ok: true } | { ok: false; retryAfterMs: number };

/** Statuses of NormalizedStatus re-exported for store implementations' CHECK constraints. */
export type { NormalizedStatus };
