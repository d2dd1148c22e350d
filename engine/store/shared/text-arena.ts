/**
 * Where a sync keeps a commit batch's texts (each order's canonical document and raw JSON, 5-6 KB
 * an order) from the moment its page is read until the batch's COMMIT: as UTF-8 in a few off-heap
 * chunks that the next batch but one writes over, instead of as strings on V8's heap. As strings,
 * a batch of 1,000 orders sat in the young generation across scavenges and was promoted, and the
 * old generation filled with texts that died at COMMIT: a full GC every 2,000 orders or so. Here
 * they cost V8 nothing, the chunks are allocated once per sync, and SQLite binds the bytes as they
 * are (no second UTF-8 encoding). The bytes are the content hash's (document, newline, raw), so
 * the hash is taken from them (content-hash.ts).
 *
 * A sync run fills one arena while the batch before is committed from the other, and releases an
 * arena only once the batch written into it is committed or refused (sync/sync-window.ts). Reading
 * texts from an arena released since throws, so a misuse fails a commit rather than storing
 * another order's text.
 */
import { hashOfBytes, MAX_HASHED_BYTES, mostHashedBytes, writeHashedTexts } from './content-hash.ts';

/** A chunk holds the largest texts the arena takes; larger ones stay strings (content-hash.ts). */
const CHUNK_BYTES = MAX_HASHED_BYTES;

/** Texts an arena holds: the hashed bytes and where the document ends in them. */
export interface ArenaTexts {
  readonly arena: TextArena;
  readonly generation: number;
  /** document, newline, raw, as UTF-8 (a view of the arena's chunk). */
  readonly bytes: Buffer;
  readonly documentEnd: number;
}

export class TextArena {
  readonly #chunks: Buffer[] = [];
  #chunk = 0;
  #used = 0;
  #generation = 0;

  /** The texts written into the arena with their content hash, or undefined for texts too large for a chunk (kept as strings). */
  put(document: string, raw: string): { texts: ArenaTexts; hash: string } | undefined {
    const most = mostHashedBytes(document, raw);
    if (most > MAX_HASHED_BYTES) return undefined;
    let chunk = this.#chunks[this.#chunk];
    if (chunk && this.#used + most > chunk.length) {
      this.#chunk += 1;
      this.#used = 0;
      chunk = this.#chunks[this.#chunk];
    }
    if (!chunk) {
      chunk = Buffer.allocUnsafeSlow(CHUNK_BYTES);
      this.#chunks.push(chunk);
    }
    const start = this.#used;
    const { documentEnd, end } = writeHashedTexts(chunk, start, document, raw);
    this.#used = end;
    const bytes = chunk.subarray(start, end);
    return { texts: { arena: this, generation: this.#generation, bytes, documentEnd: documentEnd - start }, hash: hashOfBytes(bytes) };
  }

  /** Frees every chunk for the next batch; the texts written so far can no longer be read. */
  release(): void {
    this.#generation += 1;
    this.#chunk = 0;
    this.#used = 0;
  }

  /** Bytes allocated for chunks (they are kept for the next batches). */
  get allocatedBytes(): number {
    return this.#chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  }

  /** The document's and the raw text's bytes; throws for texts of a batch released since. */
  static bytesOf(texts: ArenaTexts): { document: Buffer; raw: Buffer } {
    if (texts.generation !== texts.arena.#generation) {
      throw new Error('internal error: an order\'s texts were read after the sync released their batch (text-arena.ts)');
    }
    return { document: texts.bytes.subarray(0, texts.documentEnd), raw: texts.bytes.subarray(texts.documentEnd + 1) };
  }
}
