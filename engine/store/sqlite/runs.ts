/** Sync runs and named leases on SQLite. */
import { newId } from '../shared/ids.ts';
import type { SyncRun } from '../store.ts';
import { pageLimit } from '../shared/paging.ts';
import { runFromRow } from '../shared/rows.ts';
import { checkRunFinish, type NewRun, newRunRecord, type RunFinish, runNotFound } from '../shared/run-rules.ts';
import { isoAt } from '../shared/time.ts';
import { requirePositiveMs, requireText } from '../shared/validate.ts';
import type { SqliteDb } from './db.ts';

const INSERT_RUN = `INSERT INTO sync_runs (id, account, channel, kind, window_from, window_to, started_at, state, pages, orders, requests, errors)
  VALUES (?, ?, ?, ?, ?, ?, ?, 'running', 0, 0, 0, 0)`;
const FINISH_RUN = `UPDATE sync_runs SET state = ?, pages = ?, orders = ?, requests = ?, errors = ?, quarantined = ?, error_message = ?, finished_at = ? WHERE id = ?`;
const LAST_SUCCESSFUL = `SELECT account, channel, max(finished_at) AS finished_at FROM sync_runs WHERE state = 'succeeded' GROUP BY account, channel ORDER BY account, channel`;
// Free, expired, or already ours: take it. The WHERE of DO UPDATE makes it one atomic statement.
const ACQUIRE = `INSERT INTO leases (name, owner, expires_at, acquired_at) VALUES (?, ?, ?, ?)
  ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at, acquired_at = excluded.acquired_at
  WHERE leases.expires_at <= excluded.acquired_at OR leases.owner = excluded.owner`;

export function startRun(db: SqliteDb, run: NewRun): SyncRun {
  const record = newRunRecord(run, newId());
  db.run(INSERT_RUN, record.id, record.account, record.channel, record.kind, record.window_from, record.window_to, record.started_at);
  return record;
}

export function finishRun(db: SqliteDb, id: string, patch: RunFinish): void {
  checkRunFinish(patch);
  const changed = db.run(FINISH_RUN, patch.state, patch.pages, patch.orders, patch.requests, patch.errors, patch.quarantined ?? 0, patch.error_message ?? null, new Date().toISOString(), id);
  if (changed === 0) throw runNotFound(id);
}

export function listRuns(db: SqliteDb, filter: { account?: string; limit?: number }): SyncRun[] {
  const limit = pageLimit(filter.limit);
  const rows = filter.account === undefined
    ? db.all('SELECT * FROM sync_runs ORDER BY started_at DESC, id DESC LIMIT ?', limit)
    : db.all('SELECT * FROM sync_runs WHERE account = ? ORDER BY started_at DESC, id DESC LIMIT ?', filter.account, limit);
  return rows.map(runFromRow);
}

export function lastSuccessfulRuns(db: SqliteDb): Array<{ account: string; channel: string; finished_at: string }> {
  return db.all(LAST_SUCCESSFUL).map((row) => ({ account: String(row.account), channel: String(row.channel), finished_at: String(row.finished_at) }));
}

export function acquireLease(db: SqliteDb, name: string, owner: string, ttlMs: number, now?: Date): boolean {
  checkLease(name, owner, ttlMs);
  return db.run(ACQUIRE, name, owner, isoAt(now, ttlMs), isoAt(now)) === 1;
}

export function renewLease(db: SqliteDb, name: string, owner: string, ttlMs: number, now?: Date): boolean {
  checkLease(name, owner, ttlMs);
  return db.run('UPDATE leases SET expires_at = ? WHERE name = ? AND owner = ?', isoAt(now, ttlMs), name, owner) === 1;
}

export function releaseLease(db: SqliteDb, name: string, owner: string): void {
  db.run('DELETE FROM leases WHERE name = ? AND owner = ?', name, owner);
}

function checkLease(name: string, owner: string, ttlMs: number): void {
  requireText(name, 'name');
  requireText(owner, 'owner');
  requirePositiveMs(ttlMs, 'ttlMs');
}
