/** A stored_files row (migration 016) to the interface's object, for both drivers (rows.ts says how they differ). */
import type { StoredFile } from '../document-store.ts';
import type { StoredFileRecord } from '../store.ts';
import { parseJsonText, type Row } from './rows.ts';
import { toIso } from './time.ts';

export const STORED_FILE_COLUMNS = 'id, content, chunks, file_name, content_type, size, sha256, stored_at, account, order_id, marketplace';

export function storedFileRecord(row: Row): StoredFileRecord {
  return {
    id: row.id as string,
    file_name: row.file_name as string,
    content_type: row.content_type as string,
    size: Number(row.size),
    sha256: row.sha256 as string,
    stored_at: toIso(row.stored_at),
    ...(row.account !== null && { account: row.account as string }),
    ...(row.order_id !== null && { order_id: row.order_id as string }),
    // Text on SQLite, parsed already on PostgreSQL (jsonb).
    ...(row.marketplace !== null && { marketplace: parseJsonText(row.marketplace) as StoredFile['marketplace'] }),
    content: row.content as string,
    chunks: Number(row.chunks),
  };
}

export function storedFileMeta(row: Row): StoredFile {
  const { content: _content, chunks: _chunks, ...file } = storedFileRecord(row);
  return file;
}
