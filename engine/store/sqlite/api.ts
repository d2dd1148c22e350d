/** Back-office API tables on SQLite (migration 002_api): tokens, acknowledgements, webhooks, counts. */
import type { ApiToken, DeliveryAttempt, NewWebhookEndpoint, OrderAcknowledgement, WebhookDelivery, WebhookEndpoint } from '../api-store.ts';
import { ackFromRow, ACK_UPSERT_SET, ackVersionOlder, endpointLimitReached, DELIVERY_SELECT, deliveryFromRow, endpointFromRow, requireDeliverySeq, deliverySeq, tokenFromRow } from '../shared/api-rows.ts';
import { newId } from '../shared/ids.ts';
import { pageLimit } from '../shared/paging.ts';
import { parseJsonText } from '../shared/rows.ts';
import { isoAt } from '../shared/time.ts';
import { checkClaim } from '../shared/action-rules.ts';
import type { OrderStatus } from '../../order/model.ts';
import type { ActionState } from '../store.ts';
import type { SqliteDb } from './db.ts';

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
