/** Personal data retention and erasure on PostgreSQL (rules in shared/privacy-rules.ts). */
import { FINAL_STATUSES } from '../../order/personal-data.ts';
import type { ErasureRequest } from '../store.ts';
import { checkErasure, checkRetention, likeContaining, redactQuarantinedRaw, redactRow } from '../shared/privacy-rules.ts';
import type { PgDb, PgQuery, PgRow } from './db.ts';

// FOR UPDATE SKIP LOCKED: two daemons running the retention at once split the due orders.
const DUE = `SELECT id, document, raw FROM orders
  WHERE personal_data_redacted_at IS NULL AND status = ANY($1::text[]) AND last_changed_at < $2 ORDER BY last_changed_at LIMIT $3 FOR UPDATE SKIP LOCKED`;
// The document is text (migration 020), parsed only here, for this rare scan, rather than on every
// write; and only for the documents holding the e-mail as JSON writes it (to_json escapes as the
// engine's JSON.stringify does): CASE keeps that cheap test first, so the scan parses next to nothing.
const BY_EMAIL = `SELECT id, document, raw FROM orders
  WHERE personal_data_redacted_at IS NULL AND ($2::text[] IS NULL OR account = ANY($2::text[]))
    AND CASE WHEN strpos(lower(document), btrim(to_json($1::text)::text, '"')) > 0 THEN lower(trim(document::json->'buyer'->>'email')) = $1 ELSE false END
  FOR UPDATE`;
const REDACT = 'UPDATE orders SET document = $1, raw = $2, personal_data_redacted_at = $3 WHERE id = $4 AND personal_data_redacted_at IS NULL';
// Quarantined records hold raw payloads: those the marketplace has not listed for the whole
// retention period go; those naming an erased buyer's e-mail are redacted in place.
const STALE_QUARANTINE = 'DELETE FROM quarantine WHERE id IN (SELECT id FROM quarantine WHERE last_seen_at < $1 ORDER BY last_seen_at LIMIT $2 FOR UPDATE SKIP LOCKED)';
const QUARANTINE_BY_EMAIL = `SELECT id, raw FROM quarantine WHERE lower(raw) LIKE $1 AND ($2::text[] IS NULL OR account = ANY($2::text[])) FOR UPDATE`;

export async function redactExpiredPersonalData(db: PgDb, before: string, limit?: number): Promise<number> {
  const checked = checkRetention(before, limit);
  return db.tx(async (q) => {
    const orders = (await redactRows(q, (await q.query(DUE, [[...FINAL_STATUSES], checked.before, checked.limit])).rows)).length;
    return orders + ((await q.query(STALE_QUARANTINE, [checked.before, checked.limit])).rowCount ?? 0);
  });
}

export async function erasePersonalData(db: PgDb, request: ErasureRequest): Promise<string[]> {
  const { email, accounts } = checkErasure(request);
  const scope = accounts ? [...accounts] : null;
  return db.tx(async (q) => {
    for (const row of (await q.query(QUARANTINE_BY_EMAIL, [likeContaining(email), scope])).rows) {
      await q.query('UPDATE quarantine SET raw = $1 WHERE id = $2', [redactQuarantinedRaw(String(row.raw), email), row.id]);
    }
    return redactRows(q, (await q.query(BY_EMAIL, [email, scope])).rows);
  });
}

async function redactRows(q: PgQuery, rows: PgRow[]): Promise<string[]> {
  const now = new Date().toISOString();
  const ids: string[] = [];
  for (const row of rows) {
    const out = redactRow(JSON.parse(String(row.document)) as Record<string, unknown>, JSON.parse(String(row.raw)));
    if ((await q.query(REDACT, [out.document, out.raw, now, row.id])).rowCount === 1) ids.push(String(row.id));
  }
  return ids;
}
