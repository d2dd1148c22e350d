/**
 * Texts for property tests of what writes strings as UTF-8 (the content hash, the text arena):
 * ASCII and any UTF-16 units, wide and astral characters, lone surrogates, and long runs that
 * pass a buffer's or a chunk's size.
 */
import fc from 'fast-check';

export const anyText = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 100 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 50 }),
  fc.tuple(fc.constantFrom('a', 'é', '€', '😀', '\ud800'), fc.integer({ min: 1, max: 40_000 })).map(([c, n]) => c.repeat(n)),
);
