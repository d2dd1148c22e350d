/**
 * Order documents on the file system: the invoices a merchant uploads (kept until the action that
 * sends them is done, and after, as the record of what was sent) and the documents downloaded from
 * marketplaces. One directory (config `documents.dir`; by default `documents/` beside the SQLite
 * file, or beside the configuration file on PostgreSQL), one file per document named by its id,
 * and its metadata beside it (`<id>.json`). Files are written through a `.part` file, counted and
 * hashed as they stream, and renamed into place once complete, so a crash never leaves a partial
 * document under a document's name; nothing is ever held whole in memory.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { OrderwireError } from '../errors.ts';

export interface StoredFile {
  id: string;
  /** The name the file was given (shown, sent to the marketplace); never used as a path. */
  file_name: string;
  content_type: string;
  size: number;
  sha256: string;
  stored_at: string;
  /** The account and order the document belongs to (the API serves it to tokens of that account only). */
  account?: string;
  order_id?: string;
  /** A document downloaded from the marketplace: its id, type code and size as the marketplace lists them. */
  marketplace?: { document_id: string; type: string; size?: number };
}

/**
 * The store id of a marketplace document: derived from the account, the channel, the order and
 * the marketplace's document id, so a document listed again maps to the document already stored
 * and is never downloaded twice (nor by two daemons sharing the directory).
 */
export function marketplaceDocumentFileId(key: { account: string; channel: string; marketplace_order_id: string; document_id: string }): string {
  const hex = createHash('sha256').update([key.account, key.channel, key.marketplace_order_id, key.document_id].join('\0')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Who a document belongs to, kept in its metadata. */
export interface DocumentOwner {
  account: string;
  order_id: string;
}

const ID = /^[0-9a-f-]{36}$/;

export class FileStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  /** marketplaceDocumentFileId, for callers that see the store through its type only. */
  marketplaceDocumentId(key: Parameters<typeof marketplaceDocumentFileId>[0]): string {
    return marketplaceDocumentFileId(key);
  }

  /** Where a stored file's bytes are (the HTTP client streams uploads from it). */
  pathOf(id: string): string {
    if (!ID.test(id)) throw new OrderwireError('DOCUMENT_NOT_FOUND', `no stored document ${JSON.stringify(id)}`, { id });
    return join(this.dir, id);
  }

  /**
   * Streams `source` into a new document. Over `maxBytes` it stops, removes what it wrote and
   * throws DOCUMENT_TOO_LARGE.
   */
  async put(source: Readable, meta: { file_name: string; content_type: string; maxBytes: number; owner?: DocumentOwner }): Promise<StoredFile> {
    await mkdir(this.dir, { recursive: true });
    const id = randomUUID();
    const path = this.pathOf(id);
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (size > meta.maxBytes) return done(new OrderwireError('DOCUMENT_TOO_LARGE', `${meta.file_name} is larger than ${meta.maxBytes} bytes`, { limit: meta.maxBytes }));
        hash.update(chunk);
        return done(null, chunk);
      },
    });
    try {
      await pipeline(source, meter, createWriteStream(`${path}.part`));
    } catch (err) {
      await rm(`${path}.part`, { force: true });
      throw err;
    }
    return this.#commit(id, { file_name: meta.file_name, content_type: meta.content_type, size, sha256: hash.digest('hex'), ...meta.owner });
  }

  /** Removes a document (an upload whose action was refused); absent already is fine. */
  async remove(id: string): Promise<void> {
    const path = this.pathOf(id);
    await rm(`${path}.json`, { force: true });
    await rm(path, { force: true });
  }

  /** A path to download into, then `commit` it with what the download measured. */
  reserve(): { id: string; partPath: string } {
    const id = randomUUID();
    return { id, partPath: `${this.pathOf(id)}.download` };
  }

  async commitDownload(id: string, meta: Omit<StoredFile, 'id' | 'stored_at'>): Promise<StoredFile> {
    await rename(`${this.pathOf(id)}.download`, `${this.pathOf(id)}.part`);
    return this.#commit(id, meta);
  }

  /**
   * Downloads a document under a known id (`marketplaceDocumentFileId`): `download` streams into
   * a temporary file of its own; when a document of that id is stored already with the same
   * SHA-256 the download is dropped (`changed: false`), else it takes the id's place.
   */
  async saveDownload(
    id: string,
    download: (path: string) => Promise<{ size: number; sha256: string; contentType: string }>,
    meta: Omit<StoredFile, 'id' | 'stored_at' | 'size' | 'sha256' | 'content_type'> & { content_type?: string },
  ): Promise<{ stored: StoredFile; changed: boolean }> {
    await mkdir(this.dir, { recursive: true });
    const temp = `${this.pathOf(id)}.${randomUUID()}.download`;
    let saved: { size: number; sha256: string; contentType: string };
    try {
      saved = await download(temp);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    const existing = await this.get(id);
    if (existing?.sha256 === saved.sha256) {
      await rm(temp, { force: true });
      // What the marketplace now lists about it, so the same listing asks for nothing again.
      const kept: StoredFile = { ...existing, ...(meta.marketplace && { marketplace: meta.marketplace }) };
      if (meta.marketplace) await writeFile(`${this.pathOf(id)}.json`, `${JSON.stringify(kept)}\n`);
      return { stored: kept, changed: false };
    }
    const contentType = saved.contentType.split(';')[0]!.trim() || meta.content_type || 'application/octet-stream';
    return { stored: await this.#commit(id, { ...meta, content_type: contentType, size: saved.size, sha256: saved.sha256 }, temp), changed: true };
  }

  async #commit(id: string, meta: Omit<StoredFile, 'id' | 'stored_at'>, from = `${this.pathOf(id)}.part`): Promise<StoredFile> {
    const stored: StoredFile = { id, ...meta, stored_at: new Date().toISOString() };
    const path = this.pathOf(id);
    await writeFile(`${path}.json`, `${JSON.stringify(stored)}\n`);
    await rename(from, path);
    return stored;
  }

  /** The document's metadata, or undefined when there is no such document. */
  async get(id: string): Promise<StoredFile | undefined> {
    if (!ID.test(id)) return undefined;
    try {
      return JSON.parse(await readFile(`${this.pathOf(id)}.json`, 'utf8')) as StoredFile;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /** Every document's metadata (a scan of the directory: for the command line, not for hot paths). */
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

  /** The document's bytes as a stream. */
  open(id: string): Readable {
    return createReadStream(this.pathOf(id));
  }
}
