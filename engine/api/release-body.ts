/**
 * Frees large response bodies soon after Node has written them, instead of leaving them to V8's
 * garbage collector.
 *
 * Why: a feed page is ~175 KB held outside V8's heap (an ArrayBuffer from node:sqlite, or from
 * Buffer.concat). V8 counts such buffers as external memory and, every ~64 MB of it, starts a full
 * mark-compact of the API's whole heap: one every ~250 pages, 33–50 in 10 s of serving. Freed once
 * sent, they never add up, and no page sets off a mark-compact (bench/README.md, "Issue 18,
 * wave 12").
 *
 * Why not at once: freed as soon as it is sent, a page was often the top of malloc's heap together
 * with SQLite's buffer for the next one, and glibc gave that memory back to the kernel; every page
 * then faulted its memory in again (94–142 page faults a page in 5 runs of 7, more CPU than
 * before). The last KEPT_SENT_BODIES bodies stay allocated, so the next pages reuse their memory
 * (0–5 faults a page).
 *
 * When: on the response's 'finish', emitted once the last byte has been handed to the kernel (a
 * write that the socket could not take at once keeps the buffer until then). The body of a response
 * that never finishes (the client went away) is left to the collector, as before.
 *
 * Which: only a buffer that is the whole of its own ArrayBuffer's start, and larger than any slab
 * of Node's Buffer pool, so never a pooled Buffer whose slab other Buffers share. The caller
 * promises that nothing else holds the buffer (the store's feed pages: OrderFeedPage).
 */
import type { FastifyReply } from 'fastify';

/** Smaller bodies are not worth it, and this keeps clear of the pool's slabs (Buffer.poolSize, 8 KiB by default). */
export const RELEASED_MIN_BYTES = 64 * 1024;

/** Bodies sent and kept before the oldest is freed: ~1.4 MB of feed pages of 100. */
export const KEPT_SENT_BODIES = 8;

/** Whether `body` may be released: it starts its own ArrayBuffer, one too large to be a pool slab. */
export function releasable(body: Uint8Array): boolean {
  const buffer = body.buffer;
  return buffer instanceof ArrayBuffer && body.byteOffset === 0 && buffer.byteLength >= RELEASED_MIN_BYTES && buffer.byteLength > Buffer.poolSize && !buffer.detached;
}

/** Bodies sent and not freed yet, oldest first (one process-wide list: malloc's heap is too). */
const sent: ArrayBuffer[] = [];

/**
 * Sends nothing itself: once the reply that sends `body` has finished, `body` joins the bodies
 * sent, and the oldest beyond KEPT_SENT_BODIES is freed.
 */
export function releaseWhenSent(reply: FastifyReply, body: Uint8Array): void {
  if (!releasable(body)) return;
  const buffer = body.buffer as ArrayBuffer;
  reply.raw.once('finish', () => {
    sent.push(buffer);
    // transfer(0) detaches the buffer, which drops V8's last reference to its memory: freed now.
    if (sent.length > KEPT_SENT_BODIES) sent.shift()!.transfer(0);
  });
}
