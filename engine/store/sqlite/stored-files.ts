/** Documents in the database on SQLite (migration 016; the document store: engine/store/database-documents.ts). */
import type { StoredFile } from '../document-store.ts';
import type { StoredFileRecord } from '../store.ts';
import { STORED_FILE_COLUMNS, storedFileMeta, storedFileRecord } from '../shared/stored-file-rows.ts';
import type { SqliteDb } from './db.ts';

export function writeFileChunk(db: SqliteDb, content: string, seq: number, data: Uint8Array): void {
  db.run('INSERT INTO stored_file_chunks (content, seq, data, written_at) VALUES (?, ?, ?, ?)', content, seq, data, new Date().toISOString());
}

export function commitStoredFile(db: SqliteDb, file: StoredFile, content: string, chunks: number): void {
  db.tx(() => {
    const before = db.get('SELECT content FROM stored_files WHERE id = ?', file.id);
    db.run(
      `INSERT INTO stored_files (${STORED_FILE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET content = excluded.content, chunks = excluded.chunks, file_name = excluded.file_name, content_type = excluded.content_type,
         size = excluded.size, sha256 = excluded.sha256, stored_at = excluded.stored_at, account = excluded.account, order_id = excluded.order_id, marketplace = excluded.marketplace`,
      file.id, content, chunks, file.file_name, file.content_type, file.size, file.sha256, new Date(file.stored_at).toISOString(),
      file.account ?? null, file.order_id ?? null, file.marketplace ? JSON.stringify(file.marketplace) : null,
    );
    if (before && before.content !== content) db.run('DELETE FROM stored_file_chunks WHERE content = ?', before.content);
  });
}

export function getStoredFile(db: SqliteDb, id: string): StoredFileRecord | undefined {
  const row = db.get(`SELECT ${STORED_FILE_COLUMNS} FROM stored_files WHERE id = ?`, id);
  return row && storedFileRecord(row);
}

export function listStoredFiles(db: SqliteDb): StoredFile[] {
  return db.all(`SELECT ${STORED_FILE_COLUMNS} FROM stored_files ORDER BY stored_at, id`).map(storedFileMeta);
}

export function readFileChunk(db: SqliteDb, content: string, seq: number): Uint8Array | undefined {
  return db.get('SELECT data FROM stored_file_chunks WHERE content = ? AND seq = ?', content, seq)?.data as Uint8Array | undefined;
}

export function removeStoredFile(db: SqliteDb, id: string): void {
  db.tx(() => {
    const before = db.get('SELECT content FROM stored_files WHERE id = ?', id);
    if (!before) return;
    db.run('DELETE FROM stored_files WHERE id = ?', id);
    db.run('DELETE FROM stored_file_chunks WHERE content = ?', before.content);
  });
}

export function discardStaleFileContents(db: SqliteDb, before: Date, limit: number): number {
  return db.tx(() => {
    const stale = db.all(
      `SELECT c.content FROM stored_file_chunks c WHERE NOT EXISTS (SELECT 1 FROM stored_files f WHERE f.content = c.content)
       GROUP BY c.content HAVING max(c.written_at) < ? LIMIT ?`,
      before.toISOString(), limit,
    );
    for (const row of stale) db.run('DELETE FROM stored_file_chunks WHERE content = ?', row.content);
    return stale.length;
  });
}

export function discardFileContent(db: SqliteDb, content: string): void {
  db.run('DELETE FROM stored_file_chunks WHERE content = ? AND NOT EXISTS (SELECT 1 FROM stored_files WHERE content = ?)', content, content);
}
