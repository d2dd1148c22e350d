/** Back-office API tables on SQLite (migration 002_api): tokens, acknowledgements, webhooks, counts. */
import type { ApiToken, DeliveryAttempt, NewWebhookEndpoint, OrderAcknowledgement, OrderFeedPage, WebhookDelivery, WebhookEndpoint } from '../api-store.ts';
import { ackFromRow, ACK_UPSERT_SET, ackVersionOlder, endpointLimitReached, DELIVERY_SELECT, deliveryFromRow, endpointFromRow, requireDeliverySeq, deliverySeq, tokenFromRow } from '../shared/api-rows.ts';
import { newId } from '../shared/ids.ts';
import { encodePageCursor, pageLimit } from '../shared/paging.ts';
import { orderConditions, Params, whereSql } from '../shared/where.ts';
import { parseJsonText } from '../shared/rows.ts';
import { isoAt } from '../shared/time.ts';
import { checkClaim } from '../shared/action-rules.ts';
import type { OrderStatus } from '../../order/model.ts';
import type { ActionState, OrderFilter } from '../store.ts';
import { sqliteSyntax, type SqliteDb } from './db.ts';

const now = (): string => new Date().toISOString();

export function createApiToken(db: SqliteDb, t: { name: string; accounts: string[]; token_hash: string; prefix: string }): ApiToken {
  const row = db.get('INSERT INTO api_tokens (id, name, prefix, token_hash, accounts, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING *',
    newId(), t.name, t.prefix, t.token_hash, JSON.stringify(t.accounts), now());
  return tokenFromRow(row!, parseJsonText);
}

export function findApiToken(db: SqliteDb, tokenHash: string): ApiToken | undefined {
  const row = db.get('SELECT * FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL', tokenHash);
  return row ? tokenFromRow(row, parseJsonText) : undefined;
}

export function listApiTokens(db: SqliteDb): ApiToken[] {
  return db.all('SELECT * FROM api_tokens ORDER BY created_at, id').map((row) => tokenFromRow(row, parseJsonText));
}

export function revokeApiToken(db: SqliteDb, id: string): ApiToken | undefined {
  db.run('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', now(), id);
  const row = db.get('SELECT * FROM api_tokens WHERE id = ?', id);
  return row ? tokenFromRow(row, parseJsonText) : undefined;
}

const ACK = `INSERT INTO order_acks (order_id, account, reference, acknowledged_version, acknowledged_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
  ON CONFLICT (order_id) DO UPDATE SET ${ACK_UPSERT_SET} RETURNING *`;
const IMPORT_ERROR = `INSERT INTO order_acks (order_id, account, import_error, import_error_at, updated_at) VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (order_id) DO UPDATE SET import_error = excluded.import_error, import_error_at = excluded.import_error_at, updated_at = excluded.updated_at RETURNING *`;

export function acknowledgeOrder(db: SqliteDb, a: { order_id: string; account: string; reference: string; version: number }): OrderAcknowledgement {
  const at = now();
  const row = db.get(ACK, a.order_id, a.account, a.reference, a.version, at, at);
  if (row) return ackFromRow(row);
  const recorded = Number(db.get('SELECT acknowledged_version FROM order_acks WHERE order_id = ?', a.order_id)!.acknowledged_version);
  throw ackVersionOlder(a.order_id, a.version, recorded);
}

export function reportImportError(db: SqliteDb, r: { order_id: string; account: string; message: string }): OrderAcknowledgement {
  const at = now();
  return ackFromRow(db.get(IMPORT_ERROR, r.order_id, r.account, r.message, at, at)!);
}

export function getAcknowledgements(db: SqliteDb, orderIds: string[]): Map<string, OrderAcknowledgement> {
  const out = new Map<string, OrderAcknowledgement>();
  if (orderIds.length === 0) return out;
  for (const row of db.all('SELECT * FROM order_acks WHERE order_id IN (SELECT value FROM json_each(?))', JSON.stringify(orderIds))) {
    const ack = ackFromRow(row);
    out.set(ack.order_id, ack);
  }
  return out;
}

/**
 * orderResource's own members as JSON text, then the stored document's members: SQLite builds each
 * order's text and joins the page into one value, handed over as bytes (node:sqlite would
 * otherwise decode 150 KB of UTF-8 into 100 strings per page, and the API encode them again).
 * json_patch drops the acknowledgement's NULL columns, as ackFromRow leaves them out.
 */
const FEED_ITEM = `'{"id":' || json_quote(p.id) || ',"version":' || p.version || ',"first_seen_at":' || json_quote(p.first_seen_at)
  || ',"last_changed_at":' || json_quote(p.last_changed_at) || ',"personal_data_redacted_at":' || json_quote(p.personal_data_redacted_at)
  || ',"acknowledgement":' || CASE WHEN a.order_id IS NULL THEN 'null' ELSE json_patch('{}', json_object('reference', a.reference,
    'acknowledged_version', a.acknowledged_version, 'acknowledged_at', a.acknowledged_at, 'import_error', a.import_error, 'import_error_at', a.import_error_at)) END
  || ',' || ltrim(p.document, '{')`;

export function listOrderFeed(db: SqliteDb, filter: OrderFilter, options: { flag_action: string }): OrderFeedPage {
  const limit = pageLimit(filter.limit);
  const p = new Params(sqliteSyntax);
  // Positional parameters: added in the order they appear in the text.
  const action = p.add(options.flag_action);
  const where = whereSql(orderConditions(filter, p));
  const pageSize = p.add(limit + 1);
  // One row more than the page says whether there is a next page; it is cut off below. The
  // aggregates take the rows in one pass, so `seqs` gives the order of `items` (an ORDER BY inside
  // group_concat would sort 150 KB of text per page: the order is checked below instead).
  const row = db.get(`SELECT count(*) AS n, json_group_array(change_seq) AS seqs, CAST(group_concat(item, char(0)) AS BLOB) AS items,
      json_group_array(change_seq) FILTER (WHERE flagged) AS flagged
    FROM (SELECT p.change_seq, ${FEED_ITEM} AS item, substr(p.document, 1, 2) <> '{"'
        OR EXISTS (SELECT 1 FROM actions x WHERE x.account = p.account AND x.marketplace_order_id = p.marketplace_order_id AND x.channel = p.channel AND x.action = ${action}) AS flagged
      FROM (SELECT id, version, first_seen_at, last_changed_at, personal_data_redacted_at, change_seq, document, account, channel, marketplace_order_id
        FROM orders ${where} ORDER BY change_seq LIMIT ${pageSize}) p
      LEFT JOIN order_acks a ON a.order_id = p.id)`, ...p.values)!;
  const count = Number(row.n);
  if (count === 0) return { items: Buffer.alloc(0), count: 0, flagged: [] };
  const blob = row.items as Uint8Array;
  let items = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  let seqs = JSON.parse(String(row.seqs)) as number[];
  if (seqs.some((seq, i) => i > 0 && seq < seqs[i - 1]!)) ({ items, seqs } = inChangeOrder(items, seqs));
  if (count > limit) items = items.subarray(0, items.lastIndexOf(0));
  const shown = Math.min(count, limit);
  const flagged: number[] = [];
  const flaggedSeqs = JSON.parse(String(row.flagged)) as number[];
  if (flaggedSeqs.length > 0) {
    const marked = new Set(flaggedSeqs);
    for (let i = 0; i < shown; i++) if (marked.has(seqs[i]!)) flagged.push(i);
  }
  return { items, count: shown, flagged, ...(count > limit && { next: encodePageCursor('orders', seqs[limit - 1]!) }) };
}

/** The items sorted by change_seq (SQLite does not promise group_concat's order). */
export function inChangeOrder(items: Buffer, seqs: number[]): { items: Buffer; seqs: number[] } {
  const parts: Buffer[] = [];
  for (let start = 0; start <= items.length; ) {
    const end = items.indexOf(0, start);
    parts.push(items.subarray(start, end === -1 ? items.length : end));
    start = end === -1 ? items.length + 1 : end + 1;
  }
  const order = seqs.map((seq, i) => [seq, i] as const).sort((a, b) => a[0] - b[0]);
  return { items: Buffer.concat(order.flatMap(([, i], k) => (k === 0 ? [parts[i]!] : [Buffer.of(0), parts[i]!]))), seqs: order.map(([seq]) => seq) };
}

export function createWebhookEndpoint(db: SqliteDb, e: NewWebhookEndpoint): WebhookEndpoint {
  return db.tx(() => {
    if (e.token_id !== undefined && e.max_per_token !== undefined) {
      const held = Number(db.get('SELECT count(*) AS n FROM webhook_endpoints WHERE token_id = ? AND deleted_at IS NULL', e.token_id)!.n);
      if (held >= e.max_per_token) throw endpointLimitReached(e.max_per_token);
    }
    const row = db.get('INSERT INTO webhook_endpoints (id, url, description, accounts, events, created_at, token_id) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *',
      newId(), e.url, e.description ?? null, JSON.stringify(e.accounts), JSON.stringify(e.events), now(), e.token_id ?? null);
    return endpointFromRow(row!, parseJsonText);
  });
}

export function getWebhookEndpoint(db: SqliteDb, id: string): WebhookEndpoint | undefined {
  const row = db.get('SELECT * FROM webhook_endpoints WHERE id = ? AND deleted_at IS NULL', id);
  return row ? endpointFromRow(row, parseJsonText) : undefined;
}

export function listWebhookEndpoints(db: SqliteDb): WebhookEndpoint[] {
  return db.all('SELECT * FROM webhook_endpoints WHERE deleted_at IS NULL ORDER BY created_at, id').map((row) => endpointFromRow(row, parseJsonText));
}

export function deleteWebhookEndpoint(db: SqliteDb, id: string): boolean {
  return db.run('UPDATE webhook_endpoints SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL', now(), id) === 1;
}

const CLAIM = `UPDATE webhook_deliveries SET lease_owner = ?, lease_until = ?
  WHERE seq IN (SELECT d.seq FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
    WHERE d.state = 'pending' AND d.next_attempt_at <= ? AND (d.lease_until IS NULL OR d.lease_until <= ?) AND e.deleted_at IS NULL
    ORDER BY d.next_attempt_at, d.seq LIMIT ?)
  RETURNING seq`;

export function claimWebhookDeliveries(db: SqliteDb, owner: string, leaseMs: number, limit: number, at?: Date): WebhookDelivery[] {
  checkClaim(owner, leaseMs, limit);
  const t = isoAt(at);
  const seqs = db.tx(() => db.all(CLAIM, owner, isoAt(at, leaseMs), t, t, limit).map((r) => Number(r.seq)));
  if (seqs.length === 0) return [];
  return db.all(`${DELIVERY_SELECT} WHERE d.seq IN (SELECT value FROM json_each(?)) ORDER BY d.next_attempt_at, d.seq`, JSON.stringify(seqs))
    .map((row) => deliveryFromRow(row, parseJsonText));
}

export function recordDeliveryAttempt(db: SqliteDb, id: string, owner: string, a: DeliveryAttempt): boolean {
  const seq = deliverySeq(id);
  if (seq === undefined) return false;
  return db.run(`UPDATE webhook_deliveries SET state = ?, attempts = ?, next_attempt_at = COALESCE(?, next_attempt_at), last_status = ?, last_error = ?,
    last_attempt_at = ?, delivered_at = ?, lease_owner = NULL, lease_until = NULL WHERE seq = ? AND lease_owner = ?`,
  a.state, a.attempts, a.next_attempt_at ?? null, a.last_status ?? null, a.last_error ?? null, a.at, a.state === 'delivered' ? a.at : null, seq, owner) === 1;
}

export function listWebhookDeliveries(db: SqliteDb, endpointId: string, options: { before?: string; limit?: number } = {}): WebhookDelivery[] {
  const limit = pageLimit(options.limit);
  const before = options.before === undefined ? Number.MAX_SAFE_INTEGER : requireDeliverySeq(options.before, 'before');
  return db.all(`${DELIVERY_SELECT} WHERE d.endpoint_id = ? AND d.seq < ? ORDER BY d.seq DESC LIMIT ?`, endpointId, before, limit)
    .map((row) => deliveryFromRow(row, parseJsonText));
}

export function countOrdersByStatus(db: SqliteDb): Array<{ account: string; status: OrderStatus; count: number }> {
  return db.all('SELECT account, status, count(*) AS n FROM orders GROUP BY account, status ORDER BY account, status')
    .map((row) => ({ account: String(row.account), status: row.status as OrderStatus, count: Number(row.n) }));
}

export function countActionsByState(db: SqliteDb): Array<{ account: string; state: ActionState; count: number }> {
  return db.all('SELECT account, state, count(*) AS n FROM actions GROUP BY account, state ORDER BY account, state')
    .map((row) => ({ account: String(row.account), state: row.state as ActionState, count: Number(row.n) }));
}

export function lastEventSeq(db: SqliteDb): number {
  return Number(db.get('SELECT coalesce(max(seq), 0) AS seq FROM order_events')!.seq);
}
