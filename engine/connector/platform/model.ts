/**
 * A platform file (channels/platforms/<name>.yaml) as plain data, the shape
 * schemas/platform.schema.json allows, and the compiled Platform the connector runs: every
 * mapping and template already turned into closures, every strategy selected.
 */
import type { ActionName } from '../../channel/model.ts';
import type { AuthSpec } from '../auth/index.ts';
import type { EffectCheck, EffectSpec } from '../effects/index.ts';
import type { ValueSource } from '../auth/oauth2-client-credentials.ts';
import type { ExtractorSpec, Extractor } from '../extract/index.ts';
import type { MapperSpec, OrderMapper } from '../map/index.ts';
import type { PaginationSpec } from '../paginate/index.ts';
import type { Render, TemplateType } from '../template/index.ts';

export type DateFormat = 'iso_seconds' | 'iso_millis' | 'epoch_ms' | 'epoch_s' | 'date';

export interface RawRequest {
  /** Endpoint name: selects the budget, names the request in logs (Mirakl operation codes: OR21...). */
  endpoint: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, unknown>;
  headers?: Record<string, string>;
  body?: unknown;
  /** Repeating the request is harmless even after a timeout (default: only for GET). */
  idempotent?: boolean;
}

/** One part of a multipart body: a stored document (`file`), JSON text (`json`) or text (`value`). */
export interface RawMultipartPart {
  name: string;
  file?: string;
  file_name?: unknown;
  json?: unknown;
  value?: unknown;
}

export interface RawActionRequest extends RawRequest {
  /** multipart/form-data body instead of `body`. */
  multipart?: RawMultipartPart[];
  /** Send this request only when the reference is truthy, or the value is one of a list (`$in`). */
  when?: string | { $in: [string, ReadonlyArray<string | number | boolean>] };
  /** Send this request only when the reference is falsy (absent, empty). */
  unless?: string;
  /** One request per targeted line, the line in scope as `line`. */
  per_line?: boolean;
  /** One request per parcel of the request (`request.parcels`), the parcel in scope as `parcel`. */
  per_parcel?: boolean;
  /** Errors the marketplace reports inside a 2xx answer (Mirakl ST01 shipment_errors): a non-empty list there rejects the step. */
  answer_errors?: { path: string; message?: string };
  /** An asynchronous answer (202): the process resource to poll until final. */
  process_status?: RawProcessStatus;
}

export interface RawProcessStatus {
  endpoint: string;
  path: string;
  status: string;
  succeeded: string[];
  failed: string[];
  message?: string;
  every?: string;
  max_polls?: number;
}

/** A process-status poll compiled: `path` renders with `response` (the request's answer) in scope. */
export interface CompiledProcessStatus {
  endpoint: string;
  path: Render;
  status: (body: unknown) => unknown;
  succeeded: ReadonlySet<string>;
  failed: ReadonlySet<string>;
  message?: (body: unknown) => unknown;
  everyMs: number;
  maxPolls: number;
}

/** A resource read apart from the order and set on each order record (`attach:`). */
export interface RawAttach {
  /** Key set on each order record (the mapping reads it there). */
  as: string;
  endpoint: string;
  path: string;
  /** Query parameter naming the orders, repeated once per order (`ids_style: repeat`) or once, comma-separated (`comma`). */
  ids_param: string;
  ids_style?: 'repeat' | 'comma';
  /** Orders per request (default 100). */
  batch?: number;
  /** Constant query parameters. */
  query?: Record<string, string>;
  records: ExtractorSpec;
  /** Path in each record naming its order. */
  order_id: string;
  /** Seek paging: the token in the answer and the parameter that sends it back. */
  next_page?: { token: string; param: string };
  /** Only orders in these marketplace statuses (the mapping's marketplace_status). */
  statuses?: string[];
  /** Only on channels that use it: `ship_parcels`, where the channel's ship takes parcels; `documents`, where the channel downloads marketplace documents. */
  for?: 'ship_parcels' | 'documents';
}

export interface CompiledAttach {
  readonly as: string;
  readonly endpoint: string;
  readonly path: string;
  readonly idsParam: string;
  readonly idsStyle: 'repeat' | 'comma';
  readonly batch: number;
  readonly query: Readonly<Record<string, string>>;
  readonly records: Extractor;
  readonly orderId: (record: unknown) => unknown;
  readonly nextPage?: { readonly token: (body: unknown) => unknown; readonly param: string };
  readonly status: (record: unknown) => unknown;
  readonly statuses?: ReadonlySet<string>;
  readonly for?: 'ship_parcels' | 'documents';
}

export interface RawPlatform {
  id: string;
  name: string;
  description?: string;
  sources?: { title?: string; url: string }[];
  templates?: TemplateType;
  /** Every status the marketplace sends, as it spells them: a channel maps only these. */
  statuses?: string[];
  auth: AuthSpec;
  headers?: Record<string, ValueSource>;
  http?: {
    timeouts?: { connect?: string; response?: string };
    retry?: { max_attempts?: number; base_delay?: string; max_delay?: string };
    error_message?: string[];
  };
  list_orders: RawRequest & {
    window: { from: string; to?: string; format: DateFormat };
    pagination: PaginationSpec;
    records: ExtractorSpec;
    /** Each listed record is a summary: fetch the order with get_order (mapped by its mapping). */
    detail?: { concurrency?: number };
  };
  /** `mapping`: the get-one record's own mapping, when it differs from the listing's. */
  get_order: RawRequest & { records: ExtractorSpec; mapping?: MapperSpec };
  /** Resources read apart from the order and set on each order record before mapping. */
  attach?: RawAttach[];
  /** Marketplace documents (a delivery slip): how one listed on an order (`documents` of the mapping) is downloaded. */
  documents?: { download: RawRequest };
  mapping: MapperSpec;
  actions: Partial<Record<ActionName, RawActionRequest[]>>;
  /** Per action, how a read-back proves it took effect (required for every action in `actions`). */
  effects?: Partial<Record<ActionName, EffectSpec>>;
  /** Live sources of value lists (carriers, reasons) a channel list may take its values from. */
  lists?: Record<string, RawReferenceList>;
  budgets?: {
    concurrency?: number;
    endpoints?: Record<string, { limit: number; per: string; counts?: 'request' | 'listing'; note?: string }>;
  };
}

/** A reference list's request and the record fields that make its values (schemas/platform.schema.json). */
export interface RawReferenceList {
  description?: string;
  source?: string;
  endpoint: string;
  method?: 'GET';
  path: string;
  query?: Record<string, string>;
  records: ExtractorSpec;
  values: { code: string; label: string; tracking_url?: string; type?: string };
}

/** A reference list compiled: the request to send and how a response becomes values. */
export interface CompiledReferenceList {
  readonly name: string;
  readonly endpoint: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly records: Extractor;
  /** The record's code, label, tracking URL template and type, as text (undefined when absent). */
  readonly code: (record: unknown) => string | undefined;
  readonly label: (record: unknown) => string | undefined;
  readonly trackingUrl?: (record: unknown) => string | undefined;
  readonly type?: (record: unknown) => string | undefined;
}

/** One request compiled: every templated part is a closure over the template context. */
export interface CompiledRequest {
  endpoint: string;
  method: RawRequest['method'];
  path: Render;
  query?: Render;
  headers?: Readonly<Record<string, string>>;
  body?: Render;
  /** multipart/form-data parts instead of `body`, each rendered per request. */
  multipart?: readonly CompiledPart[];
  idempotent: boolean;
  when?: Render;
  unless?: Render;
  /** One request per targeted line (`line` in scope). */
  perLine?: boolean;
  /** One request per parcel (`parcel` in scope). */
  perParcel?: boolean;
  /** Errors in a 2xx answer: the list at `path`, each item's text at `message`. */
  answerErrors?: { path: (body: unknown) => unknown; message?: (item: unknown) => unknown };
  processStatus?: CompiledProcessStatus;
}

export type CompiledPart =
  | { name: string; kind: 'file'; file: Render; fileName?: Render }
  | { name: string; kind: 'json' | 'value'; render: Render };

export interface Budget {
  limit: number;
  perMs: number;
  /** `listing`: one token per listing (its first page), not per page. */
  counts: 'request' | 'listing';
}

export interface Platform {
  readonly id: string;
  readonly name: string;
  /** The file it was loaded from, when it came from a file. */
  readonly file?: string;
  /** The validated document, frozen. */
  readonly spec: Readonly<RawPlatform>;
  readonly list: {
    readonly request: CompiledRequest;
    readonly formatDate: (date: Date) => string;
    /** Query parameters of the bounds; `to` absent: the marketplace takes a lower bound only. */
    readonly window: { readonly from: string; readonly to?: string };
    readonly records: Extractor;
    /** Complete each listed record with its get-one request, this many at a time. */
    readonly detail?: { readonly concurrency: number };
  };
  /** `mapper`: the get-one mapping (the listing's when the platform declares none). */
  readonly get: { readonly request: CompiledRequest; readonly records: Extractor; readonly mapper: OrderMapper };
  readonly mapper: OrderMapper;
  /** Attached reads, in file order (none when the platform declares none). */
  readonly attach: readonly CompiledAttach[];
  /** The download of one marketplace document (`document` and `order` in scope); absent when the platform has none. */
  readonly documents?: { readonly download: CompiledRequest };
  readonly actions: Readonly<Partial<Record<ActionName, readonly CompiledRequest[]>>>;
  /** One effect check per action of `actions`. */
  readonly effects: Readonly<Partial<Record<ActionName, EffectCheck>>>;
  /** Reference lists by name (platform `lists`). */
  readonly lists: Readonly<Record<string, CompiledReferenceList>>;
  readonly concurrency: number;
  readonly budgets: Readonly<Record<string, Budget>>;
  readonly timeouts: { readonly connect?: number; readonly response?: number };
  readonly retry: { readonly maxAttempts?: number; readonly baseDelayMs?: number; readonly maxDelayMs?: number };
  readonly errorMessagePaths: readonly string[];
}
