/**
 * A set of strings kept outside V8's heap, for the ids a listing has handed over (one entry per
 * order of a window: a million for a large first sync). A `Set<string>` holds each id as a heap
 * string plus a hash-table entry, about 53 bytes an id on the old generation, which V8 then lets
 * grow to twice its live size before collecting it; here an id costs its characters plus 5 to 10
 * bytes of table, in typed arrays the garbage collector never walks (bench/memory-ids.ts).
 *
 * Membership is exact: the hash only picks where to look; an id is "already seen" only when its
 * stored characters are equal, code unit for code unit, so no two different ids can be confused
 * (a false "seen" would drop an order).
 *
 * Layout: every id is appended once to the character chunks (256 KiB each, allocated as needed and
 * never copied: a buffer grown by doubling would leave its old copies in malloc's free lists), as a
 * length header (a variable-length integer: the length in code units, shifted left by one, the low
 * bit set when some code unit is above 0xFF) followed by its code units, one byte each, or two
 * (little-endian) when wide. `#slots` is an open-addressing table (linear probing, at most half
 * full) of entry positions + 1 (0 = empty), `#tags` the top 8 bits of the hash of the entry in the
 * same slot: a probe reads an entry's characters only when its tag matches (1 in 256 of the other
 * entries it meets). Ids too long for a chunk (over 64 Ki code units, which no marketplace uses)
 * go to a plain Set beside.
 */
import { Buffer } from 'node:buffer';
import { randomInt } from 'node:crypto';

const INITIAL_SLOTS = 1024;
const CHUNK_BITS = 18;
const CHUNK = 2 ** CHUNK_BITS;
/** Code units of the longest id kept in the chunks (an entry never spans two chunks). */
const MAX_CHUNKED_UNITS = 65_536;
/** Positions are stored + 1 in an Int32Array. */
const MAX_CHUNKS = 2 ** (31 - CHUNK_BITS) - 1;

export class IdSet {
  readonly #chunks: Uint8Array[] = [];
  /** Bytes used in the last chunk. */
  #used = CHUNK;
  #slots = new Int32Array(INITIAL_SLOTS);
  #tags = new Uint8Array(INITIAL_SLOTS);
  #size = 0;
  readonly #long = new Set<string>();
  /** Per set, so ids chosen to collide in one process's table do not collide in another's. */
  readonly #seed = randomInt(2 ** 32);
  readonly #hash: (id: string) => number;
  /** The hash of the id stored at a position: read from its bytes, without making a string of it. */
  readonly #hashStored: (position: number) => number;

  /** `hash` replaces the set's own (tests force collisions with a weak one to prove equality is exact). */
  constructor(options: { hash?: (id: string) => number } = {}) {
    const hash = options.hash;
    if (hash) {
      this.#hash = (id) => hash(id) >>> 0;
      this.#hashStored = (position) => hash(this.#stored(position)) >>> 0;
    } else {
      this.#hash = (id) => this.#seededHash(id);
      this.#hashStored = (position) => this.#seededHashStored(position);
    }
  }

  get size(): number {
    return this.#size + this.#long.size;
  }

  /** Bytes held by the set's typed arrays (allocated, not only used). */
  get bytes(): number {
    return this.#chunks.length * CHUNK + this.#slots.byteLength + this.#tags.byteLength;
  }

  has(id: string): boolean {
    if (id.length > MAX_CHUNKED_UNITS) return this.#long.has(id);
    return this.#find(id, this.#hash(id)) < 0;
  }

  /** Adds `id`; true when it was not in the set yet. */
  add(id: string): boolean {
    if (id.length > MAX_CHUNKED_UNITS) {
      if (this.#long.has(id)) return false;
      this.#long.add(id);
      return true;
    }
    const hash = this.#hash(id);
    const slot = this.#find(id, hash);
    if (slot < 0) return false;
    this.#slots[slot] = this.#append(id) + 1;
    this.#tags[slot] = hash >>> 24;
    this.#size += 1;
    // At most half full: short probe runs.
    if (this.#size * 2 > this.#slots.length) this.#grow();
    return true;
  }

  /** The empty slot where `id` would go, or -1 when it is in the set. */
  #find(id: string, hash: number): number {
    const mask = this.#slots.length - 1;
    const tag = hash >>> 24;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.#slots[slot]!;
      if (entry === 0) return slot;
      if (this.#tags[slot] === tag && this.#equals(entry - 1, id)) return -1;
    }
  }

  /** The entry at `position`: its chunk, where its code units start, how many, and whether two bytes each. */
  #entry(position: number): { chunk: Uint8Array; at: number; length: number; wide: boolean } {
    const chunk = this.#chunks[position >>> CHUNK_BITS]!;
    let at = position & (CHUNK - 1);
    let header = 0;
    let shift = 0;
    for (;;) {
      const byte = chunk[at++]!;
      header += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) break;
      shift += 7;
    }
    return { chunk, at, length: Math.floor(header / 2), wide: header % 2 === 1 };
  }

  #equals(position: number, id: string): boolean {
    const { chunk, at, length, wide } = this.#entry(position);
    if (length !== id.length) return false;
    if (!wide) {
      for (let i = 0; i < length; i++) if (chunk[at + i] !== id.charCodeAt(i)) return false;
      return true;
    }
    for (let i = 0; i < length; i++) if ((chunk[at + 2 * i]! | (chunk[at + 2 * i + 1]! << 8)) !== id.charCodeAt(i)) return false;
    return true;
  }

  /** Appends `id`'s entry to the last chunk (a new one when it does not fit); returns its position. */
  #append(id: string): number {
    let wide = false;
    for (let i = 0; i < id.length; i++) {
      if (id.charCodeAt(i) > 0xff) {
        wide = true;
        break;
      }
    }
    const length = id.length * (wide ? 2 : 1);
    // Header: at most 3 bytes for 2 × 65,536 + 1.
    if (this.#used + length + 3 > CHUNK) {
      if (this.#chunks.length >= MAX_CHUNKS) throw new RangeError(`IdSet: more than ${MAX_CHUNKS * CHUNK} bytes of ids`);
      this.#chunks.push(new Uint8Array(CHUNK));
      this.#used = 0;
    }
    const chunk = this.#chunks[this.#chunks.length - 1]!;
    const position = (this.#chunks.length - 1) * CHUNK + this.#used;
    let at = this.#used;
    let header = id.length * 2 + (wide ? 1 : 0);
    while (header >= 0x80) {
      chunk[at++] = (header % 0x80) | 0x80;
      header = Math.floor(header / 0x80);
    }
    chunk[at++] = header;
    if (!wide) {
      for (let i = 0; i < id.length; i++) chunk[at + i] = id.charCodeAt(i);
    } else {
      for (let i = 0; i < id.length; i++) {
        const unit = id.charCodeAt(i);
        chunk[at + 2 * i] = unit & 0xff;
        chunk[at + 2 * i + 1] = unit >>> 8;
      }
    }
    this.#used = at + length;
    return position;
  }

  /** Twice the slots: every entry's hash computed again from its stored id (log2(n) times in all). */
  #grow(): void {
    const slots = new Int32Array(this.#slots.length * 2);
    const tags = new Uint8Array(slots.length);
    const mask = slots.length - 1;
    for (let i = 0; i < this.#slots.length; i++) {
      const entry = this.#slots[i]!;
      if (entry === 0) continue;
      const hash = this.#hashStored(entry - 1);
      let slot = hash & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = entry;
      tags[slot] = hash >>> 24;
    }
    this.#slots = slots;
    this.#tags = tags;
  }

  /** The id stored at `position` (for a hash given as a function of the id). */
  #stored(position: number): string {
    const { chunk, at, length, wide } = this.#entry(position);
    // Node's latin1 maps each byte to the code unit of the same value (a WHATWG TextDecoder would
    // not: its "latin1" is windows-1252).
    if (!wide) return Buffer.from(chunk.buffer, chunk.byteOffset + at, length).toString('latin1');
    let id = '';
    for (let i = 0; i < length; i++) id += String.fromCharCode(chunk[at + 2 * i]! | (chunk[at + 2 * i + 1]! << 8));
    return id;
  }

  /** FNV-1a over the code units from the set's seed, then murmur3's finalizer for the low bits the table uses. */
  #seededHash(id: string): number {
    let h = (0x811c9dc5 ^ this.#seed) >>> 0;
    for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
    return finalize(h);
  }

  /** #seededHash of a stored id, over the code units as stored: the same value, unit for unit. */
  #seededHashStored(position: number): number {
    const { chunk, at, length, wide } = this.#entry(position);
    let h = (0x811c9dc5 ^ this.#seed) >>> 0;
    if (!wide) for (let i = 0; i < length; i++) h = Math.imul(h ^ chunk[at + i]!, 0x01000193);
    else for (let i = 0; i < length; i++) h = Math.imul(h ^ (chunk[at + 2 * i]! | (chunk[at + 2 * i + 1]! << 8)), 0x01000193);
    return finalize(h);
  }
}

/** murmur3's 32-bit finalizer: every input bit moves the low bits the table indexes by. */
function finalize(hash: number): number {
  let h = hash;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
