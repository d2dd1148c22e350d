/**
 * The document store's contract (engine/store/document-store.ts), passed by both implementations:
 * the file system (engine/store/files.ts) and the database (engine/store/database-documents.ts) on
 * SQLite and on PostgreSQL. A stream stored with its size and SHA-256 and read back; refused over
 * its limit with nothing left behind; downloads under a known id kept once (same SHA-256: only the
 * listing's metadata updated; other bytes: replaced), a failed attempt leaving nothing; ids that
 * cannot name anything outside the store. Then the database store with a document of several MB:
 * written and read in chunks of at most 256 KiB (never one buffer holding the document), through
 * the connector's HTTP client both ways (a multipart upload read from the database, a download
 * written into it) against a real loopback server; and a write killed (-9) midway, whose chunks
 * are deleted once stale, nothing else.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer, text } from 'node:stream/consumers';
import multipart from '@fastify/multipart';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../engine/connector/http/client.ts';
import { AccountLimiter } from '../engine/connector/http/limiter.ts';
import { createRedactor } from '../engine/connector/http/redact.ts';
import { OrderwireError } from '../engine/errors.ts';
import { CHUNK_BYTES, DatabaseDocumentStore, type ChunkStore } from '../engine/store/database-documents.ts';
import type { DocumentStore } from '../engine/store/document-store.ts';
import { FileStore } from '../engine/store/files.ts';
import { openPostgresStore } from '../engine/store/postgres/index.ts';
import { openSqliteStore } from '../engine/store/sqlite/index.ts';
import type { Store } from '../engine/store/store.ts';
import { testServers } from './helpers/http-server.ts';
import { dropSchemas, SKIP_PG, testSchemaName, TEST_PG_URL } from './helpers/postgres.ts';

const CHILD = join(import.meta.dirname, 'helpers', 'document-write-child.ts');
const dirs: string[] = [];
const stores: Store[] = [];
const schemas: string[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});
afterAll(async () => {
  if (TEST_PG_URL !== undefined && schemas.length > 0) await dropSchemas(TEST_PG_URL, schemas);
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ow-docstore-'));
  dirs.push(dir);
  return dir;
}

async function database(kind: 'sqlite' | 'postgres'): Promise<Store> {
  let store: Store;
  if (kind === 'sqlite') store = await openSqliteStore(join(tempDir(), 'documents.sqlite'));
  else {
    const schema = testSchemaName('docstore');
    schemas.push(schema);
    store = await openPostgresStore(TEST_PG_URL!, { schema, max: 2 });
  }
  stores.push(store);
  await store.migrate();
  return store;
}

/** What the database holds: documents and chunk rows (written minus deleted), seen through the store's own methods. */
function counting(store: Store): ChunkStore & { written: number[]; read: number[]; live: () => Promise<{ documents: number; chunks: number }> } {
  const contents = new Map<string, number>();
  const written: number[] = [];
  const read: number[] = [];
  return {
    written,
    read,
    writeFileChunk: async (content, seq, data) => {
      written.push(data.byteLength);
      contents.set(content, Math.max(contents.get(content) ?? 0, seq + 1));
      await store.writeFileChunk(content, seq, data);
    },
    readFileChunk: async (content, seq) => {
      const data = await store.readFileChunk(content, seq);
      if (data) read.push(data.byteLength);
      return data;
    },
    commitStoredFile: (file, content, chunks) => store.commitStoredFile(file, content, chunks),
    getStoredFile: (id) => store.getStoredFile(id),
    listStoredFiles: () => store.listStoredFiles(),
    removeStoredFile: (id) => store.removeStoredFile(id),
    discardFileContent: (content) => store.discardFileContent(content),
    discardStaleFileContents: (before, limit) => store.discardStaleFileContents(before, limit),
    async live() {
      let chunks = 0;
      for (const [content, n] of contents) for (let seq = 0; seq < n; seq++) if (await store.readFileChunk(content, seq)) chunks++;
      return { documents: (await store.listStoredFiles()).length, chunks };
    },
  };
}

interface Backend {
  name: string;
  skip: boolean;
  open(): Promise<{ documents: DocumentStore; footprint: () => Promise<unknown> }>;
}

const BACKENDS: Backend[] = [
  {
    name: 'files',
    skip: false,
    async open() {
      const documents = new FileStore(join(tempDir(), 'documents'));
      return { documents, footprint: async () => readdirSync(documents.dir, { withFileTypes: false }).sort() };
    },
  },
  ...(['sqlite', 'postgres'] as const).map((kind): Backend => ({
    name: `database (${kind})`,
    skip: kind === 'postgres' && SKIP_PG,
    async open() {
      const spy = counting(await database(kind));
      // Chunks of 8 bytes: every document here spans several, and a failure comes after some are written.
      return { documents: new DatabaseDocumentStore(spy, { chunkBytes: 8 }), footprint: () => spy.live() };
    },
  })),
];

const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const meta = { file_name: 'invoice.pdf', content_type: 'application/pdf', maxBytes: 100 };

/** A download sink fed `body` as the HTTP client would: the measure it returns is the body's. */
function serve(body: Buffer | Error, contentType = 'application/pdf; charset=binary') {
  return async (sink: (b: AsyncIterable<Buffer>) => Promise<void>) => {
    if (body instanceof Error) {
      await sink(
        (async function* () {
          yield Buffer.from('%PDF-half');
          throw body;
        })(),
      );
      throw body;
    }
    await sink(Readable.from([body.subarray(0, 3), body.subarray(3)]));
    return { size: body.length, sha256: sha(body), contentType };
  };
}

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`document store: ${backend.name}`, () => {
    it('stores a stream with its size, hash and owner, reads it back, lists and removes it', async () => {
      const { documents } = await backend.open();
      const stored = await documents.put(Readable.from(['%PDF-1.4 ', 'invoice']), { ...meta, owner: { account: 'pcc', order_id: 'o-1' } });
      expect(stored).toMatchObject({ file_name: 'invoice.pdf', content_type: 'application/pdf', size: 16, sha256: sha('%PDF-1.4 invoice'), account: 'pcc', order_id: 'o-1' });
      expect(await documents.get(stored.id)).toEqual(stored);
      expect(await text(documents.open(stored.id))).toBe('%PDF-1.4 invoice');
      expect(await documents.list()).toEqual([stored]);
      await documents.remove(stored.id);
      expect(await documents.get(stored.id)).toBeUndefined();
      expect(await documents.list()).toEqual([]);
      await documents.remove(stored.id);
    });

    it('refuses a stream over the limit with DOCUMENT_TOO_LARGE and keeps nothing of it', async () => {
      const { documents, footprint } = await backend.open();
      await documents.put(Readable.from(['kept']), meta);
      const before = await footprint();
      // The second piece comes later, as from a network: the first is written (in chunks) before the limit is crossed.
      const slow = async function* () {
        yield Buffer.alloc(60, 0x25);
        await new Promise((resolve) => setTimeout(resolve, 10));
        yield Buffer.alloc(60, 0x25);
      };
      const err = await documents.put(Readable.from(slow()), meta).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OrderwireError);
      expect((err as OrderwireError).code).toBe('DOCUMENT_TOO_LARGE');
      expect(await footprint()).toEqual(before);
      expect(await documents.list()).toHaveLength(1);
    });

    it('keeps a download once: the same bytes again only update what the marketplace lists, other bytes replace it, a failed attempt leaves nothing', async () => {
      const { documents, footprint } = await backend.open();
      const id = documents.marketplaceDocumentId({ account: 'pt', channel: 'printemps', marketplace_order_id: 'M-1', document_id: '9' });
      const slip = Buffer.from('%PDF-1.4 delivery slip');
      const owner = { file_name: 'slip.pdf', account: 'pt', order_id: 'o-1', marketplace: { document_id: '9', type: 'SYSTEM_DELIVERY_BILL', size: slip.length } };
      const first = await documents.saveDownload(id, serve(slip), owner);
      expect(first).toMatchObject({ changed: true, stored: { id, content_type: 'application/pdf', size: slip.length, sha256: sha(slip), marketplace: owner.marketplace } });
      const held = await footprint();

      const again = await documents.saveDownload(id, serve(slip), { ...owner, marketplace: { ...owner.marketplace, size: 999 } });
      expect(again.changed).toBe(false);
      expect((await documents.get(id))!.marketplace).toEqual({ ...owner.marketplace, size: 999 });
      expect((await documents.get(id))!.sha256).toBe(sha(slip));
      expect(await footprint()).toEqual(held);

      const failed = await documents.saveDownload(id, serve(new Error('connection reset')), owner).catch((e: unknown) => e);
      expect((failed as Error).message).toBe('connection reset');
      expect(await footprint()).toEqual(held);
      expect(await buffer(documents.open(id))).toEqual(slip);

      const newer = Buffer.from('%PDF-1.4 delivery slip, second edition');
      const replaced = await documents.saveDownload(id, serve(newer), owner);
      expect(replaced).toMatchObject({ changed: true, stored: { size: newer.length, sha256: sha(newer) } });
      expect(await buffer(documents.open(id))).toEqual(newer);
      expect(await documents.list()).toHaveLength(1);
    });

    it('an id is a UUID: anything else names no document, and never a path or a row', async () => {
      const { documents } = await backend.open();
      expect(await documents.get('../../etc/passwd')).toBeUndefined();
      expect(await documents.get('00000000-0000-4000-8000-000000000000')).toBeUndefined();
      await expect(documents.remove('../secret')).rejects.toMatchObject({ code: 'DOCUMENT_NOT_FOUND' });
      const missing = await buffer(documents.open('00000000-0000-4000-8000-000000000000')).catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(Error);
    });
  });
}

const servers = testServers();
afterEach(() => servers.close());
const MB5 = 5 * 1024 * 1024 + 12_345;

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && SKIP_PG)(`a write killed midway (${kind})`, () => {
    it('leaves chunks no document names, which discardUnfinished deletes once stale, and nothing else', async () => {
      let spec: string;
      let schema: string | undefined;
      const store = await database(kind);
      if (kind === 'sqlite') spec = join(dirs.at(-1)!, 'documents.sqlite');
      else {
        spec = TEST_PG_URL!;
        schema = schemas.at(-1);
      }
      const documents = new DatabaseDocumentStore(store);
      const kept = await documents.put(Readable.from([Buffer.alloc(CHUNK_BYTES + 10, 1)]), { ...meta, maxBytes: CHUNK_BYTES * 2 });
      const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', CHILD, spec, ...(schema ? [schema] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += String(d)));
      const exited = new Promise((resolve) => child.on('close', resolve));
      const deadline = Date.now() + 30_000;
      while (!/written 3\n/.test(out) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
      expect(out).toMatch(/written 3\n/);
      child.kill('SIGKILL');
      await exited;
      // Its chunks stay, named by no document; the complete document is untouched.
      expect(await documents.list()).toEqual([kept]);
      // Recent: maybe still being written by another daemon; kept.
      expect(await documents.discardUnfinished(new Date(Date.now() - 60_000))).toBe(0);
      // Stale: deleted, and only that write.
      expect(await documents.discardUnfinished(new Date(Date.now() + 60_000))).toBe(1);
      expect(await documents.discardUnfinished(new Date(Date.now() + 60_000))).toBe(0);
      expect(await documents.list()).toEqual([kept]);
      expect((await buffer(documents.open(kept.id))).length).toBe(CHUNK_BYTES + 10);
    }, 60_000);
  });

  describe.skipIf(kind === 'postgres' && SKIP_PG)(`a document of several MB in the database (${kind})`, () => {
    it('is written and read in chunks of at most 256 KiB, through the HTTP client both ways, every byte intact', async () => {
      const spy = counting(await database(kind));
      const documents = new DatabaseDocumentStore(spy);
      const bytes = randomBytes(MB5);
      const expectedChunks = Math.ceil(MB5 / CHUNK_BYTES);

      // Stored from a stream of 64 KiB pieces: written as 21 chunks, none larger than 256 KiB.
      const pieces = Array.from({ length: Math.ceil(MB5 / 65_536) }, (_, i) => bytes.subarray(i * 65_536, (i + 1) * 65_536));
      const stored = await documents.put(Readable.from(pieces), { file_name: 'big.pdf', content_type: 'application/pdf', maxBytes: 10 * 1024 * 1024 });
      expect(stored).toMatchObject({ size: MB5, sha256: sha(bytes) });
      expect(spy.written).toHaveLength(expectedChunks);
      expect(Math.max(...spy.written)).toBe(CHUNK_BYTES);
      expect(spy.written.reduce((a, b) => a + b, 0)).toBe(MB5);

      // Uploaded as a multipart part read from the database while it is sent (the OR74 path).
      const url = await servers.serve((app) => {
        void app.register(multipart, { limits: { fileSize: MB5 * 2 } });
        app.post('/upload', async (request) => {
          const file = await request.file();
          const hash = createHash('sha256');
          let size = 0;
          for await (const chunk of file!.file) {
            size += (chunk as Buffer).length;
            hash.update(chunk as Buffer);
          }
          return { size, sha256: hash.digest('hex'), name: file!.filename, type: file!.mimetype, length: request.headers['content-length'] };
        });
        app.get('/download', async (_request, reply) => reply.type('application/pdf').send(Readable.from(pieces)));
      });
      const client = new HttpClient({ limiter: new AccountLimiter({ concurrency: 1 }), redact: createRedactor(() => []) });
      try {
        const up = await client.send({
          endpoint: 'upload', method: 'POST', url: `${url}/upload`, idempotent: true,
          multipart: [{ name: 'meta', value: '{}' }, { name: 'files', file: { fileName: stored.file_name, contentType: stored.content_type, size: stored.size, open: () => documents.open(stored.id) } }],
        });
        expect(up).toMatchObject({ final: 'success', body: { size: MB5, sha256: sha(bytes), name: 'big.pdf', type: 'application/pdf' } });
        expect(Number((up.body as { length: string }).length)).toBeGreaterThan(MB5);
        expect(spy.read).toHaveLength(expectedChunks);
        expect(Math.max(...spy.read)).toBe(CHUNK_BYTES);

        // Downloaded from the marketplace straight into the database, chunk by chunk.
        spy.written.length = 0;
        const id = documents.marketplaceDocumentId({ account: 'pt', channel: 'printemps', marketplace_order_id: 'M-9', document_id: '77' });
        const saved = await documents.saveDownload(
          id,
          async (write) => {
            const exchange = await client.send({ endpoint: 'download', method: 'GET', url: `${url}/download`, saveTo: { write, maxBytes: 10 * 1024 * 1024 } });
            return exchange.saved!;
          },
          { file_name: 'slip.pdf', account: 'pt', order_id: 'o-9', marketplace: { document_id: '77', type: 'SYSTEM_DELIVERY_BILL' } },
        );
        expect(saved.stored).toMatchObject({ size: MB5, sha256: sha(bytes), content_type: 'application/pdf' });
        expect(spy.written).toHaveLength(expectedChunks);
        expect(Math.max(...spy.written)).toBe(CHUNK_BYTES);

        // Read back as a stream: one chunk per read, the same bytes.
        spy.read.length = 0;
        let largest = 0;
        const hash = createHash('sha256');
        for await (const chunk of documents.open(id)) {
          largest = Math.max(largest, (chunk as Buffer).length);
          hash.update(chunk as Buffer);
        }
        expect(hash.digest('hex')).toBe(sha(bytes));
        expect(largest).toBeLessThanOrEqual(CHUNK_BYTES);
        expect(spy.read).toHaveLength(expectedChunks);
      } finally {
        await client.close();
      }
    }, 60_000);
  });
}
