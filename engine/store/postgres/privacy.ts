/** Personal data retention and erasure on PostgreSQL (rules in shared/privacy-rules.ts). */
import { FINAL_STATUSES } from '../../order/personal-data.ts';
import type { ErasureRequest } from '../store.ts';
import { checkErasure, checkRetention, redactRow } from '../shared/privacy-rules.ts';
import type { PgDb, PgQuery, PgRow } from './db.ts';

// FOR UPDATE SKIP LOCKED: two daemons running the retention at once split the due orders.
const DUE = `SELECT id, document, raw FROM orders
  WHERE personal_data_redacted_at IS NULL AND status = ANY($1::text[]) AND last_changed_at < $2 ORDER BY last_changed_at LIMIT $3 FOR UPDATE SKIP LOCKED`;
const BY_EMAIL = `SELECT id, document, raw FROM orders
  WHERE personal_data_redacted_at IS NULL AND lower(trim(document->'buyer'->>'email')) = $1 AND ($2::text[] IS NULL OR account = ANY($2::text[])) FOR UPDATE`;
const REDACT = 'UPDATE orders SET document = $1::jsonb, raw = $2::json, personal_data_redacted_at = $3 WHERE id = $4 AND personal_data_redacted_at IS NULL';

export async function redactExpiredPersonalData(db: PgDb, before: string, limit?: number): Promise<number> {
  const checked = checkRetention(before, limit);
  return db.tx(async (q) => (await redactRows(q, (await q.query(DUE, [[...FINAL_STATUSES], checked.before, checked.limit])).rows)).length);
}

export async function erasePersonalData(db: PgDb, request: ErasureRequest): Promise<string[]> {
  const { email, accounts } = checkErasure(request);
  return db.tx(async (q) => redactRows(q, (await q.query(BY_EMAIL, [email, accounts ? [...accounts] : null])).rows));
}

async function redactRows(q: PgQuery, rows: PgRow[]): Promise<string[]> {
  const now = new Date().toISOString();
  const ids: string[] = [];
  for (const row of rows) {
    const out = redactRow(row.document as Record<string, unknown>, row.raw);
    if ((await q.query(REDACT, [out.document, out.raw, now, row.id])).rowCount === 1) ids.push(String(row.id));
  }
  return ids;
}
