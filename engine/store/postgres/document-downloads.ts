/** Pending document downloads on PostgreSQL (migration 017; rules in shared/download-rules.ts). */
import { afterFailure, checkRetryPolicy, pendingDownload } from '../shared/download-rules.ts';
import type { DocumentDownloadFailure, DownloadRetryPolicy, PendingDownload } from '../store.ts';
import type { PgDb } from './db.ts';

const UPSERT = `INSERT INTO document_downloads (id, order_id, account, channel, marketplace_order_id, document_id, attempts, next_attempt_at, last_error, gave_up_at, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
  ON CONFLICT (id) DO UPDATE SET order_id = excluded.order_id, attempts = excluded.attempts, next_attempt_at = excluded.next_attempt_at,
    last_error = excluded.last_error, gave_up_at = coalesce(document_downloads.gave_up_at, excluded.gave_up_at), updated_at = excluded.updated_at
  RETURNING *`;

export async function failDocumentDownload(db: PgDb, f: DocumentDownloadFailure, policy: DownloadRetryPolicy): Promise<PendingDownload> {
  checkRetryPolicy(policy);
  return db.tx(async (q) => {
    // The row locked: two daemons failing the same download count two attempts, not one.
    const { rows } = await q.query('SELECT attempts FROM document_downloads WHERE id = $1 FOR UPDATE', [f.id]);
    const attempts = Number(rows[0]?.attempts ?? 0) + 1;
    const next = afterFailure(attempts, f.at, policy);
    const saved = await q.query(UPSERT, [f.id, f.order_id, f.account, f.channel, f.marketplace_order_id, f.document_id, attempts, next.next_attempt_at, f.error, next.gave_up_at ?? null, f.at.toISOString()]);
    return pendingDownload(saved.rows[0]!);
  });
}

export async function clearDocumentDownload(db: PgDb, id: string): Promise<void> {
  await db.query('DELETE FROM document_downloads WHERE id = $1', [id]);
}

export async function claimDocumentDownloads(db: PgDb, accounts: readonly string[], now: Date, leaseMs: number, limit: number): Promise<PendingDownload[]> {
  if (accounts.length === 0 || limit < 1) return [];
  const { rows } = await db.query(
    `WITH due AS MATERIALIZED (
       SELECT id FROM document_downloads WHERE gave_up_at IS NULL AND next_attempt_at <= $1 AND account = ANY($2::text[])
       ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
     UPDATE document_downloads d SET next_attempt_at = $4 FROM due WHERE d.id = due.id RETURNING d.*`,
    [now.toISOString(), [...accounts], limit, new Date(now.getTime() + leaseMs).toISOString()],
  );
  return rows.map(pendingDownload).sort((a, b) => a.id.localeCompare(b.id));
}
