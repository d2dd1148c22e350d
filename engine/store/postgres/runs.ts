/** Sync runs and named leases on PostgreSQL. */
import { newId } from '../shared/ids.ts';
import type { SyncRun } from '../store.ts';
import { pageLimit } from '../shared/paging.ts';
import { runFromRow } from '../shared/rows.ts';
import { checkRunFinish, type NewRun, newRunRecord, type RunFinish, runNotFound } from '../shared/run-rules.ts';
import { isoAt, toIso } from '../shared/time.ts';
import { requirePositiveMs, requireText } from '../shared/validate.ts';
import type { PgDb } from './db.ts';

const INSERT_RUN = `INSERT INTO sync_runs (id, account, channel, kind, window_from, window_to, started_at, state, pages, orders, requests, errors)
  VALUES ($1, $2, $3, $4, $5, $6, $7, 'running', 0, 0, 0, 0)`;
const FINISH_RUN = `UPDATE sync_runs SET state = $1, pages = $2, orders = $3, requests = $4, errors = $5, error_message = $6, finished_at = $7, quarantined = $9 WHERE id = $8`;
const LAST_SUCCESSFUL = `SELECT account, channel, max(finished_at) AS finished_at FROM sync_runs WHERE state = 'succeeded' GROUP BY account, channel ORDER BY account, channel`;
// Free, expired, or already ours: take it. The row lock of ON CONFLICT makes concurrent acquirers queue.
const ACQUIRE = `INSERT INTO leases (name, owner, expires_at, acquired_at) VALUES ($1, $2, $3, $4)
  ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at, acquired_at = excluded.acquired_at
  WHERE leases.expires_at <= excluded.acquired_at OR leases.owner = excluded.owner`;

export async function startRun(db: PgDb, run: NewRun): Promise<SyncRun> {
  const record = newRunRecord(run, newId());
  await db.query(INSERT_RUN, [record.id, record.account, record.channel, record.kind, record.window_from, record.window_to, record.started_at]);
  return record;
}

export async function finishRun(db: PgDb, id: string, patch: RunFinish): Promise<void> {
  checkRunFinish(patch);
  const { rowCount } = await db.query(FINISH_RUN, [patch.state, patch.pages, patch.orders, patch.requests, patch.errors, patch.error_message ?? null, new Date().toISOString(), id, patch.quarantined ?? 0]);
  if (rowCount === 0) throw runNotFound(id);
}

export async function listRuns(db: PgDb, filter: { account?: string; limit?: number }): Promise<SyncRun[]> {
  const limit = pageLimit(filter.limit);
  const { rows } = filter.account === undefined
    ? await db.query('SELECT * FROM sync_runs ORDER BY started_at DESC, id DESC LIMIT $1', [limit])
    : await db.query('SELECT * FROM sync_runs WHERE account = $1 ORDER BY started_at DESC, id DESC LIMIT $2', [filter.account, limit]);
  return rows.map(runFromRow);
}

export async function lastSuccessfulRuns(db: PgDb): Promise<Array<{ account: string; channel: string; finished_at: string }>> {
  const { rows } = await db.query(LAST_SUCCESSFUL);
  return rows.map((row) => ({ account: String(row.account), channel: String(row.channel), finished_at: toIso(row.finished_at) }));
}

export async function acquireLease(db: PgDb, name: string, owner: string, ttlMs: number, now?: Date): Promise<boolean> {
  checkLease(name, owner, ttlMs);
  return (await db.query(ACQUIRE, [name, owner, isoAt(now, ttlMs), isoAt(now)])).rowCount === 1;
}

export async function renewLease(db: PgDb, name: string, owner: string, ttlMs: number, now?: Date): Promise<boolean> {
  checkLease(name, owner, ttlMs);
  return (await db.query('UPDATE leases SET expires_at = $1 WHERE name = $2 AND owner = $3', [isoAt(now, ttlMs), name, owner])).rowCount === 1;
}

export async function releaseLease(db: PgDb, name: string, owner: string): Promise<void> {
  await db.query('DELETE FROM leases WHERE name = $1 AND owner = $2', [name, owner]);
}

function checkLease(name: string, owner: string, ttlMs: number): void {
  requireText(name, 'name');
  requireText(owner, 'owner');
  requirePositiveMs(ttlMs, 'ttlMs');
}
