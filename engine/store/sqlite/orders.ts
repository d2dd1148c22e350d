/** Orders, their change feed and the window cursors on SQLite. */
import { newId } from '../shared/ids.ts';
import type { CommitOptions, Cursor, OrderEvent, OrderFilter, OrderToCommit, Page, RejectedOrder, StoredOrder, StoredOrderDocument, UpsertResult, WindowKind } from '../store.ts';
import { isRecordFault, prepareIsolated, rejection, storedKeys } from '../shared/isolate.ts';
import { encodePageCursor, pageLimit } from '../shared/paging.ts';
import { type ExistingOrder, type PlannedWrite, planUpsert } from '../shared/plan.ts';
import { type LineStatuses, orderKey, prepareOrders, type PreparedOrder, textParams } from '../shared/prepare-order.ts';
import { cursorFromRow, eventFromRow, orderDocumentFromRow, orderFromRow, parseJsonText } from '../shared/rows.ts';
import { canonicalInstant } from '../shared/time.ts';
import { requireText, requireWindowKind } from '../shared/validate.ts';
import { eventConditions, orderConditions, Params, whereSql } from '../shared/where.ts';
import { sqliteSyntax, type SqliteDb } from './db.ts';

type CursorInput = { account: string; channel: string; kind: WindowKind; position: string };

const SELECT_EXISTING = `SELECT id, marketplace_order_id, updated_at, content_hash, status, marketplace_status, line_statuses, version, first_seen_at, personal_data_redacted_at
  FROM orders WHERE account = ? AND channel = ? AND marketplace_order_id IN (SELECT value FROM json_each(?))`;
/** The next seq AUTOINCREMENT would give, minus one: the write lock (BEGIN IMMEDIATE) is held, so a page numbers its events itself. */
const LAST_EVENT_SEQ = `SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'order_events'), 0), coalesce((SELECT max(seq) FROM order_events), 0)) AS seq`;
const EVENT_COLUMNS = 'seq, order_id, account, channel, marketplace_order_id, type, line_id, from_status, to_status, from_marketplace_status, to_marketplace_status, details, at';
const ORDER_INSERT_COLUMNS = `has_invoice, lists_documents, status, marketplace_status, status_unknown, delivered_by_marketplace, created_at, updated_at, version, last_changed_at, change_seq, content_hash, line_statuses, document, raw,
  id, account, channel, marketplace_order_id, first_seen_at`;
/** Rows per multi-row INSERT: few distinct statements to prepare, far below SQLite's 32,766 parameters. */
const ROWS_PER_INSERT = 100;
const UPDATE_ORDER = `UPDATE orders SET has_invoice = ?, lists_documents = ?, status = ?, marketplace_status = ?, status_unknown = ?, delivered_by_marketplace = ?, created_at = ?, updated_at = ?, version = ?, last_changed_at = ?,
  change_seq = ?, content_hash = ?, line_statuses = ?, document = CAST(? AS TEXT), raw = CAST(? AS TEXT) WHERE id = ?`;
/** Where document and raw are in ORDER_INSERT_COLUMNS: bound as a sync's text arena holds them (UTF-8 bytes) and stored as TEXT. */
const TEXT_COLUMNS: ReadonlySet<number> = new Set(['document', 'raw'].map((name) => ORDER_INSERT_COLUMNS.split(',').map((c) => c.trim()).indexOf(name)));
const CURSOR_FORWARD = `INSERT INTO cursors (account, channel, kind, position, updated_at) VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (account, channel, kind) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at WHERE excluded.position > cursors.position`;
const CURSOR_SET = `INSERT INTO cursors (account, channel, kind, position, updated_at) VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (account, channel, kind) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at`;
export const ORDER_COLUMNS = 'id, version, first_seen_at, last_changed_at, change_seq, document, raw, personal_data_redacted_at';

export function commitOrders(db: SqliteDb, orders: readonly OrderToCommit[], cursor?: CursorInput, options: CommitOptions = {}): UpsertResult {
  if (!options.isolate) return commitPage(db, prepareOrders(orders), cursor);
  const { prepared, rejected } = prepareIsolated(orders);
  try {
    return { ...commitPage(db, prepared.map((p) => p.order), cursor), rejected };
  } catch (err) {
    if (!isRecordFault(err)) throw err;
  }
  // The database refused the batch: write it again order by order, each under a savepoint, so
  // only the order at fault is left out.
  const position = cursor ? checkCursor(cursor) : undefined;
  const now = new Date().toISOString();
  return db.tx(() => {
    const result: UpsertResult = { inserted: 0, updated: 0, unchanged: 0, stale: 0, events: 0 };
    const refused: RejectedOrder[] = [];
    for (const { index, order } of prepared) {
      db.exec('SAVEPOINT record');
      try {
        const plan = planUpsert([order], loadExisting(db, [order]), now, () => newId());
        applyWrites(db, plan.writes, now);
        releaseStored(db, storedKeys([order], plan.staleKeys));
        db.exec('RELEASE record');
        for (const k of ['inserted', 'updated', 'unchanged', 'stale', 'events'] as const) result[k] += plan.result[k];
      } catch (err) {
        db.exec('ROLLBACK TO record');
        db.exec('RELEASE record');
        if (!isRecordFault(err)) throw err;
        refused.push(rejection(index, err));
      }
    }
    if (cursor && position) db.run(CURSOR_FORWARD, cursor.account, cursor.channel, cursor.kind, position, now);
    return { ...result, rejected: [...rejected, ...refused].sort((a, b) => a.index - b.index) };
  });
}

function commitPage(db: SqliteDb, page: PreparedOrder[], cursor?: CursorInput): UpsertResult {
  const position = cursor ? checkCursor(cursor) : undefined;
  const now = new Date().toISOString();
  return db.tx(() => {
    const plan = planUpsert(page, loadExisting(db, page), now, () => newId());
    applyWrites(db, plan.writes, now);
    releaseStored(db, storedKeys(page, plan.staleKeys));
    if (cursor && position) db.run(CURSOR_FORWARD, cursor.account, cursor.channel, cursor.kind, position, now);
    return plan.result;
  });
}

/** Stored orders leave the quarantine (one DELETE per account and channel of the page). */
function releaseStored(db: SqliteDb, page: readonly PreparedOrder[]): void {
  for (const { account, channel, ids } of groupByAccount(page).values()) {
    db.run('DELETE FROM quarantine WHERE account = ? AND channel = ? AND record_key IN (SELECT value FROM json_each(?))', account, channel, JSON.stringify(ids));
  }
}

function groupByAccount(page: readonly PreparedOrder[]): Map<string, { account: string; channel: string; ids: string[] }> {
  const groups = new Map<string, { account: string; channel: string; ids: string[] }>();
  for (const order of page) {
    const group = `${order.account}\u0000${order.channel}`;
    const entry = groups.get(group) ?? { account: order.account, channel: order.channel, ids: [] };
    entry.ids.push(order.marketplace_order_id);
    groups.set(group, entry);
  }
  return groups;
}

/** One SELECT per (account, channel) of the page: the stored state the plan compares with. */
function loadExisting(db: SqliteDb, page: readonly PreparedOrder[]): Map<string, ExistingOrder> {
  const existing = new Map<string, ExistingOrder>();
  for (const { account, channel, ids } of groupByAccount(page).values()) {
    for (const row of db.all(SELECT_EXISTING, account, channel, JSON.stringify(ids))) {
      const key = orderKey(account, channel, String(row.marketplace_order_id));
      existing.set(key, {
        id: String(row.id),
        key,
        updatedMs: Date.parse(String(row.updated_at)),
        hash: String(row.content_hash),
        status: row.status as ExistingOrder['status'],
        marketplace_status: String(row.marketplace_status),
        lines: JSON.parse(String(row.line_statuses)) as LineStatuses,
        version: Number(row.version),
        first_seen_at: String(row.first_seen_at),
        redacted: row.personal_data_redacted_at != null,
      });
    }
  }
  return existing;
}

/**
 * A page's writes: its events numbered from the last seq (the order of the plan, as one INSERT
 * per event with RETURNING seq numbered them) and inserted, like its new orders, in multi-row
 * INSERTs; changed orders updated one by one. Each order's change_seq is its last event's seq.
 */
function applyWrites(db: SqliteDb, writes: readonly PlannedWrite[], now: string): void {
  let seq = Number(db.get(LAST_EVENT_SEQ)!.seq);
  const events: unknown[][] = [];
  const inserts: unknown[][] = [];
  for (const write of writes) {
    for (const e of write.events) {
      seq += 1;
      events.push([seq, e.order_id, e.account, e.channel, e.marketplace_order_id, e.type, e.line_id ?? null, e.from_status ?? null, e.to_status ?? null,
        e.from_marketplace_status ?? null, e.to_marketplace_status ?? null, e.details === undefined ? null : JSON.stringify(e.details), e.at]);
    }
    const o = write.order;
    const texts = textParams(o);
    const columns = [o.has_invoice === undefined ? null : o.has_invoice ? 1 : 0, o.lists_documents ? 1 : 0, o.status, o.marketplace_status, o.status_unknown ? 1 : 0, o.delivered_by_marketplace ? 1 : 0, o.created_at, o.updated_at, write.version, now,
      write.events.length > 0 ? seq : 0, o.hash, JSON.stringify(o.lines), texts.document, texts.raw];
    if (write.kind === 'insert') {
      columns.push(write.id, o.account, o.channel, o.marketplace_order_id, write.first_seen_at);
      inserts.push(columns);
    } else {
      db.run(UPDATE_ORDER, ...columns, write.id);
    }
  }
  // New orders before their events: an event's order_id then finds its order, so SQLite records
  // no deferred foreign-key violation that each order's INSERT would then have to look up its
  // events to clear (about a tenth of a first sync's commit time).
  insertRows(db, 'orders', ORDER_INSERT_COLUMNS, inserts, TEXT_COLUMNS);
  insertRows(db, 'order_events', EVENT_COLUMNS, events);
}

/** `texts`: columns whose values may be UTF-8 bytes, cast to TEXT. */
function insertRows(db: SqliteDb, table: string, columns: string, rows: readonly unknown[][], texts?: ReadonlySet<number>): void {
  if (rows.length === 0) return;
  const width = rows[0]!.length;
  for (let i = 0; i < rows.length; ) {
    const count = chunkRows(rows.length - i);
    // Sized once and filled by index: no growing array, no iterator per row.
    const params = new Array<unknown>(count * width);
    let at = 0;
    for (let r = i; r < i + count; r++) {
      const row = rows[r]!;
      for (let c = 0; c < width; c++) params[at++] = row[c];
    }
    db.run(insertSql(table, columns, width, count, texts), ...params);
    i += count;
  }
}

/**
 * Rows in the next INSERT: 100 while that many are left, then the largest power of two left (37
 * rows: 32, 4, 1). Each row count is its own prepared statement, cached by the connection for
 * good: with every remainder its own, pages of varying sizes would leave up to 100 statements of
 * up to 2,000 parameters per table behind; this way a table never has more than eight.
 */
function chunkRows(left: number): number {
  if (left >= ROWS_PER_INSERT) return ROWS_PER_INSERT;
  return 2 ** Math.floor(Math.log2(left));
}

/** Texts of multi-row INSERTs by their one-row text, then by row count: built once per shape (the prepared statement is cached by its text). */
const insertTexts = new Map<string, string[]>();

function insertSql(table: string, columns: string, width: number, count: number, texts?: ReadonlySet<number>): string {
  const head = `INSERT INTO ${table} (${columns}) VALUES `;
  const row = `(${Array.from({ length: width }, (_, i) => (texts?.has(i) ? 'CAST(? AS TEXT)' : '?')).join(', ')})`;
  let byCount = insertTexts.get(head + row);
  if (!byCount) insertTexts.set(head + row, (byCount = []));
  return (byCount[count] ??= head + Array(count).fill(row).join(', '));
}

function checkCursor(cursor: CursorInput): string {
  requireText(cursor.account, 'cursor.account');
  requireText(cursor.channel, 'cursor.channel');
  requireWindowKind(cursor.kind);
  return canonicalInstant(cursor.position, 'cursor.position');
}

export function getCursor(db: SqliteDb, account: string, channel: string, kind: WindowKind): Cursor | undefined {
  const row = db.get('SELECT * FROM cursors WHERE account = ? AND channel = ? AND kind = ?', account, channel, kind);
  return row ? cursorFromRow(row) : undefined;
}

export function setCursor(db: SqliteDb, account: string, channel: string, kind: WindowKind, position: string): void {
  const canonical = checkCursor({ account, channel, kind, position });
  db.run(CURSOR_SET, account, channel, kind, canonical, new Date().toISOString());
}

export function getOrder(db: SqliteDb, account: string, channel: string, marketplaceOrderId: string): StoredOrder | undefined {
  const row = db.get(`SELECT ${ORDER_COLUMNS} FROM orders WHERE account = ? AND channel = ? AND marketplace_order_id = ?`, account, channel, marketplaceOrderId);
  return row ? orderFromRow(row, parseJsonText) : undefined;
}

export function getOrderById(db: SqliteDb, id: string): StoredOrder | undefined {
  const row = db.get(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = ?`, id);
  return row ? orderFromRow(row, parseJsonText) : undefined;
}

export function listOrders(db: SqliteDb, filter: OrderFilter): Page<StoredOrder> {
  const limit = pageLimit(filter.limit);
  const p = new Params(sqliteSyntax);
  const where = whereSql(orderConditions(filter, p));
  const rows = db.all(`SELECT ${ORDER_COLUMNS} FROM orders ${where} ORDER BY change_seq LIMIT ${p.add(limit + 1)}`, ...p.values);
  const items = rows.slice(0, limit);
  const page: Page<StoredOrder> = { items: items.map((row) => orderFromRow(row, parseJsonText)) };
  if (rows.length > limit) page.next = encodePageCursor('orders', Number(items.at(-1)!.change_seq));
  return page;
}

/** The feed's columns: no raw payload (4 KB an order), the document as stored text. */
const DOCUMENT_COLUMNS = 'id, version, first_seen_at, last_changed_at, change_seq, document, personal_data_redacted_at';

export function listOrderDocuments(db: SqliteDb, filter: OrderFilter): Page<StoredOrderDocument> {
  const limit = pageLimit(filter.limit);
  const p = new Params(sqliteSyntax);
  const where = whereSql(orderConditions(filter, p));
  const rows = db.all(`SELECT ${DOCUMENT_COLUMNS} FROM orders ${where} ORDER BY change_seq LIMIT ${p.add(limit + 1)}`, ...p.values);
  const items = rows.slice(0, limit);
  const page: Page<StoredOrderDocument> = { items: items.map(orderDocumentFromRow) };
  if (rows.length > limit) page.next = encodePageCursor('orders', Number(items.at(-1)!.change_seq));
  return page;
}

export function countOrders(db: SqliteDb, filter: Omit<OrderFilter, 'after' | 'limit'>): number {
  const p = new Params(sqliteSyntax);
  const where = whereSql(orderConditions({ ...filter, after: undefined }, p));
  return Number(db.get(`SELECT count(*) AS n FROM orders ${where}`, ...p.values)!.n);
}

export function listEvents(db: SqliteDb, filter: { after?: number; order_id?: string; account?: string | string[]; limit?: number }): OrderEvent[] {
  const limit = pageLimit(filter.limit);
  const p = new Params(sqliteSyntax);
  const where = whereSql(eventConditions(filter, p));
  return db.all(`SELECT * FROM order_events ${where} ORDER BY seq LIMIT ${p.add(limit)}`, ...p.values).map((row) => eventFromRow(row, parseJsonText));
}
