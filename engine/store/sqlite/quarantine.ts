/** The import quarantine and abandoned runs on SQLite. */
import { newId } from '../shared/ids.ts';
import { encodeKeyCursor, pageLimit } from '../shared/paging.ts';
import { prepareQuarantine, quarantineFromRow } from '../shared/quarantine-rules.ts';
import { parseJsonText, runFromRow } from '../shared/rows.ts';
import { requireText } from '../shared/validate.ts';
import { Params, quarantineConditions, whereSql } from '../shared/where.ts';
import type { NewQuarantinedRecord, Page, QuarantinedRecord, QuarantineFilter, SyncRun } from '../store.ts';
import { sqliteSyntax, type SqliteDb } from './db.ts';

const UPSERT = `INSERT INTO quarantine (id, account, channel, record_key, marketplace_order_id, code, reason, raw, attempts, first_seen_at, last_seen_at, last_run)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)
  ON CONFLICT (account, channel, record_key) DO UPDATE SET marketplace_order_id = excluded.marketplace_order_id, code = excluded.code, reason = excluded.reason,
    raw = excluded.raw, attempts = quarantine.attempts + 1, last_seen_at = excluded.last_seen_at, last_run = excluded.last_run
  RETURNING *`;

export function quarantineRecords(db: SqliteDb, records: NewQuarantinedRecord[]): QuarantinedRecord[] {
  const prepared = prepareQuarantine(records);
  const now = new Date().toISOString();
  return db.tx(() => prepared.map((r) => quarantineFromRow(
    db.get(UPSERT, newId(), r.account, r.channel, r.record_key, r.marketplace_order_id, r.code, r.reason, r.raw, now, now, r.run)!,
    parseJsonText,
  )));
}

export function listQuarantine(db: SqliteDb, filter: QuarantineFilter): Page<QuarantinedRecord> {
  const limit = pageLimit(filter.limit);
  const p = new Params(sqliteSyntax);
  const where = whereSql(quarantineConditions(filter, p));
  const rows = db.all(`SELECT * FROM quarantine ${where} ORDER BY id LIMIT ${p.add(limit + 1)}`, ...p.values);
  const items = rows.slice(0, limit).map((row) => quarantineFromRow(row, parseJsonText));
  return { items, ...(rows.length > limit && { next: encodeKeyCursor('quarantine', items.at(-1)!.id) }) };
}

export function releaseQuarantine(db: SqliteDb, ids: string[]): number {
  if (ids.length === 0) return 0;
  return db.run('DELETE FROM quarantine WHERE id IN (SELECT value FROM json_each(?))', JSON.stringify(ids.map((id, i) => requireText(id, `ids[${i}]`))));
}

export function countQuarantine(db: SqliteDb): Array<{ account: string; code: string; count: number }> {
  return db.all('SELECT account, code, count(*) AS n FROM quarantine GROUP BY account, code ORDER BY account, code')
    .map((row) => ({ account: String(row.account), code: String(row.code), count: Number(row.n) }));
}

export function abandonRuns(db: SqliteDb, account: string, message: string): SyncRun[] {
  requireText(account, 'account');
  const now = new Date().toISOString();
  return db.all(`UPDATE sync_runs SET state = 'abandoned', errors = errors + 1, error_message = ?, finished_at = ? WHERE account = ? AND state = 'running' RETURNING *`, message, now, account)
    .map(runFromRow);
}
