/** Back-office API tables on SQLite (migration 002_api): tokens, acknowledgements, webhooks, counts. */
import type { ApiToken, DeliveryAttempt, NewWebhookEndpoint, OrderAcknowledgement, OrderFeedOptions, OrderFeedPage, WebhookDelivery, WebhookEndpoint } from '../api-store.ts';
import { FEED_OPEN, feedClose, feedFlagAction } from '../api-store.ts';
import { ackFromRow, ACK_UPSERT_SET, ackVersionOlder, endpointLimitReached, DELIVERY_SELECT, deliveryFromRow, endpointFromRow, requireDeliverySeq, deliverySeq, tokenFromRow } from '../shared/api-rows.ts';
import { newId } from '../shared/ids.ts';
import { encodePageCursor, pageLimit } from '../shared/paging.ts';
import { orderConditions, Params, whereSql } from '../shared/where.ts';
import { parseJsonText } from '../shared/rows.ts';
import { isoAt } from '../shared/time.ts';
import { checkClaim } from '../shared/action-rules.ts';
import { OrderwireError } from '../../errors.ts';
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

/** Room left after the items for the feed's closing: `],"next":"<cursor>"}` is 36 bytes at most (a cursor is base64url of "o:" and up to 15 digits). */
const ROOM = 48;
const EMPTY_PAGE = `${FEED_OPEN}${feedClose(undefined)}`;

/** A string as an SQL literal (quotes doubled): for the API's constant texts, not for input. */
const literal = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/**
 * orderResource's own members as JSON text, up to the stored document's members. The id (a UUID
 * from newId) and the instants (canonical ISO 8601, written by the store itself) are quoted by
 * concatenation: they hold no character JSON escapes (json_quote on each cost about 0.025 ms a
 * page). The acknowledgement is the text its triggers keep in order_acks.resource (migration 023:
 * building it with json_patch(json_object(...)) per acknowledged order cost 0.1 ms a page); the
 * fallback builds the same text, should a row ever lack it.
 */
const FEED_HEAD = `'{"id":"' || p.id || '","version":' || p.version || ',"first_seen_at":"' || p.first_seen_at
  || '","last_changed_at":"' || p.last_changed_at || '","personal_data_redacted_at":'
  || CASE WHEN p.personal_data_redacted_at IS NULL THEN 'null' ELSE '"' || p.personal_data_redacted_at || '"' END
  || ',"acknowledgement":' || CASE WHEN a.order_id IS NULL THEN 'null' ELSE coalesce(a.resource, json_patch('{}', json_object('reference', a.reference,
    'acknowledged_version', a.acknowledged_version, 'acknowledged_at', a.acknowledged_at, 'import_error', a.import_error, 'import_error_at', a.import_error_at))) END || ','`;

/** Marks an item the caller renders (flagged): a byte no JSON text holds, as NUL (control characters are escaped in JSON strings). */
const FLAG_MARK = 0x01;

/** `,"documents":[],"invoice":{...}}` (a closing) as members put before the document's: `"documents":[],"invoice":{...},`. */
function closingMembers(closing: string): string {
  if (!closing.startsWith(',') || !closing.endsWith('}')) {
    throw new OrderwireError('STORE_ARGUMENT_INVALID', `a feed closing must be ",<members>}", got ${JSON.stringify(closing)}`, { field: 'closings' });
  }
  return `${closing.slice(1, -1)},`;
}

/**
 * One query renders the page: per order its head (FEED_HEAD), then (a final item: no `documents`
 * member, no flag action, a document `{"...}`) the API's members chosen by the has_invoice column
 * (migration 022), then the stored document's members and its own closing brace, which closes the
 * item: so no document is searched, parsed or cut at its end. A flagged item is the head and the
 * document's members, marked by FLAG_MARK before it. The page is joined with NUL between items into
 * one value read as bytes, with the envelope's opening before it and room for its closing after it.
 * One row more than the page says whether there is a next page. The aggregates take the rows in
 * one pass, so `seqs` gives the order of the items (an ORDER BY inside group_concat would sort
 * 150 KB of text per page, 0.2 ms: the order is checked instead). The flag is evaluated once per
 * order, inside the item (a separate list of flagged orders needed a subquery that SQLite did not
 * flatten: 0.085 ms a page more, bench/README.md "Issue 18, wave 8"). The page size is written
 * into the text (an integer from pageLimit): bound as a parameter, it made the query 0.2 ms slower.
 */
function feedSql(where: string, pageSize: number, options: OrderFeedOptions): string {
  const { closings } = options;
  const members = (closing: string): string => literal(closingMembers(closing));
  return `SELECT count(*) AS n, json_group_array(p.change_seq) AS seqs,
      CAST(${literal(FEED_OPEN)} || group_concat(CASE
        WHEN p.lists_documents OR substr(p.document, 1, 2) <> '{"' OR EXISTS (SELECT 1 FROM actions x WHERE x.account = p.account
          AND x.channel = p.channel AND x.marketplace_order_id = p.marketplace_order_id AND x.action = ${literal(feedFlagAction(options))})
        THEN char(${FLAG_MARK}) || ${FEED_HEAD} || substr(CAST(p.document AS BLOB), 2)
        ELSE ${FEED_HEAD} || CASE p.has_invoice WHEN 1 THEN ${members(closings.true)} WHEN 0 THEN ${members(closings.false)} ELSE ${members(closings.absent)} END
          || substr(CAST(p.document AS BLOB), 2) END, char(0)) || ${literal(' '.repeat(ROOM))} AS BLOB) AS body
    FROM (SELECT id, version, first_seen_at, last_changed_at, personal_data_redacted_at, change_seq, document, has_invoice, lists_documents, account, channel, marketplace_order_id
      FROM orders ${where} ORDER BY change_seq LIMIT ${pageSize}) p
    LEFT JOIN order_acks a ON a.order_id = p.id`;
}

export function listOrderFeed(db: SqliteDb, filter: OrderFilter, options: OrderFeedOptions): OrderFeedPage {
  const limit = pageLimit(filter.limit);
  const p = new Params(sqliteSyntax);
  const where = whereSql(orderConditions(filter, p));
  const row = db.get(feedSql(where, limit + 1, options), ...p.values)!;
  const count = Number(row.n);
  if (count === 0) return { body: Buffer.from(EMPTY_PAGE), count: 0 };
  const blob = row.body as Uint8Array;
  const page = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  const seqs = JSON.parse(String(row.seqs)) as number[];
  const shown = Math.min(count, limit);
  if (seqs.every((seq, i) => i === 0 || seq > seqs[i - 1]!)) {
    // The items shown end at the NUL before the extra order, or at the room.
    const end = count > limit ? page.lastIndexOf(0, page.length - ROOM - 1) : page.length - ROOM;
    const separators: number[] = [];
    let flagged = page[FEED_OPEN.length] === FLAG_MARK;
    for (let at = page.indexOf(0, FEED_OPEN.length); !flagged && at !== -1 && at < end; at = page.indexOf(0, at + 1)) {
      separators.push(at);
      flagged = page[at + 1] === FLAG_MARK;
    }
    if (!flagged) {
      // Every item shown is final: the page becomes the body in place (NULs into commas, the
      // closing written over the extra order or into the room), no copy of its 150 KB.
      for (const at of separators) page[at] = 0x2c;
      const next = count > limit ? encodePageCursor('orders', seqs[limit - 1]!) : undefined;
      const length = end + page.write(feedClose(next), end, 'latin1');
      return { body: page.subarray(0, length), count: shown, ...(next !== undefined && { next }) };
    }
  }
  let items = page.subarray(FEED_OPEN.length, page.length - ROOM);
  let ordered = seqs;
  if (seqs.some((seq, i) => i > 0 && seq < seqs[i - 1]!)) ({ items, seqs: ordered } = inChangeOrder(items, seqs));
  const flagged: number[] = [];
  const texts = splitItems(items).slice(0, shown).map((text, i) => {
    if (text[0] !== FLAG_MARK) return text;
    flagged.push(i);
    return text.subarray(1);
  });
  return { items: joinItems(texts), count: shown, flagged, ...(count > limit && { next: encodePageCursor('orders', ordered[limit - 1]!) }) };
}

/** NUL-separated items, each one's bytes (views, no copy). */
function splitItems(items: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  for (let start = 0; start <= items.length; ) {
    const end = items.indexOf(0, start);
    parts.push(items.subarray(start, end === -1 ? items.length : end));
    start = end === -1 ? items.length + 1 : end + 1;
  }
  return parts;
}

const joinItems = (parts: Buffer[]): Buffer => Buffer.concat(parts.flatMap((part, k) => (k === 0 ? [part] : [Buffer.of(0), part])));

/** The items sorted by change_seq (SQLite does not promise group_concat's order). */
export function inChangeOrder(items: Buffer, seqs: number[]): { items: Buffer; seqs: number[] } {
  const parts = splitItems(items);
  const order = seqs.map((seq, i) => [seq, i] as const).sort((a, b) => a[0] - b[0]);
  return { items: joinItems(order.map(([, i]) => parts[i]!)), seqs: order.map(([seq]) => seq) };
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
