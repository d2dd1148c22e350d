/** The import quarantine and abandoned runs on PostgreSQL. */
import { newId } from '../shared/ids.ts';
import { encodeKeyCursor, pageLimit } from '../shared/paging.ts';
import { prepareQuarantine, quarantineFromRow } from '../shared/quarantine-rules.ts';
import { parseJsonText, runFromRow } from '../shared/rows.ts';
import { requireText } from '../shared/validate.ts';
import { Params, quarantineConditions, whereSql } from '../shared/where.ts';
import type { NewQuarantinedRecord, Page, QuarantinedRecord, QuarantineFilter, SyncRun } from '../store.ts';
import { postgresSyntax, type PgDb } from './db.ts';

const UPSERT = `INSERT INTO quarantine (id, account, channel, record_key, marketplace_order_id, code, reason, raw, attempts, first_seen_at, last_seen_at, last_run)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[], $10::timestamptz[], $10::timestamptz[], $11::text[])
  ON CONFLICT (account, channel, record_key) DO UPDATE SET marketplace_order_id = excluded.marketplace_order_id, code = excluded.code, reason = excluded.reason,
    raw = excluded.raw, attempts = quarantine.attempts + 1, last_seen_at = excluded.last_seen_at, last_run = excluded.last_run
  RETURNING *`;

export async function quarantineRecords(db: PgDb, records: NewQuarantinedRecord[]): Promise<QuarantinedRecord[]> {
  const prepared = prepareQuarantine(records);
  if (prepared.length === 0) return [];
  const now = new Date().toISOString();
  const col = <K extends keyof (typeof prepared)[number]>(k: K) => prepared.map((r) => r[k]);
  const { rows } = await db.query(UPSERT, [prepared.map(() => newId()), col('account'), col('channel'), col('record_key'), col('marketplace_order_id'), col('code'), col('reason'),
    col('raw'), prepared.map(() => 1), prepared.map(() => now), col('run')]);
  return rows.map((row) => quarantineFromRow(row, parseJsonText));
}

export async function listQuarantine(db: PgDb, filter: QuarantineFilter): Promise<Page<QuarantinedRecord>> {
  const limit = pageLimit(filter.limit);
  const p = new Params(postgresSyntax);
  const where = whereSql(quarantineConditions(filter, p));
  const { rows } = await db.query(`SELECT * FROM quarantine ${where} ORDER BY id LIMIT ${p.add(limit + 1)}`, p.values);
  const items = rows.slice(0, limit).map((row) => quarantineFromRow(row, parseJsonText));
  return { items, ...(rows.length > limit && { next: encodeKeyCursor('quarantine', items.at(-1)!.id) }) };
}

export async function releaseQuarantine(db: PgDb, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  return (await db.query('DELETE FROM quarantine WHERE id = ANY($1::text[])', [ids.map((id, i) => requireText(id, `ids[${i}]`))])).rowCount;
}

export async function countQuarantine(db: PgDb): Promise<Array<{ account: string; code: string; count: number }>> {
  const { rows } = await db.query('SELECT account, code, count(*) AS n FROM quarantine GROUP BY account, code ORDER BY account, code');
  return rows.map((row) => ({ account: String(row.account), code: String(row.code), count: Number(row.n) }));
}

export async function abandonRuns(db: PgDb, account: string, message: string): Promise<SyncRun[]> {
  requireText(account, 'account');
  const { rows } = await db.query(`UPDATE sync_runs SET state = 'abandoned', errors = errors + 1, error_message = $1, finished_at = $2 WHERE account = $3 AND state = 'running' RETURNING *`,
    [message, new Date().toISOString(), account]);
  return rows.map(runFromRow);
}
