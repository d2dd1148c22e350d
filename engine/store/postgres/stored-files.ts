/** Documents in the database on PostgreSQL (migration 016; the document store: engine/store/database-documents.ts). */
import type { StoredFile } from '../document-store.ts';
import type { StoredFileRecord } from '../store.ts';
import { STORED_FILE_COLUMNS, storedFileMeta, storedFileRecord } from '../shared/stored-file-rows.ts';
import type { PgDb } from './db.ts';

export async function writeFileChunk(db: PgDb, content: string, seq: number, data: Uint8Array): Promise<void> {
  await db.query('INSERT INTO stored_file_chunks (content, seq, data, written_at) VALUES ($1, $2, $3, clock_timestamp())', [content, seq, Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

export async function commitStoredFile(db: PgDb, file: StoredFile, content: string, chunks: number): Promise<void> {
  const values = [file.id, content, chunks, file.file_name, file.content_type, file.size, file.sha256, file.stored_at, file.account ?? null, file.order_id ?? null, file.marketplace ? JSON.stringify(file.marketplace) : null];
  await db.tx(async (q) => {
    const inserted = await q.query(`INSERT INTO stored_files (${STORED_FILE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb) ON CONFLICT (id) DO NOTHING`, values);
    if (inserted.rowCount > 0) return;
    // Another content had the id (or a daemon committed it just now): its row locked, replaced,
    // and the chunks it named deleted, so two daemons replacing one document leave no orphan.
    const { rows } = await q.query('SELECT content FROM stored_files WHERE id = $1 FOR UPDATE', [file.id]);
    await q.query(
      `UPDATE stored_files SET content = $2, chunks = $3, file_name = $4, content_type = $5, size = $6, sha256 = $7, stored_at = $8, account = $9, order_id = $10, marketplace = $11::jsonb WHERE id = $1`,
      values,
    );
    const before = rows[0]?.content as string | undefined;
    if (before !== undefined && before !== content) await q.query('DELETE FROM stored_file_chunks WHERE content = $1', [before]);
  });
}

export async function getStoredFile(db: PgDb, id: string): Promise<StoredFileRecord | undefined> {
  const { rows } = await db.query(`SELECT ${STORED_FILE_COLUMNS} FROM stored_files WHERE id = $1`, [id]);
  return rows[0] && storedFileRecord(rows[0]);
}

export async function listStoredFiles(db: PgDb): Promise<StoredFile[]> {
  return (await db.query(`SELECT ${STORED_FILE_COLUMNS} FROM stored_files ORDER BY stored_at, id`)).rows.map(storedFileMeta);
}

export async function readFileChunk(db: PgDb, content: string, seq: number): Promise<Uint8Array | undefined> {
  const { rows } = await db.query('SELECT data FROM stored_file_chunks WHERE content = $1 AND seq = $2', [content, seq]);
  return rows[0]?.data as Buffer | undefined;
}

export async function removeStoredFile(db: PgDb, id: string): Promise<void> {
  await db.tx(async (q) => {
    const { rows } = await q.query('DELETE FROM stored_files WHERE id = $1 RETURNING content', [id]);
    if (rows[0]) await q.query('DELETE FROM stored_file_chunks WHERE content = $1', [rows[0].content]);
  });
}

export async function discardStaleFileContents(db: PgDb, before: Date, limit: number): Promise<number> {
  const { rows } = await db.query(
    `WITH stale AS (
       SELECT c.content FROM stored_file_chunks c WHERE NOT EXISTS (SELECT 1 FROM stored_files f WHERE f.content = c.content)
       GROUP BY c.content HAVING max(c.written_at) < $1 LIMIT $2)
     DELETE FROM stored_file_chunks WHERE content IN (SELECT content FROM stale) RETURNING content`,
    [before.toISOString(), limit],
  );
  return new Set(rows.map((r) => r.content)).size;
}

export async function discardFileContent(db: PgDb, content: string): Promise<void> {
  await db.query('DELETE FROM stored_file_chunks WHERE content = $1 AND NOT EXISTS (SELECT 1 FROM stored_files WHERE content = $1)', [content]);
}
