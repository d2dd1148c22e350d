/**
 * The document store on the file system (config `documents.store: files`, the default): one
 * directory (config `documents.dir`; by default `documents/` beside the SQLite file, or beside the
 * configuration file on PostgreSQL), one file per document named by its id, and its metadata
 * beside it (`<id>.json`). Files are written through a temporary file, counted and hashed as they
 * stream, and renamed into place once complete, so a crash never leaves a partial document under
 * a document's name; nothing is ever held whole in memory.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DownloadSink } from '../connector/http/client.ts';
import { OrderwireError } from '../errors.ts';
import { DOCUMENT_ID, documentMeter, downloadedContentType, marketplaceDocumentFileId, type DocumentOwner, type DocumentStore, type DownloadMeasure, type StoredFile } from './document-store.ts';

export { marketplaceDocumentFileId, type DocumentOwner, type StoredFile } from './document-store.ts';

function notFound(id: string): OrderwireError {
  return new OrderwireError('DOCUMENT_NOT_FOUND', `no stored document ${JSON.stringify(id)}`, { id });
}

export class FileStore implements DocumentStore {
  readonly kind = 'files';
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  marketplaceDocumentId(key: Parameters<typeof marketplaceDocumentFileId>[0]): string {
    return marketplaceDocumentFileId(key);
  }

  #pathOf(id: string): string {
    if (!DOCUMENT_ID.test(id)) throw notFound(id);
    return join(this.dir, id);
  }

  async put(source: Readable, meta: { file_name: string; content_type: string; maxBytes: number; owner?: DocumentOwner }): Promise<StoredFile> {
    await mkdir(this.dir, { recursive: true });
    const id = randomUUID();
    const part = `${this.#pathOf(id)}.part`;
    const meter = documentMeter(meta.maxBytes, meta.file_name);
    try {
      await pipeline(source, meter, createWriteStream(part));
    } catch (err) {
      await rm(part, { force: true });
      throw err;
    }
    return this.#commit(id, { file_name: meta.file_name, content_type: meta.content_type, size: meter.size(), sha256: meter.sha256(), ...meta.owner }, part);
  }

  async remove(id: string): Promise<void> {
    const path = this.#pathOf(id);
    await rm(`${path}.json`, { force: true });
    await rm(path, { force: true });
  }

  async saveDownload(
    id: string,
    download: (sink: DownloadSink) => Promise<DownloadMeasure>,
    meta: Omit<StoredFile, 'id' | 'stored_at' | 'size' | 'sha256' | 'content_type'> & { content_type?: string },
  ): Promise<{ stored: StoredFile; changed: boolean }> {
    await mkdir(this.dir, { recursive: true });
    // A temporary file of this download's own: two daemons downloading the same document at once never mix their bytes.
    const temp = `${this.#pathOf(id)}.${randomUUID()}.download`;
    let saved: DownloadMeasure;
    try {
      saved = await download(async (body) => {
        try {
          await pipeline(body, createWriteStream(temp));
        } catch (err) {
          await rm(temp, { force: true });
          throw err;
        }
      });
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    const existing = await this.get(id);
    if (existing?.sha256 === saved.sha256) {
      await rm(temp, { force: true });
      // What the marketplace now lists about it, so the same listing asks for nothing again.
      const kept: StoredFile = { ...existing, ...(meta.marketplace && { marketplace: meta.marketplace }) };
      if (meta.marketplace) await writeFile(`${this.#pathOf(id)}.json`, `${JSON.stringify(kept)}\n`);
      return { stored: kept, changed: false };
    }
    const stored = await this.#commit(id, { ...meta, content_type: downloadedContentType(saved.contentType, meta.content_type), size: saved.size, sha256: saved.sha256 }, temp);
    return { stored, changed: true };
  }

  async #commit(id: string, meta: Omit<StoredFile, 'id' | 'stored_at'>, from: string): Promise<StoredFile> {
    const stored: StoredFile = { id, ...meta, stored_at: new Date().toISOString() };
    const path = this.#pathOf(id);
    await writeFile(`${path}.json`, `${JSON.stringify(stored)}\n`);
    await rename(from, path);
    return stored;
  }

  async get(id: string): Promise<StoredFile | undefined> {
    if (!DOCUMENT_ID.test(id)) return undefined;
    try {
      return JSON.parse(await readFile(`${this.#pathOf(id)}.json`, 'utf8')) as StoredFile;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /** A scan of the directory. */
  async list(): Promise<StoredFile[]> {
    const names = await readdir(this.dir).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? [] : Promise.reject(err)));
    const out: StoredFile[] = [];
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      const meta = await this.get(name.slice(0, -5));
      if (meta) out.push(meta);
    }
    return out.sort((a, b) => a.stored_at.localeCompare(b.stored_at));
  }

  open(id: string): Readable {
    return createReadStream(this.#pathOf(id));
  }
}
