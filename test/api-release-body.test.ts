/**
 * A feed page's body is freed once sent (engine/api/release-body.ts): after the response's
 * 'finish' and KEPT_SENT_BODIES more bodies, never before (a client that reads slowly still gets
 * every byte, whatever else is sent meanwhile), and never for a Buffer that shares a pool slab.
 */
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { KEPT_SENT_BODIES, releasable, releaseWhenSent, RELEASED_MIN_BYTES } from '../engine/api/release-body.ts';
import type { OrderFeedPage, Store } from '../engine/store/store.ts';
import { startApiHarness, type ApiHarness } from './helpers/api-server.ts';
import { order } from './store-suite.ts';

/** Whether the buffer's memory was freed (its ArrayBuffer detached). */
const freed = (bytes: Uint8Array): boolean => (bytes.buffer as ArrayBuffer).detached;

/** `length` bytes, each of which says where it is: a body whose every byte is checked. */
const patterned = (length: number): Buffer => {
  const bytes = Buffer.allocUnsafeSlow(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + (i >> 8)) & 0xff;
  return bytes;
};

describe('releasable', () => {
  it('is true only for a buffer that starts its own ArrayBuffer, one too large to be a pool slab', () => {
    expect(releasable(Buffer.alloc(RELEASED_MIN_BYTES))).toBe(true);
    expect(releasable(new Uint8Array(200_000))).toBe(true);
    // Pooled: Buffer.from and allocUnsafe of small sizes share an 8 KiB slab with other Buffers.
    expect(releasable(Buffer.from('{"items":[],"next":null}'))).toBe(false);
    expect(releasable(Buffer.allocUnsafe(100))).toBe(false);
    expect(releasable(Buffer.alloc(RELEASED_MIN_BYTES - 1))).toBe(false);
    // A view that does not start its ArrayBuffer: someone else's memory may come before it.
    expect(releasable(Buffer.alloc(200_000).subarray(1))).toBe(false);
    // The store's page: the start of node:sqlite's value, shortened (the room for the closing).
    expect(releasable(Buffer.alloc(200_000).subarray(0, 150_000))).toBe(true);
    const gone = Buffer.alloc(RELEASED_MIN_BYTES);
    gone.buffer.transfer(0);
    expect(releasable(gone)).toBe(false);
  });
});

describe('releaseWhenSent on a real server', () => {
  const apps: FastifyInstance[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  /** GET /body/:mib serves a new patterned body of that many MiB, released when sent; `bodies` in order served. */
  async function serve(): Promise<{ url: string; bodies: Buffer[] }> {
    const app = fastify();
    apps.push(app);
    const bodies: Buffer[] = [];
    app.get('/body/:mib', async (request, reply) => {
      const body = patterned(Number((request.params as { mib: string }).mib) * 2 ** 20);
      bodies.push(body);
      releaseWhenSent(reply, body);
      return reply.type('application/octet-stream').send(body);
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    return { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, bodies };
  }

  const fetchBody = async (url: string): Promise<Buffer> => Buffer.from(await (await fetch(url)).arrayBuffer());

  it('frees a body only after its last byte was written, however slowly the client reads and whatever is sent meanwhile', async () => {
    const { url, bodies } = await serve();
    // 32 MiB, far more than loopback sockets hold: the server's write waits for the reader.
    let resume!: () => void;
    const stalled = new Promise<void>((resolve) => (resume = resolve));
    let stalledNow!: () => void;
    const isStalled = new Promise<void>((resolve) => (stalledNow = resolve));
    const slow = new Promise<Buffer>((resolve, reject) => {
      request(`${url}/body/32`, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          if (chunks.length === 1) {
            res.pause();
            stalledNow();
            void stalled.then(() => res.resume());
          }
        });
        res.on('end', () => resolve(Buffer.concat(chunks)));
        res.on('error', reject);
      }).on('error', reject).end();
    });
    await isStalled;
    // More bodies sent and finished than are kept: were the stalled one counted as sent, it would
    // be freed while its write still reads it.
    for (let i = 0; i <= KEPT_SENT_BODIES; i++) expect((await fetchBody(`${url}/body/1`)).equals(patterned(2 ** 20))).toBe(true);
    expect(freed(bodies[0]!)).toBe(false);
    expect(freed(bodies[1]!)).toBe(true);
    resume();
    expect((await slow).equals(patterned(32 * 2 ** 20))).toBe(true);
    // Sent: freed once KEPT_SENT_BODIES more were sent after it, not before.
    for (let i = 0; i < KEPT_SENT_BODIES - 1; i++) await fetchBody(`${url}/body/1`);
    expect(freed(bodies[0]!)).toBe(false);
    await fetchBody(`${url}/body/1`);
    expect(freed(bodies[0]!)).toBe(true);
    expect(bodies[0]!.byteLength).toBe(0);
  });

  it('goes on serving whole bodies after a client went away in the middle of one', async () => {
    const { url } = await serve();
    await new Promise<void>((resolve) => {
      const req = request(`${url}/body/16`, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => undefined).end();
    });
    for (let i = 0; i <= KEPT_SENT_BODIES; i++) expect((await fetchBody(`${url}/body/4`)).equals(patterned(4 * 2 ** 20))).toBe(true);
  });
});

describe('the order feed frees the pages it sent', () => {
  let h: ApiHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('frees the body the store rendered once it was sent and more pages followed it', async () => {
    const pages: OrderFeedPage[] = [];
    // The API's store with its listOrderFeed seen through: every page it rendered, as the API got it.
    const serveStore = (store: Store): Store => ({
      ...store,
      listOrderFeed: async (...args) => {
        const page = await store.listOrderFeed(...args);
        pages.push(page);
        return page;
      },
    });
    h = await startApiHarness({ rateLimit: { max: 1000, timeWindowMs: 60_000 }, serveStore });
    const token = await h.token(['worten-pt']);
    // 100 orders with a long note each: a page far over the smallest size released.
    const note = 'n'.repeat(1500);
    await h.store.commitOrders(Array.from({ length: 100 }, (_, i) => order(`BIG-${i}`, { buyer: { first_name: note, last_name: `L${i}` } })));
    const res = await h.call('GET', '/v1/orders?limit=100', { token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.items).toHaveLength(100);
    expect(res.body.items.every((item: { buyer: { first_name: string } }) => item.buyer.first_name === note)).toBe(true);
    const bodyOf = (page: OrderFeedPage | undefined): Buffer => {
      if (!page || !('body' in page)) throw new Error('expected a page rendered as a whole body');
      return page.body;
    };
    const first = bodyOf(pages[0]);
    expect(freed(first)).toBe(false);
    // A page of one order is under the smallest size released: never freed.
    expect((await h.call('GET', '/v1/orders?limit=1', { token })).body.items).toHaveLength(1);
    // The first page is freed once KEPT_SENT_BODIES more large pages were sent after it.
    for (let i = 0; i < KEPT_SENT_BODIES; i++) expect((await h.call('GET', '/v1/orders?limit=100', { token })).body.items).toHaveLength(100);
    await expect.poll(() => freed(first)).toBe(true);
    expect(freed(bodyOf(pages[1]))).toBe(false);
    expect(freed(bodyOf(pages[2]))).toBe(false);
  });
});
