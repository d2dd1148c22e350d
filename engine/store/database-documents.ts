/**
 * The document store in the database (config `documents.store: database`): each document's
 * metadata in `stored_files`, its bytes as numbered chunks of 256 KiB in `stored_file_chunks`
 * (migration 016; BLOB on SQLite, bytea on PostgreSQL). Bytes are written chunk by chunk while
 * they stream in and read back chunk by chunk while they stream out: at most about one chunk of a
 * document is in memory, whatever its size. Daemons sharing a PostgreSQL store share their
 * documents: one downloads a delivery slip, any of them serves it.
 *
 * A write goes to a content of its own (a new id) and becomes the document only when complete
 * (Store.commitStoredFile, one transaction), so a reader never sees half a document and a failed
 * or replaced write leaves nothing under the document's id. A process killed mid-write leaves
 * chunks no document names: `discardUnfinished` (run by the daemon every hour) deletes them once
 * their last chunk is older than UNFINISHED_AFTER_MS, far longer than any write takes.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DownloadSink } from '../connector/http/client.ts';
import { OrderwireError } from '../errors.ts';
import { DOCUMENT_ID, documentMeter, downloadedContentType, marketplaceDocumentFileId, type DocumentOwner, type DocumentStore, type DownloadMeasure, type StoredFile } from './document-store.ts';
import type { Store, StoredFileRecord } from './store.ts';

/** The size of a stored chunk: large enough to keep rows few, small enough to keep memory flat. */
export const CHUNK_BYTES = 256 * 1024;

export type ChunkStore = Pick<Store, 'writeFileChunk' | 'commitStoredFile' | 'getStoredFile' | 'listStoredFiles' | 'readFileChunk' | 'removeStoredFile' | 'discardFileContent' | 'discardStaleFileContents'>;

/** An unfinished write whose last chunk is older than this was left by a process that died: the daemon deletes its chunks. */
export const UNFINISHED_AFTER_MS = 6 * 3_600_000;

function metaOf(record: StoredFileRecord): StoredFile {
  const { content: _content, chunks: _chunks, ...file } = record;
  return file;
}

function notFound(id: string, why = ''): OrderwireError {
  return new OrderwireError('DOCUMENT_NOT_FOUND', `no stored document ${JSON.stringify(id)}${why}`, { id });
}

export class DatabaseDocumentStore implements DocumentStore {
  readonly kind = 'database';
  readonly #store: ChunkStore;
  readonly #chunkBytes: number;

  constructor(store: ChunkStore, options: { chunkBytes?: number } = {}) {
    this.#store = store;
    this.#chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
  }

  marketplaceDocumentId(key: Parameters<typeof marketplaceDocumentFileId>[0]): string {
    return marketplaceDocumentFileId(key);
  }

  /**
   * Writes `source` as chunks of a new content, each written once it is full (the bytes of at most
   * one chunk and one incoming piece are held). A failure deletes what was written, and rethrows.
   */
  async #write(source: AsyncIterable<Buffer>): Promise<{ content: string; chunks: number }> {
    const content = randomUUID();
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let seq = 0;
    try {
      for await (const piece of source) {
        pending.push(piece);
        pendingBytes += piece.length;
        while (pendingBytes >= this.#chunkBytes) {
          const joined = Buffer.concat(pending, pendingBytes);
          await this.#store.writeFileChunk(content, seq++, joined.subarray(0, this.#chunkBytes));
          const rest = joined.subarray(this.#chunkBytes);
          pending = rest.length > 0 ? [rest] : [];
          pendingBytes = rest.length;
        }
      }
      if (pendingBytes > 0) await this.#store.writeFileChunk(content, seq++, Buffer.concat(pending, pendingBytes));
    } catch (err) {
      await this.#store.discardFileContent(content).catch(() => undefined);
      throw err;
    }
    return { content, chunks: seq };
  }

  async put(source: Readable, meta: { file_name: string; content_type: string; maxBytes: number; owner?: DocumentOwner }): Promise<StoredFile> {
    const meter = documentMeter(meta.maxBytes, meta.file_name);
    let written: { content: string; chunks: number } | undefined;
    await pipeline(source, meter, async (metered: AsyncIterable<Buffer>) => {
      written = await this.#write(metered);
    });
    const stored: StoredFile = { id: randomUUID(), file_name: meta.file_name, content_type: meta.content_type, size: meter.size(), sha256: meter.sha256(), stored_at: new Date().toISOString(), ...meta.owner };
    try {
      await this.#store.commitStoredFile(stored, written!.content, written!.chunks);
    } catch (err) {
      await this.#store.discardFileContent(written!.content).catch(() => undefined);
      throw err;
    }
    return stored;
  }

  async saveDownload(
    id: string,
    download: (sink: DownloadSink) => Promise<DownloadMeasure>,
    meta: Omit<StoredFile, 'id' | 'stored_at' | 'size' | 'sha256' | 'content_type'> & { content_type?: string },
  ): Promise<{ stored: StoredFile; changed: boolean }> {
    if (!DOCUMENT_ID.test(id)) throw notFound(id);
    let written: { content: string; chunks: number } | undefined;
    const discard = async () => {
      if (written) await this.#store.discardFileContent(written.content).catch(() => undefined);
      written = undefined;
    };
    let saved: DownloadMeasure;
    try {
      saved = await download(async (body) => {
        // A new attempt starts from nothing: an earlier one's bytes are not this body's.
        await discard();
        written = await this.#write(body);
      });
    } catch (err) {
      await discard();
      throw err;
    }
    if (!written) throw new OrderwireError('DOCUMENT_DOWNLOAD_FAILED', `document ${id}: the download wrote no body`, { id });
    const content = written;
    const existing = await this.#store.getStoredFile(id);
    if (existing?.sha256 === saved.sha256) {
      await discard();
      // What the marketplace now lists about it, so the same listing asks for nothing again.
      const kept: StoredFile = { ...metaOf(existing), ...(meta.marketplace && { marketplace: meta.marketplace }) };
      if (meta.marketplace) await this.#store.commitStoredFile(kept, existing.content, existing.chunks);
      return { stored: kept, changed: false };
    }
    const stored: StoredFile = { id, ...meta, content_type: downloadedContentType(saved.contentType, meta.content_type), size: saved.size, sha256: saved.sha256, stored_at: new Date().toISOString() };
    try {
      await this.#store.commitStoredFile(stored, content.content, content.chunks);
    } catch (err) {
      await discard();
      throw err;
    }
    return { stored, changed: true };
  }

  async get(id: string): Promise<StoredFile | undefined> {
    if (!DOCUMENT_ID.test(id)) return undefined;
    const record = await this.#store.getStoredFile(id);
    return record && metaOf(record);
  }

  async list(): Promise<StoredFile[]> {
    return this.#store.listStoredFiles();
  }

  /** One chunk read per read request: the consumer's pace sets how much is in memory (about one chunk). */
  open(id: string): Readable {
    const store = this.#store;
    let record: StoredFileRecord | undefined;
    let seq = 0;
    return new Readable({
      read() {
        void (async () => {
          record ??= DOCUMENT_ID.test(id) ? await store.getStoredFile(id) : undefined;
          if (!record) throw notFound(id);
          if (seq >= record.chunks) {
            this.push(null);
            return;
          }
          const data = await store.readFileChunk(record.content, seq);
          if (!data) throw notFound(id, ': it was replaced or removed while it was read');
          seq++;
          this.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
        })().catch((err: unknown) => this.destroy(err as Error));
      },
    });
  }

  /** Deletes the chunks of writes left unfinished before `before` (a crash); returns how many writes. */
  async discardUnfinished(before: Date): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.#store.discardStaleFileContents(before, 100);
      total += n;
      if (n < 100) return total;
    }
  }

  async remove(id: string): Promise<void> {
    if (!DOCUMENT_ID.test(id)) throw notFound(id);
    await this.#store.removeStoredFile(id);
  }
}
