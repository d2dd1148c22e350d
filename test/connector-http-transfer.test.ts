/**
 * The HTTP client's streamed transfers: a multipart upload of a file much larger than the memory
 * the process is allowed to grow by, and a download of one into a file, each in a child process
 * whose peak RSS must stay within half the file's size above its RSS before the transfer; the received bytes' SHA-256 proves nothing was lost or altered. A
 * download over its size limit stops early and leaves no file; a refusal reads as one.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import multipart from '@fastify/multipart';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testServers } from './helpers/http-server.ts';

const CHILD = join(import.meta.dirname, 'helpers', 'http-transfer-child.ts');
const SIZE = 256 * 1024 * 1024;
/** How much the child may grow during a transfer: half the file, so it cannot have held it whole. */
const GROWTH_CEILING = SIZE / 2;

const servers = testServers();
afterEach(() => servers.close());
let dir: string;
let bigFile: string;
let bigSha: string;

/** 256 MiB of a repeated random block, written and hashed in one pass. */
async function writeBigFile(path: string): Promise<string> {
  const block = randomBytes(1024 * 1024);
  const hash = createHash('sha256');
  async function* blocks() {
    for (let i = 0; i < SIZE / block.length; i++) {
      hash.update(block);
      yield block;
    }
  }
  await pipeline(Readable.from(blocks()), createWriteStream(path));
  return hash.digest('hex');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ow-transfer-'));
  bigFile = join(dir, 'big.pdf');
  bigSha = await writeBigFile(bigFile);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface ChildResult {
  exchange: { final: string; status?: number; body?: unknown; message: string; saved?: { size: number; sha256: string; contentType: string; fileName?: string } };
  baselineRssBytes: number;
  maxRssBytes: number;
}

function runChild(args: string[]): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += String(c)));
    child.stderr.on('data', (c: Buffer) => (err += String(c)));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as ChildResult) : reject(new Error(`child exited ${code}: ${err}`))));
  });
}

describe('streamed transfers', () => {
  it('uploads a 256 MiB file as multipart with a bounded peak RSS; the server receives every byte', async () => {
    const received: Array<{ name: string; filename?: string; mimetype?: string; size?: number; sha256?: string; value?: string }> = [];
    const url = await servers.serve((app) => {
      void app.register(multipart, { limits: { fileSize: SIZE * 2 } });
      app.post('/upload', async (request) => {
        for await (const part of request.parts()) {
          if (part.type === 'field') {
            received.push({ name: part.fieldname, value: String(part.value) });
            continue;
          }
          const hash = createHash('sha256');
          let size = 0;
          for await (const chunk of part.file) {
            size += (chunk as Buffer).length;
            hash.update(chunk as Buffer);
          }
          received.push({ name: part.fieldname, filename: part.filename, mimetype: part.mimetype, size, sha256: hash.digest('hex') });
        }
        return { ok: true };
      });
    });
    const result = await runChild(['upload', `${url}/upload`, bigFile]);
    expect(result.exchange).toMatchObject({ final: 'success', status: 200, body: { ok: true } });
    expect(received).toEqual([
      { name: 'meta', value: '{"kind":"invoice"}' },
      { name: 'files', filename: 'big.pdf', mimetype: 'application/pdf', size: SIZE, sha256: bigSha },
    ]);
    expect(result.maxRssBytes - result.baselineRssBytes).toBeLessThan(GROWTH_CEILING);
  }, 120_000);

  it('downloads a 256 MiB document into a file with a bounded peak RSS, counted and hashed on the way', async () => {
    const url = await servers.serve((app) => {
      app.get('/doc', async (_request, reply) => reply.type('application/pdf').header('content-disposition', 'attachment; filename="slip.pdf"').send(createReadStream(bigFile)));
    });
    const destination = join(dir, 'downloaded.pdf');
    const result = await runChild(['download', `${url}/doc`, destination, String(SIZE)]);
    expect(result.exchange).toMatchObject({ final: 'success', status: 200, saved: { size: SIZE, sha256: bigSha, contentType: 'application/pdf', fileName: 'slip.pdf' } });
    expect(result.maxRssBytes - result.baselineRssBytes).toBeLessThan(GROWTH_CEILING);
    rmSync(destination);
  }, 120_000);

  it('stops a download over its limit and leaves no file; a refusal is rejected with its message', async () => {
    const url = await servers.serve((app) => {
      app.get('/doc', async (_request, reply) => reply.type('application/pdf').send(createReadStream(bigFile)));
      app.get('/gone', async (_request, reply) => reply.code(404).send({ message: 'Document 9 does not exist' }));
    });
    const target = join(dir, 'capped.pdf');
    const capped = await runChild(['download', `${url}/doc`, target, String(1024 * 1024)]);
    expect(capped.exchange).toMatchObject({ final: 'rejected', status: 413 });
    expect(existsSync(target)).toBe(false);
    expect((await readdir(dir)).filter((f) => f.startsWith('capped'))).toEqual([]);
    const gone = await runChild(['download', `${url}/gone`, join(dir, 'gone.pdf'), '1000']);
    expect(gone.exchange).toMatchObject({ final: 'rejected', status: 404, message: expect.stringContaining('Document 9 does not exist') });
    expect(existsSync(join(dir, 'gone.pdf'))).toBe(false);
  }, 120_000);
});
