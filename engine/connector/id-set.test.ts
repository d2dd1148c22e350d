/**
 * The listing's id set against a plain Set: the same answers for any sequence of ids, including
 * ids that differ only after their hash (forced collisions), wide characters, lone surrogates,
 * empty and long ids, and across the table's and the character buffer's growth.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdSet } from './id-set.ts';

/** Ids as marketplaces make them, and the odd ones: any UTF-16 (lone surrogates too), long, empty. */
const anyId = fc.oneof(
  fc.string({ maxLength: 24 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 8 }),
  fc.integer({ min: 0, max: 5_000 }).map((n) => `${String(n).padStart(9, '0')}-A`),
  fc.integer({ min: 120, max: 400 }).map((n) => 'x'.repeat(n)),
);

/** Adds and lookups interleaved, each answered by both sets. */
function sameAsSet(ids: string[], probes: string[], set: IdSet): void {
  const reference = new Set<string>();
  ids.forEach((id, i) => {
    expect(set.add(id)).toBe(!reference.has(id));
    reference.add(id);
    const probe = probes[i % Math.max(1, probes.length)];
    if (probe !== undefined) expect(set.has(probe)).toBe(reference.has(probe));
  });
  expect(set.size).toBe(reference.size);
  for (const id of reference) expect(set.has(id)).toBe(true);
}

describe('IdSet', () => {
  it('answers as a Set does, for any ids', () => {
    fc.assert(
      fc.property(fc.array(anyId, { maxLength: 1500 }), fc.array(anyId, { maxLength: 50 }), (ids, probes) => {
        // Repeats from the start of the list, as a listing re-reading a page sees them.
        sameAsSet([...ids, ...ids.slice(0, ids.length / 3)], probes, new IdSet());
      }),
      { numRuns: 150 },
    );
  });

  it('never confuses two ids whose hashes collide', () => {
    fc.assert(
      fc.property(fc.array(anyId, { maxLength: 200 }), fc.array(anyId, { maxLength: 50 }), fc.integer({ min: 1, max: 4 }), (ids, probes, buckets) => {
        // Every id hashes to one of a few values: each lookup walks entries of other ids.
        sameAsSet([...ids, ...ids], probes, new IdSet({ hash: (id) => id.length % buckets }));
      }),
      { numRuns: 200 },
    );
  });

  it('tells apart ids that differ only in a character above 0xFF, or in how wide they are', () => {
    const set = new IdSet({ hash: () => 7 });
    const ids = ['A\u0100', 'A\u0000', 'A\u00ff', 'A\u0080', 'A\u009f', '\u0100A', 'A', 'A\u0100\u0000', '\ud800', '\udc00', ''];
    for (const id of ids) expect(set.add(id)).toBe(true);
    for (const id of ids) expect(set.add(id)).toBe(false);
    expect(set.has('A\u0101')).toBe(false);
    expect(set.has('\u0000')).toBe(false);
    expect(set.size).toBe(ids.length);
  });

  it('finds every id again after the table grew, whatever its characters', () => {
    // Bytes 0x80-0x9F and two-byte ids, stored, then rehashed from storage by two doublings.
    const ids = Array.from({ length: 3_000 }, (_, i) => (i % 3 === 0 ? `\u0080\u009f${i}` : i % 3 === 1 ? `\u20ac${i}\u00ff` : `${i}`));
    const set = new IdSet();
    for (const id of ids) set.add(id);
    expect(ids.filter((id) => set.has(id))).toHaveLength(ids.length);
    expect(ids.filter((id) => set.add(id))).toEqual([]);
    expect(set.has('\u20ac')).toBe(false);
  });

  it('keeps ids of any length, the longest beside the chunks, the rest across chunk boundaries', () => {
    const set = new IdSet();
    const huge = 'y'.repeat(70_000);
    const ids = [huge, `${huge}z`, 'x'.repeat(65_536), '\u20ac'.repeat(65_536), 'x'.repeat(65_535)];
    // Enough 40 KiB ids to fill several 256 KiB chunks, each entry whole in one.
    for (let i = 0; i < 40; i++) ids.push(`${i}`.padEnd(40_000, i % 2 ? 'a' : '\u0101'));
    for (const id of ids) expect(set.add(id)).toBe(true);
    for (const id of ids) expect(set.add(id)).toBe(false);
    expect(set.has(`${huge}y`)).toBe(false);
    expect(set.has('x'.repeat(65_537))).toBe(false);
    expect(set.size).toBe(ids.length);
  });

  it('keeps every id through growth, in a few dozen bytes an id', () => {
    const set = new IdSet();
    const n = 300_000;
    let added = 0;
    let found = 0;
    for (let i = 0; i < n; i++) if (set.add(`${String(i * 7919).padStart(9, '0')}-A`)) added += 1;
    for (let i = 0; i < n; i++) if (set.has(`${String(i * 7919).padStart(9, '0')}-A`)) found += 1;
    expect([added, found]).toEqual([n, n]);
    expect(set.has(`${String(n * 7919).padStart(9, '0')}-A`)).toBe(false);
    expect(set.size).toBe(n);
    // 12 bytes of entry, 8 of table at under half full, and the buffers' doubling.
    expect(set.bytes / n).toBeLessThan(64);
  });
});
