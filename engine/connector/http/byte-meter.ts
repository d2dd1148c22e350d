/**
 * Counts, hashes (SHA-256) and caps the bytes of a stream as they pass: one meter for a download
 * (engine/connector/http/client.ts) and for a document written into either document store
 * (engine/store/document-store.ts). Past `maxBytes` the stream fails with `tooLarge()`.
 */
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';

export type ByteMeter = Transform & { size: () => number; sha256: () => string };

export function byteMeter(maxBytes: number, tooLarge: () => Error): ByteMeter {
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > maxBytes) return done(tooLarge());
      hash.update(chunk);
      return done(null, chunk);
    },
  });
  return Object.assign(meter, { size: () => size, sha256: () => hash.digest('hex') });
}
