/** Pending document downloads on SQLite (migration 017; rules in shared/download-rules.ts). */
import { afterFailure, checkRetryPolicy, pendingDownload } from '../shared/download-rules.ts';
import type { DocumentDownloadFailure, DownloadRetryPolicy, PendingDownload } from '../store.ts';
import type { SqliteDb } from './db.ts';

const UPSERT = `INSERT INTO document_downloads (id, order_id, account, channel, marketplace_order_id, document_id, attempts, next_attempt_at, last_error, gave_up_at, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (id) DO UPDATE SET order_id = excluded.order_id, attempts = excluded.attempts, next_attempt_at = excluded.next_attempt_at,
    last_error = excluded.last_error, gave_up_at = coalesce(document_downloads.gave_up_at, excluded.gave_up_at), updated_at = excluded.updated_at
  RETURNING *`;

export function failDocumentDownload(db: SqliteDb, f: DocumentDownloadFailure, policy: DownloadRetryPolicy): PendingDownload {
  checkRetryPolicy(policy);
  return db.tx(() => {
    const attempts = Number(db.get('SELECT attempts FROM document_downloads WHERE id = ?', f.id)?.attempts ?? 0) + 1;
    const next = afterFailure(attempts, f.at, policy);
    const at = f.at.toISOString();
    return pendingDownload(db.get(UPSERT, f.id, f.order_id, f.account, f.channel, f.marketplace_order_id, f.document_id, attempts, next.next_attempt_at, f.error, next.gave_up_at ?? null, at)!);
  });
}

export function clearDocumentDownload(db: SqliteDb, id: string): void {
  db.run('DELETE FROM document_downloads WHERE id = ?', id);
}

export function claimDocumentDownloads(db: SqliteDb, accounts: readonly string[], now: Date, leaseMs: number, limit: number): PendingDownload[] {
  if (accounts.length === 0 || limit < 1) return [];
  const at = now.toISOString();
  const until = new Date(now.getTime() + leaseMs).toISOString();
  return db.tx(() =>
    db.all(
      `UPDATE document_downloads SET next_attempt_at = ? WHERE id IN (
         SELECT id FROM document_downloads WHERE gave_up_at IS NULL AND next_attempt_at <= ? AND account IN (SELECT value FROM json_each(?))
         ORDER BY next_attempt_at, id LIMIT ?)
       RETURNING *`,
      until, at, JSON.stringify(accounts), limit,
    ).map(pendingDownload).sort((a, b) => a.id.localeCompare(b.id)),
  );
}
