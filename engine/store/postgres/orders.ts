/**
 * Orders, their change feed and the window cursors on PostgreSQL. A page is written with a fixed
 * number of statements whatever its size (orders and events streamed through COPY, updated orders
 * through a temporary table), under a transaction advisory lock that makes event seqs (and so the
 * orders feed) visible in increasing order: a reader that has seen seq N never later finds a
 * committed seq below N. The document and the raw payload are text (migrations 020, 018): stored
 * as the engine wrote them, never parsed by the server; the deadlines, the only keys queried in
 * the document, are columns of their own.
 */
import { newId } from '../shared/ids.ts';
import type { CommitOptions, Cursor, OrderEvent, OrderFilter, OrderToCommit, Page, RejectedOrder, StoredOrder, StoredOrderDocument, UpsertResult, WindowKind } from '../store.ts';
import { isRecordFault, prepareIsolated, rejection, storedKeys } from '../shared/isolate.ts';
import { encodePageCursor, pageLimit } from '../shared/paging.ts';
import { type ExistingOrder, type PlannedWrite, planUpsert } from '../shared/plan.ts';
import { type LineStatuses, orderKey, prepareOrders, type PreparedOrder } from '../shared/prepare-order.ts';
import { alreadyParsed, cursorFromRow, eventFromRow, orderDocumentFromRow, orderFromRow, parseJsonText } from '../shared/rows.ts';
import { canonicalInstant, toIso } from '../shared/time.ts';
import { requireText, requireWindowKind } from '../shared/validate.ts';
import { eventConditions, orderConditions, Params, whereSql } from '../shared/where.ts';
import { copyRow } from './copy-text.ts';
import { postgresSyntax, type PgDb, type PgTx } from './db.ts';

type CursorInput = { account: string; channel: string; kind: WindowKind; position: string };

export const FEED_LOCK = `SELECT pg_advisory_xact_lock(hashtext('orderwire:feed:' || current_schema()))`;
const SELECT_EXISTING = `SELECT id, account, channel, marketplace_order_id, updated_at, content_hash, status, marketplace_status, line_statuses, version, first_seen_at, personal_data_redacted_at
  FROM orders WHERE (account, channel, marketplace_order_id) IN (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]))`;
const NEXT_SEQS = `SELECT nextval('order_change_seq') AS seq FROM generate_series(1, $1::int)`;
/**
 * Orders and events are streamed through COPY (the server's cheapest way in: no statement to
 * plan, no parameter to decode, and this side never holds a batch as one string); it checks the
 * same constraints and fires the same triggers as INSERT. Updated orders are copied into a
 * temporary table shaped like orders (its defaults and column compression included, so a value is
 * compressed once, as orders compresses it, and copied across as it is), then applied by one
 * UPDATE joined on id; the table is dropped after it (and at commit in any case), so the same
 * transaction can stage again (an isolated write does, order by order).
 */
const ORDER_COPY_COLUMNS = `(id, status, marketplace_status, status_unknown, delivered_by_marketplace, created_at, updated_at, version, last_changed_at, change_seq,
  content_hash, line_statuses, document, raw, account, channel, marketplace_order_id, first_seen_at, acceptance_deadline, shipping_deadline,
  has_invoice, lists_documents)`;
const COPY_ORDERS = `COPY orders ${ORDER_COPY_COLUMNS} FROM STDIN`;
const STAGE_UPDATES = 'CREATE TEMP TABLE order_updates (LIKE orders INCLUDING DEFAULTS INCLUDING COMPRESSION) ON COMMIT DROP';
const COPY_UPDATES = `COPY pg_temp.order_updates ${ORDER_COPY_COLUMNS} FROM STDIN`;
const APPLY_UPDATES = `UPDATE orders o SET status = u.status, marketplace_status = u.marketplace_status, status_unknown = u.status_unknown,
  delivered_by_marketplace = u.delivered_by_marketplace, created_at = u.created_at, updated_at = u.updated_at, version = u.version, last_changed_at = u.last_changed_at,
  change_seq = u.change_seq, content_hash = u.content_hash, line_statuses = u.line_statuses, document = u.document, raw = u.raw,
  acceptance_deadline = u.acceptance_deadline, shipping_deadline = u.shipping_deadline, has_invoice = u.has_invoice, lists_documents = u.lists_documents
  FROM pg_temp.order_updates u WHERE o.id = u.id`;
const UNSTAGE_UPDATES = 'DROP TABLE pg_temp.order_updates';
const COPY_EVENTS = `COPY order_events (seq, order_id, account, channel, marketplace_order_id, type, line_id, from_status, to_status, from_marketplace_status, to_marketplace_status, at, details)
  FROM STDIN`;
const CURSOR_FORWARD = `INSERT INTO cursors (account, channel, kind, position, updated_at) VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT (account, channel, kind) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at WHERE excluded.position > cursors.position`;
const CURSOR_SET = `INSERT INTO cursors (account, channel, kind, position, updated_at) VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT (account, channel, kind) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at`;
/** document and raw are JSON texts, parsed here (the server would parse them only to serialize them again). */
const ORDER_COLUMNS = 'id, version, first_seen_at, last_changed_at, change_seq, document, raw, personal_data_redacted_at';

export async function commitOrders(db: PgDb, orders: readonly OrderToCommit[], cursor?: CursorInput, options: CommitOptions = {}): Promise<UpsertResult> {
  if (!options.isolate) return commitPage(db, prepareOrders(orders), cursor);
  const { prepared, rejected } = prepareIsolated(orders);
  try {
    return { ...(await commitPage(db, prepared.map((p) => p.order), cursor)), rejected };
  } catch (err) {
    if (!isRecordFault(err)) throw err;
  }
  // The database refused the batch: write it again order by order, each under a savepoint, so
  // only the order at fault is left out.
  const position = cursor ? checkCursor(cursor) : undefined;
  return db.tx(async (q) => {
    await q.query(FEED_LOCK);
    const now = new Date().toISOString();
    const result: UpsertResult = { inserted: 0, updated: 0, unchanged: 0, stale: 0, events: 0 };
    const refused: RejectedOrder[] = [];
    for (const { index, order } of prepared) {
      await q.query('SAVEPOINT record');
      try {
        const stats = await writePage(q, [order], now);
        await q.query('RELEASE SAVEPOINT record');
        for (const k of ['inserted', 'updated', 'unchanged', 'stale', 'events'] as const) result[k] += stats[k];
      } catch (err) {
        await q.query('ROLLBACK TO SAVEPOINT record');
        if (!isRecordFault(err)) throw err;
        refused.push(rejection(index, err));
      }
    }
    if (cursor && position) await q.query(CURSOR_FORWARD, [cursor.account, cursor.channel, cursor.kind, position, now]);
    return { ...result, rejected: [...rejected, ...refused].sort((a, b) => a.index - b.index) };
  });
}

async function commitPage(db: PgDb, page: PreparedOrder[], cursor?: CursorInput): Promise<UpsertResult> {
  const position = cursor ? checkCursor(cursor) : undefined;
  return db.tx(async (q) => {
    await q.query(FEED_LOCK);
    const now = new Date().toISOString();
    const result = await writePage(q, page, now);
    if (cursor && position) await q.query(CURSOR_FORWARD, [cursor.account, cursor.channel, cursor.kind, position, now]);
    return result;
  });
}

/** The upsert of a page inside a transaction holding the feed lock; stored orders leave quarantine. */
async function writePage(q: PgTx, page: PreparedOrder[], now: string): Promise<UpsertResult> {
  const plan = planUpsert(page, await loadExisting(q, page), now, () => newId());
  const events = plan.writes.flatMap((w) => w.events);
  const seqs = events.length ? (await q.query(NEXT_SEQS, [events.length])).rows.map((r) => Number(r.seq)).sort((a, b) => a - b) : [];
  const changeSeq = new Map<PlannedWrite, number>();
  let i = 0;
  for (const write of plan.writes) {
    i += write.events.length;
    changeSeq.set(write, seqs[i - 1]!);
  }
  // Updates first: a failure on a later statement must visibly undo them (tested).
  const updates = plan.writes.filter((w) => w.kind === 'update');
  if (updates.length) {
    await q.query(STAGE_UPDATES);
    await q.copyIn(COPY_UPDATES, orderRows(updates, changeSeq, now));
    await q.query(APPLY_UPDATES);
    await q.query(UNSTAGE_UPDATES);
  }
  const inserts = plan.writes.filter((w) => w.kind === 'insert');
  if (inserts.length) await q.copyIn(COPY_ORDERS, orderRows(inserts, changeSeq, now));
  if (events.length) await q.copyIn(COPY_EVENTS, eventRows(events, seqs));
  const stored = storedKeys(page, plan.staleKeys);
  if (stored.length) {
    await q.query('DELETE FROM quarantine WHERE (account, channel, record_key) IN (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]))',
      [stored.map((o) => o.account), stored.map((o) => o.channel), stored.map((o) => o.marketplace_order_id)]);
  }
  return plan.result;
}

async function loadExisting(q: PgTx, page: readonly PreparedOrder[]): Promise<Map<string, ExistingOrder>> {
  const existing = new Map<string, ExistingOrder>();
  if (page.length === 0) return existing;
  const { rows } = await q.query(SELECT_EXISTING, [page.map((o) => o.account), page.map((o) => o.channel), page.map((o) => o.marketplace_order_id)]);
  for (const row of rows) {
    const key = orderKey(String(row.account), String(row.channel), String(row.marketplace_order_id));
    existing.set(key, {
      id: String(row.id),
      key,
      updatedMs: (row.updated_at as Date).getTime(),
      hash: String(row.content_hash),
      status: row.status as ExistingOrder['status'],
      marketplace_status: String(row.marketplace_status),
      lines: row.line_statuses as LineStatuses,
      version: Number(row.version),
      first_seen_at: toIso(row.first_seen_at),
      redacted: row.personal_data_redacted_at != null,
    });
  }
  return existing;
}

/** The lines of COPY_ORDERS and COPY_UPDATES, made one at a time as COPY consumes them. */
function* orderRows(writes: PlannedWrite[], changeSeq: Map<PlannedWrite, number>, now: string): Generator<string> {
  for (const w of writes) {
    const o = w.order;
    yield copyRow([w.id, o.status, o.marketplace_status, o.status_unknown, o.delivered_by_marketplace, o.created_at, o.updated_at, w.version, now, changeSeq.get(w)!,
      o.hash, JSON.stringify(o.lines), o.document, o.raw, o.account, o.channel, o.marketplace_order_id, w.first_seen_at, o.acceptance_deadline, o.shipping_deadline,
      o.has_invoice, o.lists_documents]);
  }
}

function* eventRows(events: PlannedWrite['events'], seqs: number[]): Generator<string> {
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    yield copyRow([seqs[i]!, e.order_id, e.account, e.channel, e.marketplace_order_id, e.type, e.line_id, e.from_status, e.to_status, e.from_marketplace_status,
      e.to_marketplace_status, e.at, e.details === undefined ? null : JSON.stringify(e.details)]);
  }
}

function checkCursor(cursor: CursorInput): string {
  requireText(cursor.account, 'cursor.account');
  requireText(cursor.channel, 'cursor.channel');
  requireWindowKind(cursor.kind);
  return canonicalInstant(cursor.position, 'cursor.position');
}

export async function getCursor(db: PgDb, account: string, channel: string, kind: WindowKind): Promise<Cursor | undefined> {
  const { rows } = await db.query('SELECT * FROM cursors WHERE account = $1 AND channel = $2 AND kind = $3', [account, channel, kind]);
  return rows[0] ? cursorFromRow(rows[0]) : undefined;
}

export async function setCursor(db: PgDb, account: string, channel: string, kind: WindowKind, position: string): Promise<void> {
  const canonical = checkCursor({ account, channel, kind, position });
  await db.query(CURSOR_SET, [account, channel, kind, canonical, new Date().toISOString()]);
}

export async function getOrder(db: PgDb, account: string, channel: string, marketplaceOrderId: string): Promise<StoredOrder | undefined> {
  const { rows } = await db.query(`SELECT ${ORDER_COLUMNS} FROM orders WHERE account = $1 AND channel = $2 AND marketplace_order_id = $3`, [account, channel, marketplaceOrderId]);
  return rows[0] ? orderFromRow(rows[0], parseJsonText) : undefined;
}

export async function getOrderById(db: PgDb, id: string): Promise<StoredOrder | undefined> {
  const { rows } = await db.query(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1`, [id]);
  return rows[0] ? orderFromRow(rows[0], parseJsonText) : undefined;
}

export async function listOrders(db: PgDb, filter: OrderFilter): Promise<Page<StoredOrder>> {
  const limit = pageLimit(filter.limit);
  const p = new Params(postgresSyntax);
  const where = whereSql(orderConditions(filter, p));
  const { rows } = await db.query(`SELECT ${ORDER_COLUMNS} FROM orders ${where} ORDER BY change_seq LIMIT ${p.add(limit + 1)}`, p.values);
  const items = rows.slice(0, limit);
  const page: Page<StoredOrder> = { items: items.map((row) => orderFromRow(row, parseJsonText)) };
  if (rows.length > limit) page.next = encodePageCursor('orders', Number(items.at(-1)!.change_seq));
  return page;
}

/** The feed's columns: no raw payload (4 KB an order), the document as stored (JSON text, never parsed). */
const DOCUMENT_COLUMNS = 'id, version, first_seen_at, last_changed_at, change_seq, document, personal_data_redacted_at';

export async function listOrderDocuments(db: PgDb, filter: OrderFilter): Promise<Page<StoredOrderDocument>> {
  const limit = pageLimit(filter.limit);
  const p = new Params(postgresSyntax);
  const where = whereSql(orderConditions(filter, p));
  const { rows } = await db.query(`SELECT ${DOCUMENT_COLUMNS} FROM orders ${where} ORDER BY change_seq LIMIT ${p.add(limit + 1)}`, p.values);
  const items = rows.slice(0, limit);
  const page: Page<StoredOrderDocument> = { items: items.map(orderDocumentFromRow) };
  if (rows.length > limit) page.next = encodePageCursor('orders', Number(items.at(-1)!.change_seq));
  return page;
}

export async function countOrders(db: PgDb, filter: Omit<OrderFilter, 'after' | 'limit'>): Promise<number> {
  const p = new Params(postgresSyntax);
  const where = whereSql(orderConditions({ ...filter, after: undefined }, p));
  const { rows } = await db.query(`SELECT count(*) AS n FROM orders ${where}`, p.values);
  return Number(rows[0]!.n);
}

export async function listEvents(db: PgDb, filter: { after?: number; order_id?: string; account?: string | string[]; limit?: number }): Promise<OrderEvent[]> {
  const limit = pageLimit(filter.limit);
  const p = new Params(postgresSyntax);
  const where = whereSql(eventConditions(filter, p));
  const { rows } = await db.query(`SELECT * FROM order_events ${where} ORDER BY seq LIMIT ${p.add(limit)}`, p.values);
  return rows.map((row) => eventFromRow(row, alreadyParsed));
}
