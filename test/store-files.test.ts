/**
 * The document file store (engine/store/files.ts): streamed in with size and SHA-256, refused
 * over its limit with nothing left behind, downloads committed through a reserved path, ids that
 * cannot name a path outside the directory.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterEach, describe, expect, it } from 'vitest';
import { OrderwireError } from '../engine/errors.ts';
import { FileStore } from '../engine/store/files.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
function store(): FileStore {
  const dir = mkdtempSync(join(tmpdir(), 'ow-files-'));
  dirs.push(dir);
  return new FileStore(join(dir, 'documents'));
}
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('FileStore', () => {
  it('stores a stream with its size, hash and metadata, and reads it back', async () => {
    const files = store();
    const stored = await files.put(Readable.from(['%PDF-1.4 ', 'invoice']), { file_name: 'invoice.pdf', content_type: 'application/pdf', maxBytes: 100 });
    expect(stored).toMatchObject({ file_name: 'invoice.pdf', content_type: 'application/pdf', size: 16, sha256: sha('%PDF-1.4 invoice') });
    expect(await files.get(stored.id)).toEqual(stored);
    expect(await text(files.open(stored.id))).toBe('%PDF-1.4 invoice');
    expect(readdirSync(files.dir).sort()).toEqual([stored.id, `${stored.id}.json`].sort());
  });

  it('refuses a stream over the limit with DOCUMENT_TOO_LARGE and leaves nothing', async () => {
    const files = store();
    const err = await files.put(Readable.from([Buffer.alloc(60), Buffer.alloc(60)]), { file_name: 'big.pdf', content_type: 'application/pdf', maxBytes: 100 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OrderwireError);
    expect((err as OrderwireError).code).toBe('DOCUMENT_TOO_LARGE');
    expect(readdirSync(files.dir)).toEqual([]);
  });

  it('commits a download written to its reserved path', async () => {
    const files = store();
    await files.put(Readable.from(['x']), { file_name: 'x.txt', content_type: 'text/plain', maxBytes: 10 });
    const { id, partPath } = files.reserve();
    writeFileSync(partPath, 'slip');
    const stored = await files.commitDownload(id, { file_name: 'slip.pdf', content_type: 'application/pdf', size: 4, sha256: sha('slip') });
    expect(await readFile(files.pathOf(id), 'utf8')).toBe('slip');
    expect(await files.get(id)).toEqual(stored);
  });

  it('an id is a UUID: anything else names no document and never a path', async () => {
    const files = store();
    expect(await files.get('../../etc/passwd')).toBeUndefined();
    expect(() => files.pathOf('../secret')).toThrow(expect.objectContaining({ code: 'DOCUMENT_NOT_FOUND' }));
    expect(await files.get('00000000-0000-4000-8000-000000000000')).toBeUndefined();
  });
});
