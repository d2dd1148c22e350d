/**
 * Seller actions on PostgreSQL. Claims use FOR UPDATE SKIP LOCKED: concurrent workers each lock
 * different rows and never wait on (or take) one another's, and only an order's oldest pending
 * action is claimable. Enqueue and retry, which add a pending action to an order, take a
 * transaction advisory lock on the order, so the pending-actions precondition holds at commit.
 */
import { newId } from '../shared/ids.ts';
import { OrderwireError } from '../../errors.ts';
import type { ActionState, NewAction, Page, StoredAction } from '../store.ts';
import {
  type ActionPatch,
  actionPatchColumns,
  CANCELABLE_STATES,
  checkClaim,
  idempotencyKeyReused,
  OLDEST_OF_ITS_ORDER,
  PENDING_STATES,
  pendingChanged,
  RETRYABLE_STATES,
  sameSubmission,
  sqlList,
  transitionConflict,
} from '../shared/action-rules.ts';
import { encodePageCursor, pageLimit } from '../shared/paging.ts';
import { actionFromRow, alreadyParsed } from '../shared/rows.ts';
import { isoAt } from '../shared/time.ts';
import { actionColumns } from '../shared/validate.ts';
import { actionConditions, Params, whereSql } from '../shared/where.ts';
import { postgresSyntax, type PgDb, type PgQuery, type PgRow } from './db.ts';

const INSERT = `INSERT INTO actions (id, idempotency_key, account, channel, marketplace_order_id, action, state, attempts, next_attempt_at, request, fingerprint, created_at, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, 'queued', 0, $7, $8, $9, $7, $7) ON CONFLICT (idempotency_key) DO NOTHING RETURNING *`;
const PENDING = `SELECT * FROM actions WHERE account = $1 AND channel = $2 AND marketplace_order_id = $3 AND state IN (${sqlList(PENDING_STATES)}) ORDER BY seq`;
const ORDER_LOCK = `SELECT pg_advisory_xact_lock(hashtext('orderwire:order:' || current_schema() || ':' || $1))`;
/** The lock's key of one order (JSON keeps the three parts apart). */
const orderKey = (account: string, channel: string, marketplaceOrderId: string): string => JSON.stringify([account, channel, marketplaceOrderId]);
const DUE = `((state = 'queued' AND next_attempt_at <= $3) OR state = 'sending') AND (lease_until IS NULL OR lease_until <= $3) AND ${OLDEST_OF_ITS_ORDER}`;
// The CTE is materialized on purpose: as `id IN (subquery)` the planner may rescan the subquery
// per row, and each rescan skips the rows this statement just locked and picks more (> limit).
const CLAIM = `WITH due AS MATERIALIZED (SELECT id FROM actions WHERE ${DUE} ORDER BY next_attempt_at, seq LIMIT $4 FOR UPDATE SKIP LOCKED)
  UPDATE actions a SET lease_owner = $1, lease_until = $2, updated_at = $3 FROM due WHERE a.id = due.id
  RETURNING a.*`;
const RETRY = `UPDATE actions SET state = 'queued', attempts = 0, next_attempt_at = $1, error = NULL, lease_owner = NULL, lease_until = NULL, updated_at = $1
  WHERE id = $2 AND state IN (${sqlList(RETRYABLE_STATES)}) RETURNING *`;
const CANCEL = `UPDATE actions SET state = 'canceled', lease_owner = NULL, lease_until = NULL, updated_at = $1
  WHERE id = $2 AND state IN (${sqlList(CANCELABLE_STATES)}) RETURNING *`;
const toAction = (row: PgRow): StoredAction => actionFromRow(row, alreadyParsed);

async function byKey(q: PgQuery, key: string): Promise<StoredAction | undefined> {
  const row = (await q.query('SELECT * FROM actions WHERE idempotency_key = $1', [key])).rows[0];
  return row ? toAction(row) : undefined;
}

export async function enqueueAction(db: PgDb, action: NewAction): Promise<{ action: StoredAction; existing: boolean }> {
  const c = actionColumns(action);
  const request = JSON.stringify(action.request);
  return db.tx(async (q) => {
    await q.query(ORDER_LOCK, [orderKey(c.account, c.channel, c.marketplace_order_id)]);
    const found = async (): Promise<{ action: StoredAction; existing: boolean } | undefined> => {
      const stored = await byKey(q, c.key);
      if (!stored) return undefined;
      if (!sameSubmission(stored, action)) throw idempotencyKeyReused(c.key, stored);
      return { action: stored, existing: true };
    };
    const existing = await found();
    if (existing) return existing;
    const changed = pendingChanged(action.after_pending, (await q.query(PENDING, [c.account, c.channel, c.marketplace_order_id])).rows.map(toAction));
    if (changed) throw changed;
    const inserted = (await q.query(INSERT, [newId(), c.key, c.account, c.channel, c.marketplace_order_id, c.action, new Date().toISOString(), request, action.fingerprint ?? null])).rows[0];
    if (inserted) return { action: toAction(inserted), existing: false };
    // The same key was stored meanwhile for another order (the lock is per order): it is committed now.
    const winner = await found();
    if (winner) return winner;
    throw new OrderwireError('INTERNAL', `could not enqueue action with idempotency key ${JSON.stringify(c.key)}: it conflicted without a visible winner`);
  });
}

export async function pendingActions(db: PgDb, account: string, channel: string, marketplaceOrderId: string): Promise<StoredAction[]> {
  return (await db.query(PENDING, [account, channel, marketplaceOrderId])).rows.map(toAction);
}

export async function getActionByKey(db: PgDb, idempotencyKey: string): Promise<StoredAction | undefined> {
  return byKey(db, idempotencyKey);
}

export async function getAction(db: PgDb, id: string): Promise<StoredAction | undefined> {
  const row = (await db.query('SELECT * FROM actions WHERE id = $1', [id])).rows[0];
  return row ? toAction(row) : undefined;
}

export async function listActions(
  db: PgDb,
  filter: { state?: ActionState | ActionState[]; account?: string | string[]; marketplace_order_id?: string; limit?: number; after?: string },
): Promise<Page<StoredAction>> {
  const limit = pageLimit(filter.limit);
  const p = new Params(postgresSyntax);
  const where = whereSql(actionConditions(filter, p));
  const { rows } = await db.query(`SELECT * FROM actions ${where} ORDER BY seq LIMIT ${p.add(limit + 1)}`, p.values);
  const items = rows.slice(0, limit);
  const page: Page<StoredAction> = { items: items.map(toAction) };
  if (rows.length > limit) page.next = encodePageCursor('actions', Number(items.at(-1)!.seq));
  return page;
}

export async function claimActions(db: PgDb, owner: string, leaseMs: number, limit: number, now?: Date): Promise<StoredAction[]> {
  checkClaim(owner, leaseMs, limit);
  const { rows } = await db.query(CLAIM, [owner, isoAt(now, leaseMs), isoAt(now), limit]);
  return rows
    .sort((a, b) => (a.next_attempt_at as Date).getTime() - (b.next_attempt_at as Date).getTime() || Number(a.seq) - Number(b.seq))
    .map(toAction);
}

export async function updateAction(db: PgDb, id: string, owner: string, patch: ActionPatch): Promise<boolean> {
  const columns = actionPatchColumns(patch);
  columns.push(['updated_at', new Date().toISOString()]);
  const sets = columns.map(([column], i) => `${column} = $${i + 1}`).join(', ');
  const n = columns.length;
  const { rowCount } = await db.query(`UPDATE actions SET ${sets} WHERE id = $${n + 1} AND lease_owner = $${n + 2}`, [...columns.map(([, value]) => value), id, owner]);
  return rowCount === 1;
}

export async function retryAction(db: PgDb, id: string): Promise<StoredAction | undefined> {
  const current = await getAction(db, id);
  if (!current) return undefined;
  return db.tx(async (q) => {
    await q.query(ORDER_LOCK, [orderKey(current.account, current.channel, current.marketplace_order_id)]);
    // Queued again it would be the oldest of its order: not while another action waits there.
    const [other] = (await q.query(PENDING, [current.account, current.channel, current.marketplace_order_id])).rows.map(toAction);
    if (other && other.id !== id) throw transitionConflict('retry', current, other);
    const row = (await q.query(RETRY, [new Date().toISOString(), id])).rows[0];
    if (row) return toAction(row);
    const now = await byKey(q, current.idempotency_key);
    throw transitionConflict('retry', now ?? current);
  });
}

export async function cancelAction(db: PgDb, id: string): Promise<StoredAction | undefined> {
  const row = (await db.query(CANCEL, [new Date().toISOString(), id])).rows[0];
  if (row) return toAction(row);
  const current = await getAction(db, id);
  if (!current) return undefined;
  throw transitionConflict('cancel', current);
}
