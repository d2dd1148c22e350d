/**
 * An order's content hash: SHA-256 (base64url) of its canonical document, a newline, and its raw
 * text, as UTF-8. The two texts are written into one reused scratch buffer and hashed from there,
 * instead of hashing the joined string: joining makes V8 flatten a copy of both texts in its young
 * generation (about 6 KB an order, the sync's largest allocation after the parsed page), which
 * makes scavenges come sooner and promotes more of each page. Same bytes, same digest.
 */
import { hash } from 'node:crypto';

/** Texts whose UTF-8 could exceed this are hashed joined: a rare giant order keeps no giant buffer alive. */
const MAX_SCRATCH = 1 << 20;
let scratch = Buffer.allocUnsafeSlow(64 * 1024);

export function contentHash(document: string, raw: string): string {
  // At most 3 UTF-8 bytes per UTF-16 unit (a surrogate pair is 4 bytes for 2 units).
  const most = 3 * (document.length + raw.length) + 1;
  if (most > MAX_SCRATCH) return hash('sha256', `${document}\n${raw}`, 'base64url');
  if (most > scratch.length) scratch = Buffer.allocUnsafeSlow(Math.min(MAX_SCRATCH, 2 * most));
  let end = scratch.write(document, 0, 'utf8');
  scratch[end++] = 0x0a;
  end += scratch.write(raw, end, 'utf8');
  return hash('sha256', scratch.subarray(0, end), 'base64url');
}
