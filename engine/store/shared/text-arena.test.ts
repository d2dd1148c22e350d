/**
 * The text arena against the definitions it stands in for: the content hash of the two texts and
 * their UTF-8, for any texts (wide and astral characters, lone surrogates), across chunk
 * boundaries and releases; released texts cannot be read; the chunks are reused, not reallocated.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anyText } from '../../../test/helpers/text-arbitraries.ts';
import { contentHash } from './content-hash.ts';
import { TextArena } from './text-arena.ts';

describe('TextArena', () => {
  it('keeps any two texts as their UTF-8 and gives their content hash, across chunks', () => {
    const arena = new TextArena();
    fc.assert(fc.property(fc.array(fc.tuple(anyText, anyText), { minLength: 1, maxLength: 20 }), (pairs) => {
      const kept = pairs.map(([document, raw]) => ({ document, raw, put: arena.put(document, raw)! }));
      // Read back after the whole batch was written: a later put never overwrote an earlier one.
      for (const { document, raw, put } of kept) {
        expect(put.hash).toBe(contentHash(document, raw));
        const bytes = TextArena.bytesOf(put.texts);
        expect(bytes.document.equals(Buffer.from(document, 'utf8'))).toBe(true);
        expect(bytes.raw.equals(Buffer.from(raw, 'utf8'))).toBe(true);
      }
      arena.release();
    }), { numRuns: 300 });
  });

  it('refuses to read texts of a released batch, and reuses its chunks for the next one', () => {
    const arena = new TextArena();
    const text = 'é'.repeat(100_000);
    const first = Array.from({ length: 12 }, (_, i) => arena.put(`{"n":${i}}`, text)!);
    const allocated = arena.allocatedBytes;
    expect(allocated).toBeGreaterThan(2 * 1024 * 1024);
    arena.release();
    expect(() => TextArena.bytesOf(first[0]!.texts)).toThrow(/read after the sync released their batch/);
    const second = Array.from({ length: 12 }, (_, i) => arena.put(`{"m":${i}}`, text)!);
    expect(arena.allocatedBytes).toBe(allocated);
    expect(TextArena.bytesOf(second[11]!.texts).document.toString()).toBe('{"m":11}');
  });

  it('leaves texts larger than a chunk to the caller (kept as strings)', () => {
    const arena = new TextArena();
    expect(arena.put('{}', 'x'.repeat(400_000))).toBeUndefined();
    expect(arena.allocatedBytes).toBe(0);
  });
});
