/**
 * Database rows to the interface's objects, for both drivers: node:sqlite returns text for JSON
 * and timestamps and 0/1 for booleans; pg returns parsed JSON, Date and real booleans, and int8
 * as text. Each store passes how it decodes JSON.
 */
import type { Cursor, OrderEvent, StoredAction, StoredOrder, StoredOrderDocument, SyncRun } from '../store.ts';
import { toIso, toIsoOrUndefined } from './time.ts';

export type Row = Record<string, unknown>;
export type JsonDecoder = (value: unknown) => unknown;

export const parseJsonText: JsonDecoder = (value) => (typeof value === 'string' ? JSON.parse(value) : value);
export const alreadyParsed: JsonDecoder = (value) => value;

function opt<T>(value: unknown): T | undefined {
  return value === null || value === undefined ? undefined : (value as T);
}

export function orderFromRow(row: Row, json: JsonDecoder): StoredOrder {
  const document = json(row.document) as Omit<StoredOrder['order'], 'raw'>;
  return {
    id: String(row.id),
    order: { ...document, raw: json(row.raw) },
    version: Number(row.version),
    first_seen_at: toIso(row.first_seen_at),
    last_changed_at: toIso(row.last_changed_at),
    ...(row.personal_data_redacted_at != null && { personal_data_redacted_at: toIso(row.personal_data_redacted_at) }),
  };
}

/** A feed row whose document column is JSON text (SQLite text, PostgreSQL `document::text`). */
export function orderDocumentFromRow(row: Row): StoredOrderDocument {
  return {
    id: String(row.id),
    document: String(row.document),
    version: Number(row.version),
    first_seen_at: toIso(row.first_seen_at),
    last_changed_at: toIso(row.last_changed_at),
    ...(row.personal_data_redacted_at != null && { personal_data_redacted_at: toIso(row.personal_data_redacted_at) }),
  };
}

export function eventFromRow(row: Row, json: JsonDecoder): OrderEvent {
  const event: OrderEvent = {
    seq: Number(row.seq),
    order_id: String(row.order_id),
    account: String(row.account),
    channel: String(row.channel),
    marketplace_order_id: String(row.marketplace_order_id),
    type: row.type as OrderEvent['type'],
    at: toIso(row.at),
  };
  for (const key of ['line_id', 'from_status', 'to_status', 'from_marketplace_status', 'to_marketplace_status'] as const) {
    const value = opt<string>(row[key]);
    if (value !== undefined) (event as unknown as Record<string, string>)[key] = value;
  }
  if (row.details !== null && row.details !== undefined) event.details = json(row.details) as OrderEvent['details'];
  return event;
}

export function actionFromRow(row: Row, json: JsonDecoder): StoredAction {
  const action: StoredAction = {
    id: String(row.id),
    idempotency_key: String(row.idempotency_key),
    account: String(row.account),
    channel: String(row.channel),
    marketplace_order_id: String(row.marketplace_order_id),
    action: row.action as StoredAction['action'],
    request: json(row.request) as StoredAction['request'],
    state: row.state as StoredAction['state'],
    attempts: Number(row.attempts),
    next_attempt_at: toIso(row.next_attempt_at),
    created_at: toIso(row.created_at),
    updated_at: toIso(row.updated_at),
  };
  if (row.result !== null && row.result !== undefined) action.result = json(row.result);
  if (row.error !== null && row.error !== undefined) action.error = json(row.error) as StoredAction['error'];
  if (row.progress !== null && row.progress !== undefined) action.progress = json(row.progress) as StoredAction['progress'];
  if (row.fingerprint !== null && row.fingerprint !== undefined) action.fingerprint = String(row.fingerprint);
  const leaseOwner = opt<string>(row.lease_owner);
  if (leaseOwner !== undefined) action.lease_owner = leaseOwner;
  const leaseUntil = toIsoOrUndefined(row.lease_until);
  if (leaseUntil !== undefined) action.lease_until = leaseUntil;
  return action;
}

export function runFromRow(row: Row): SyncRun {
  const run: SyncRun = {
    id: String(row.id),
    account: String(row.account),
    channel: String(row.channel),
    kind: row.kind as SyncRun['kind'],
    window_from: toIso(row.window_from),
    window_to: toIso(row.window_to),
    started_at: toIso(row.started_at),
    state: row.state as SyncRun['state'],
    pages: Number(row.pages),
    orders: Number(row.orders),
    requests: Number(row.requests),
    errors: Number(row.errors),
    quarantined: Number(row.quarantined ?? 0),
  };
  const finishedAt = toIsoOrUndefined(row.finished_at);
  if (finishedAt !== undefined) run.finished_at = finishedAt;
  const message = opt<string>(row.error_message);
  if (message !== undefined) run.error_message = message;
  return run;
}

export function cursorFromRow(row: Row): Cursor {
  return {
    account: String(row.account),
    channel: String(row.channel),
    kind: row.kind as Cursor['kind'],
    position: toIso(row.position),
    updated_at: toIso(row.updated_at),
  };
}
