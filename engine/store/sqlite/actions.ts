/** Seller actions on SQLite: idempotent enqueue, leased claims, owner-guarded updates. */
import { newId } from '../shared/ids.ts';
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
import { actionFromRow, parseJsonText } from '../shared/rows.ts';
import { isoAt } from '../shared/time.ts';
import { actionColumns } from '../shared/validate.ts';
import { actionConditions, Params, whereSql } from '../shared/where.ts';
import { sqliteSyntax, type SqliteDb } from './db.ts';

const INSERT = `INSERT INTO actions (id, idempotency_key, account, channel, marketplace_order_id, action, state, attempts, next_attempt_at, request, fingerprint, created_at, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?, ?) RETURNING *`;
const PENDING = `SELECT * FROM actions WHERE account = ? AND channel = ? AND marketplace_order_id = ? AND state IN (${sqlList(PENDING_STATES)}) ORDER BY seq`;
const CLAIM = `UPDATE actions SET lease_owner = ?, lease_until = ?, updated_at = ?
  WHERE seq IN (SELECT seq FROM actions
    WHERE ((state = 'queued' AND next_attempt_at <= ?) OR state = 'sending') AND (lease_until IS NULL OR lease_until <= ?) AND ${OLDEST_OF_ITS_ORDER}
    ORDER BY next_attempt_at, seq LIMIT ?)
  RETURNING *`;
const RETRY = `UPDATE actions SET state = 'queued', attempts = 0, next_attempt_at = ?, error = NULL, lease_owner = NULL, lease_until = NULL, updated_at = ?
  WHERE id = ? AND state IN (${sqlList(RETRYABLE_STATES)}) RETURNING *`;
const CANCEL = `UPDATE actions SET state = 'canceled', lease_owner = NULL, lease_until = NULL, updated_at = ?
  WHERE id = ? AND state IN (${sqlList(CANCELABLE_STATES)}) RETURNING *`;

const toAction = (row: Record<string, unknown>): StoredAction => actionFromRow(row, parseJsonText);

export function enqueueAction(db: SqliteDb, action: NewAction): { action: StoredAction; existing: boolean } {
  const c = actionColumns(action);
  const request = JSON.stringify(action.request);
  return db.tx(() => {
    const byKey = db.get('SELECT * FROM actions WHERE idempotency_key = ?', c.key);
    if (byKey) {
      const stored = toAction(byKey);
      if (!sameSubmission(stored, action)) throw idempotencyKeyReused(c.key, stored);
      return { action: stored, existing: true };
    }
    const changed = pendingChanged(action.after_pending, pendingActions(db, c.account, c.channel, c.marketplace_order_id));
    if (changed) throw changed;
    const now = new Date().toISOString();
    const row = db.get(INSERT, newId(), c.key, c.account, c.channel, c.marketplace_order_id, c.action, now, request, action.fingerprint ?? null, now, now);
    return { action: toAction(row!), existing: false };
  });
}

export function pendingActions(db: SqliteDb, account: string, channel: string, marketplaceOrderId: string): StoredAction[] {
  return db.all(PENDING, account, channel, marketplaceOrderId).map(toAction);
}

export function getActionByKey(db: SqliteDb, idempotencyKey: string): StoredAction | undefined {
  const row = db.get('SELECT * FROM actions WHERE idempotency_key = ?', idempotencyKey);
  return row ? toAction(row) : undefined;
}

export function getAction(db: SqliteDb, id: string): StoredAction | undefined {
  const row = db.get('SELECT * FROM actions WHERE id = ?', id);
  return row ? toAction(row) : undefined;
}

export function listActions(
  db: SqliteDb,
  filter: { state?: ActionState | ActionState[]; account?: string | string[]; marketplace_order_id?: string; limit?: number; after?: string },
): Page<StoredAction> {
  const limit = pageLimit(filter.limit);
  const p = new Params(sqliteSyntax);
  const where = whereSql(actionConditions(filter, p));
  const rows = db.all(`SELECT * FROM actions ${where} ORDER BY seq LIMIT ${p.add(limit + 1)}`, ...p.values);
  const items = rows.slice(0, limit);
  const page: Page<StoredAction> = { items: items.map(toAction) };
  if (rows.length > limit) page.next = encodePageCursor('actions', Number(items.at(-1)!.seq));
  return page;
}

export function claimActions(db: SqliteDb, owner: string, leaseMs: number, limit: number, now?: Date): StoredAction[] {
  checkClaim(owner, leaseMs, limit);
  const at = isoAt(now);
  const rows = db.all(CLAIM, owner, isoAt(now, leaseMs), at, at, at, limit);
  return rows.sort((a, b) => String(a.next_attempt_at).localeCompare(String(b.next_attempt_at)) || Number(a.seq) - Number(b.seq)).map(toAction);
}

export function updateAction(db: SqliteDb, id: string, owner: string, patch: ActionPatch): boolean {
  const columns = actionPatchColumns(patch);
  columns.push(['updated_at', new Date().toISOString()]);
  const sets = columns.map(([column]) => `${column} = ?`).join(', ');
  return db.run(`UPDATE actions SET ${sets} WHERE id = ? AND lease_owner = ?`, ...columns.map(([, value]) => value), id, owner) === 1;
}

export function retryAction(db: SqliteDb, id: string): StoredAction | undefined {
  const now = new Date().toISOString();
  return db.tx(() => {
    const current = getAction(db, id);
    if (!current) return undefined;
    if (!RETRYABLE_STATES.includes(current.state)) throw transitionConflict('retry', current);
    // Queued again it would be the oldest of its order: not while another action waits there.
    const [other] = pendingActions(db, current.account, current.channel, current.marketplace_order_id);
    if (other) throw transitionConflict('retry', current, other);
    return toAction(db.get(RETRY, now, now, id)!);
  });
}

export function cancelAction(db: SqliteDb, id: string): StoredAction | undefined {
  return db.tx(() => {
    const current = getAction(db, id);
    if (!current) return undefined;
    if (!CANCELABLE_STATES.includes(current.state)) throw transitionConflict('cancel', current);
    return toAction(db.get(CANCEL, new Date().toISOString(), id)!);
  });
}
