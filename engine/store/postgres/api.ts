/**
 * Back-office API tables on PostgreSQL (migration 002_api). Delivery claims use FOR UPDATE SKIP
 * LOCKED, so several daemons dispatching webhooks each take different deliveries.
 */
import type { ApiToken, DeliveryAttempt, NewWebhookEndpoint, OrderAcknowledgement, OrderFeedOptions, OrderFeedPage, WebhookDelivery, WebhookEndpoint } from '../api-store.ts';
import { ackFromRow, ACK_UPSERT_SET, ackVersionOlder, endpointLimitReached, DELIVERY_SELECT, deliveryFromRow, deliverySeq, endpointFromRow, requireDeliverySeq, tokenFromRow } from '../shared/api-rows.ts';
import { FEED_OPEN, feedClose, feedFlagAction } from '../api-store.ts';
import { checkClaim } from '../shared/action-rules.ts';
import { newId } from '../shared/ids.ts';
import { encodePageCursor, pageLimit } from '../shared/paging.ts';
import { orderConditions, Params, whereSql } from '../shared/where.ts';
import { alreadyParsed } from '../shared/rows.ts';
import { isoAt, toIso } from '../shared/time.ts';
import type { OrderStatus } from '../../order/model.ts';
import type { ActionState, OrderFilter } from '../store.ts';
import { postgresSyntax, type PgDb } from './db.ts';

const now = (): string => new Date().toISOString();

export async function createApiToken(db: PgDb, t: { name: string; accounts: string[]; token_hash: string; prefix: string }): Promise<ApiToken> {
  const { rows } = await db.query('INSERT INTO api_tokens (id, name, prefix, token_hash, accounts, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *',
    [newId(), t.name, t.prefix, t.token_hash, JSON.stringify(t.accounts), now()]);
  return tokenFromRow(rows[0]!, alreadyParsed);
}

export async function findApiToken(db: PgDb, tokenHash: string): Promise<ApiToken | undefined> {
  const { rows } = await db.query('SELECT * FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL', [tokenHash]);
  return rows[0] ? tokenFromRow(rows[0], alreadyParsed) : undefined;
}

export async function listApiTokens(db: PgDb): Promise<ApiToken[]> {
  return (await db.query('SELECT * FROM api_tokens ORDER BY created_at, id')).rows.map((row) => tokenFromRow(row, alreadyParsed));
}

export async function revokeApiToken(db: PgDb, id: string): Promise<ApiToken | undefined> {
  await db.query('UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [now(), id]);
  const { rows } = await db.query('SELECT * FROM api_tokens WHERE id = $1', [id]);
  return rows[0] ? tokenFromRow(rows[0], alreadyParsed) : undefined;
}

const ACK = `INSERT INTO order_acks (order_id, account, reference, acknowledged_version, acknowledged_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)
  ON CONFLICT (order_id) DO UPDATE SET ${ACK_UPSERT_SET} RETURNING *`;
const IMPORT_ERROR = `INSERT INTO order_acks (order_id, account, import_error, import_error_at, updated_at) VALUES ($1, $2, $3, $4, $4)
  ON CONFLICT (order_id) DO UPDATE SET import_error = excluded.import_error, import_error_at = excluded.import_error_at, updated_at = excluded.updated_at RETURNING *`;

export async function acknowledgeOrder(db: PgDb, a: { order_id: string; account: string; reference: string; version: number }): Promise<OrderAcknowledgement> {
  const { rows } = await db.query(ACK, [a.order_id, a.account, a.reference, a.version, now()]);
  if (rows[0]) return ackFromRow(rows[0]);
  const recorded = (await db.query('SELECT acknowledged_version FROM order_acks WHERE order_id = $1', [a.order_id])).rows[0]!;
  throw ackVersionOlder(a.order_id, a.version, Number(recorded.acknowledged_version));
}

export async function reportImportError(db: PgDb, r: { order_id: string; account: string; message: string }): Promise<OrderAcknowledgement> {
  return ackFromRow((await db.query(IMPORT_ERROR, [r.order_id, r.account, r.message, now()])).rows[0]!);
}

export async function getAcknowledgements(db: PgDb, orderIds: string[]): Promise<Map<string, OrderAcknowledgement>> {
  const out = new Map<string, OrderAcknowledgement>();
  if (orderIds.length === 0) return out;
  for (const row of (await db.query('SELECT * FROM order_acks WHERE order_id = ANY($1::text[])', [orderIds])).rows) {
    const ack = ackFromRow(row);
    out.set(ack.order_id, ack);
  }
  return out;
}

const ACK_COLUMNS = ['order_id', 'account', 'reference', 'acknowledged_version', 'acknowledged_at', 'import_error', 'import_error_at'];

/**
 * One feed item's text: orderResource's own members, then the stored document's (its text as
 * stored: `{"account": ...}`), then, for a final item, the API's closing; a flagged item keeps the
 * document's closing brace.
 */
function feedItem(row: Record<string, unknown>, closing: string | undefined): string {
  let acknowledgement: Record<string, unknown> | null = null;
  if (row.ack_order_id != null) {
    const { order_id: _order, account: _account, ...rest } = ackFromRow(Object.fromEntries(ACK_COLUMNS.map((c) => [c, row[`ack_${c}`]])));
    acknowledgement = rest;
  }
  const head = JSON.stringify({
    id: String(row.id),
    version: Number(row.version),
    first_seen_at: toIso(row.first_seen_at),
    last_changed_at: toIso(row.last_changed_at),
    personal_data_redacted_at: row.personal_data_redacted_at == null ? null : toIso(row.personal_data_redacted_at),
    acknowledgement,
  });
  const body = String(row.document).trim();
  const members = body.slice(1, -1).trim();
  if (body[0] !== '{' || body.at(-1) !== '}' || members === '') throw new Error(`order ${String(row.id)}: the stored document is not a JSON object`);
  return `${head.slice(0, -1)},${members}${closing ?? '}'}`;
}

/** The closing of a final item (migration 022's columns), or undefined for an item the API renders. */
function closingOf(row: Record<string, unknown>, closings: OrderFeedOptions['closings']): string | undefined {
  if (row.flagged || row.lists_documents) return undefined;
  return row.has_invoice === true ? closings.true : row.has_invoice === false ? closings.false : closings.absent;
}

export async function listOrderFeed(db: PgDb, filter: OrderFilter, options: OrderFeedOptions): Promise<OrderFeedPage> {
  const limit = pageLimit(filter.limit);
  const p = new Params(postgresSyntax);
  const action = p.add(feedFlagAction(options));
  const where = whereSql(orderConditions(filter, p));
  const { rows } = await db.query(`SELECT o.id, o.version, o.first_seen_at, o.last_changed_at, o.change_seq, o.document, o.personal_data_redacted_at,
      o.has_invoice, o.lists_documents, ${ACK_COLUMNS.map((c) => `a.${c} AS ack_${c}`).join(', ')},
      EXISTS (SELECT 1 FROM actions x WHERE x.account = o.account AND x.marketplace_order_id = o.marketplace_order_id AND x.channel = o.channel AND x.action = ${action}) AS flagged
    FROM (SELECT id, version, first_seen_at, last_changed_at, change_seq, document, personal_data_redacted_at, has_invoice, lists_documents, account, channel, marketplace_order_id
      FROM orders ${where} ORDER BY change_seq LIMIT ${p.add(limit + 1)}) o
    LEFT JOIN order_acks a ON a.order_id = o.id ORDER BY o.change_seq`, p.values);
  const shown = rows.slice(0, limit);
  const closings = shown.map((row) => closingOf(row, options.closings));
  const items = shown.map((row, i) => feedItem(row, closings[i]));
  const next = rows.length > limit ? encodePageCursor('orders', Number(shown.at(-1)!.change_seq)) : undefined;
  const page = { count: shown.length, ...(next !== undefined && { next }) };
  if (closings.every((closing) => closing !== undefined)) return { body: Buffer.from(`${FEED_OPEN}${items.join(',')}${feedClose(next)}`), ...page };
  return { items: Buffer.from(items.join('\0')), flagged: closings.flatMap((closing, i) => (closing === undefined ? [i] : [])), ...page };
}

export async function createWebhookEndpoint(db: PgDb, e: NewWebhookEndpoint): Promise<WebhookEndpoint> {
  return db.tx(async (q) => {
    if (e.token_id !== undefined && e.max_per_token !== undefined) {
      // One registration per token at a time, so two at once cannot both pass the count.
      await q.query(`SELECT pg_advisory_xact_lock(hashtext('orderwire:webhooks:' || $1))`, [e.token_id]);
      const { rows } = await q.query('SELECT count(*)::int AS n FROM webhook_endpoints WHERE token_id = $1 AND deleted_at IS NULL', [e.token_id]);
      if (Number(rows[0]!.n) >= e.max_per_token) throw endpointLimitReached(e.max_per_token);
    }
    const { rows } = await q.query('INSERT INTO webhook_endpoints (id, url, description, accounts, events, created_at, token_id) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *',
      [newId(), e.url, e.description ?? null, JSON.stringify(e.accounts), JSON.stringify(e.events), now(), e.token_id ?? null]);
    return endpointFromRow(rows[0]!, alreadyParsed);
  });
}

export async function getWebhookEndpoint(db: PgDb, id: string): Promise<WebhookEndpoint | undefined> {
  const { rows } = await db.query('SELECT * FROM webhook_endpoints WHERE id = $1 AND deleted_at IS NULL', [id]);
  return rows[0] ? endpointFromRow(rows[0], alreadyParsed) : undefined;
}

export async function listWebhookEndpoints(db: PgDb): Promise<WebhookEndpoint[]> {
  return (await db.query('SELECT * FROM webhook_endpoints WHERE deleted_at IS NULL ORDER BY created_at, id')).rows.map((row) => endpointFromRow(row, alreadyParsed));
}

export async function deleteWebhookEndpoint(db: PgDb, id: string): Promise<boolean> {
  return (await db.query('UPDATE webhook_endpoints SET deleted_at = $1 WHERE id = $2 AND deleted_at IS NULL', [now(), id])).rowCount === 1;
}

// Materialized for the same reason as the action claim (postgres/actions.ts): one scan, one lock set.
const CLAIM = `WITH due AS MATERIALIZED (SELECT d.seq FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
    WHERE d.state = 'pending' AND d.next_attempt_at <= $3 AND (d.lease_until IS NULL OR d.lease_until <= $3) AND e.deleted_at IS NULL
    ORDER BY d.next_attempt_at, d.seq LIMIT $4 FOR UPDATE OF d SKIP LOCKED)
  UPDATE webhook_deliveries w SET lease_owner = $1, lease_until = $2 FROM due WHERE w.seq = due.seq RETURNING w.seq`;

export async function claimWebhookDeliveries(db: PgDb, owner: string, leaseMs: number, limit: number, at?: Date): Promise<WebhookDelivery[]> {
  checkClaim(owner, leaseMs, limit);
  const seqs = (await db.query(CLAIM, [owner, isoAt(at, leaseMs), isoAt(at), limit])).rows.map((r) => Number(r.seq));
  if (seqs.length === 0) return [];
  const { rows } = await db.query(`${DELIVERY_SELECT} WHERE d.seq = ANY($1::bigint[]) ORDER BY d.next_attempt_at, d.seq`, [seqs]);
  return rows.map((row) => deliveryFromRow(row, alreadyParsed));
}

export async function recordDeliveryAttempt(db: PgDb, id: string, owner: string, a: DeliveryAttempt): Promise<boolean> {
  const seq = deliverySeq(id);
  if (seq === undefined) return false;
  const { rowCount } = await db.query(`UPDATE webhook_deliveries SET state = $1, attempts = $2, next_attempt_at = COALESCE($3::timestamptz, next_attempt_at), last_status = $4,
    last_error = $5, last_attempt_at = $6, delivered_at = $7, lease_owner = NULL, lease_until = NULL WHERE seq = $8 AND lease_owner = $9`,
  [a.state, a.attempts, a.next_attempt_at ?? null, a.last_status ?? null, a.last_error ?? null, a.at, a.state === 'delivered' ? a.at : null, seq, owner]);
  return rowCount === 1;
}

export async function listWebhookDeliveries(db: PgDb, endpointId: string, options: { before?: string; limit?: number } = {}): Promise<WebhookDelivery[]> {
  const limit = pageLimit(options.limit);
  const before = options.before === undefined ? Number.MAX_SAFE_INTEGER : requireDeliverySeq(options.before, 'before');
  const { rows } = await db.query(`${DELIVERY_SELECT} WHERE d.endpoint_id = $1 AND d.seq < $2 ORDER BY d.seq DESC LIMIT $3`, [endpointId, before, limit]);
  return rows.map((row) => deliveryFromRow(row, alreadyParsed));
}

export async function countOrdersByStatus(db: PgDb): Promise<Array<{ account: string; status: OrderStatus; count: number }>> {
  const { rows } = await db.query('SELECT account, status, count(*) AS n FROM orders GROUP BY account, status ORDER BY account, status');
  return rows.map((row) => ({ account: String(row.account), status: row.status as OrderStatus, count: Number(row.n) }));
}

export async function countActionsByState(db: PgDb): Promise<Array<{ account: string; state: ActionState; count: number }>> {
  const { rows } = await db.query('SELECT account, state, count(*) AS n FROM actions GROUP BY account, state ORDER BY account, state');
  return rows.map((row) => ({ account: String(row.account), state: row.state as ActionState, count: Number(row.n) }));
}

export async function lastEventSeq(db: PgDb): Promise<number> {
  const { rows } = await db.query('SELECT coalesce(max(seq), 0) AS seq FROM order_events');
  return Number(rows[0]!.seq);
}
