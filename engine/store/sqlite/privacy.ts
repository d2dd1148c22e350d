/** Personal data retention and erasure on SQLite (rules in shared/privacy-rules.ts). */
import { FINAL_STATUSES } from '../../order/personal-data.ts';
import type { ErasureRequest } from '../store.ts';
import { checkErasure, checkRetention, likeContaining, redactQuarantinedRaw, redactRow } from '../shared/privacy-rules.ts';
import { parseJsonText } from '../shared/rows.ts';
import type { SqliteDb, SqliteRow } from './db.ts';

const FINAL = FINAL_STATUSES.map((s) => `'${s}'`).join(', ');
const DUE = `SELECT id, document, raw FROM orders
  WHERE personal_data_redacted_at IS NULL AND status IN (${FINAL}) AND last_changed_at < ? ORDER BY last_changed_at LIMIT ?`;
const BY_EMAIL = `SELECT id, document, raw FROM orders
  WHERE personal_data_redacted_at IS NULL AND lower(trim(json_extract(document, '$.buyer.email'))) = ?
    AND (? IS NULL OR account IN (SELECT value FROM json_each(?)))`;
const REDACT = 'UPDATE orders SET document = ?, raw = ?, personal_data_redacted_at = ? WHERE id = ? AND personal_data_redacted_at IS NULL';
// Quarantined records hold raw payloads: those the marketplace has not listed for the whole
// retention period go; those naming an erased buyer's e-mail are redacted in place.
const STALE_QUARANTINE = 'DELETE FROM quarantine WHERE id IN (SELECT id FROM quarantine WHERE last_seen_at < ? ORDER BY last_seen_at LIMIT ?)';
const QUARANTINE_BY_EMAIL = `SELECT id, raw FROM quarantine WHERE lower(raw) LIKE ? ESCAPE '\\'
    AND (? IS NULL OR account IN (SELECT value FROM json_each(?)))`;

export function redactExpiredPersonalData(db: SqliteDb, before: string, limit?: number): number {
  const checked = checkRetention(before, limit);
  return redacting(db, () => redactRows(db, db.all(DUE, checked.before, checked.limit)).length + db.run(STALE_QUARANTINE, checked.before, checked.limit));
}

export function erasePersonalData(db: SqliteDb, request: ErasureRequest): string[] {
  const { email, accounts } = checkErasure(request);
  const scope = accounts ? JSON.stringify(accounts) : null;
  return redacting(db, () => {
    for (const row of db.all(QUARANTINE_BY_EMAIL, likeContaining(email), scope, scope)) {
      db.run('UPDATE quarantine SET raw = ? WHERE id = ?', redactQuarantinedRaw(String(row.raw), email), row.id);
    }
    return redactRows(db, db.all(BY_EMAIL, email, scope, scope));
  });
}

function redactRows(db: SqliteDb, rows: SqliteRow[]): string[] {
  const now = new Date().toISOString();
  const ids: string[] = [];
  for (const row of rows) {
    const out = redactRow(parseJsonText(row.document) as Record<string, unknown>, parseJsonText(row.raw));
    if (db.run(REDACT, out.document, out.raw, now, row.id) === 1) ids.push(String(row.id));
  }
  return ids;
}

/**
 * One write transaction with secure_delete on: the pages the personal data leave are zeroed
 * rather than left readable in the file's free space.
 */
function redacting<T>(db: SqliteDb, fn: () => T): T {
  db.exec('PRAGMA secure_delete = ON');
  try {
    return db.tx(fn);
  } finally {
    db.exec('PRAGMA secure_delete = OFF');
  }
}
