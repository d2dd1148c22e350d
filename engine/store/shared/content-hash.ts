/**
 * An order's content hash: SHA-256 (base64url) of its canonical document, a newline, and its raw
 * text, as UTF-8. The two texts are written into a buffer and hashed from there, instead of
 * hashing the joined string: joining makes V8 flatten a copy of both texts in its young
 * generation (about 6 KB an order, the sync's largest allocation after the parsed page), which
 * makes scavenges come sooner and promotes more of each page. Same bytes, same digest. A sync
 * writes them into its batch's text arena (text-arena.ts), which keeps them until COMMIT; any
 * other caller into one reused scratch buffer.
 */
import { hash } from 'node:crypto';

/** Texts whose UTF-8 could exceed this are hashed joined: a rare giant order keeps no giant buffer alive. */
export const MAX_HASHED_BYTES = 1 << 20;
let scratch = Buffer.allocUnsafeSlow(64 * 1024);

/** The most bytes writeHashedTexts can write: at most 3 UTF-8 bytes per UTF-16 unit (a surrogate pair is 4 bytes for 2 units). */
export function mostHashedBytes(document: string, raw: string): number {
  return 3 * (document.length + raw.length) + 1;
}

/**
 * Writes the hashed bytes (document, newline, raw) into `into` from `at`, which must have room for
 * mostHashedBytes; returns where the document ends and where the raw text ends.
 */
export function writeHashedTexts(into: Buffer, at: number, document: string, raw: string): { documentEnd: number; end: number } {
  const documentEnd = at + into.write(document, at, 'utf8');
  into[documentEnd] = 0x0a;
  return { documentEnd, end: documentEnd + 1 + into.write(raw, documentEnd + 1, 'utf8') };
}

/** The content hash of bytes written by writeHashedTexts. */
export function hashOfBytes(bytes: Uint8Array): string {
  return hash('sha256', bytes, 'base64url');
}

export function contentHash(document: string, raw: string): string {
  const most = mostHashedBytes(document, raw);
  if (most > MAX_HASHED_BYTES) return hash('sha256', `${document}\n${raw}`, 'base64url');
  if (most > scratch.length) scratch = Buffer.allocUnsafeSlow(Math.min(MAX_HASHED_BYTES, 2 * most));
  return hashOfBytes(scratch.subarray(0, writeHashedTexts(scratch, 0, document, raw).end));
}
