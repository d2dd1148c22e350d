import { describe, expect, it } from 'vitest';
import { newId } from './ids.ts';

describe('newId', () => {
  it('makes RFC 9562 version 7 UUIDs that increase, even within one millisecond', () => {
    const ids = Array.from({ length: 5000 }, () => newId(1_700_000_000_000));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    const later = newId(1_800_000_000_000);
    expect(later > ids.at(-1)!, `${later} > ${ids.at(-1)}`).toBe(true);
    expect(newId(1_800_000_000_000).startsWith((1_800_000_000_000).toString(16).padStart(12, '0').slice(0, 8))).toBe(true);
  });

  it('draws fresh random bits for every id, across refills of the random pool', () => {
    // 3,000 ids span several refills of the pool (512 ids each): a pool reused without a refill
    // would repeat its random tails.
    const ids = Array.from({ length: 3000 }, (_, i) => newId(1_900_000_000_000 + i * 1000));
    const tails = ids.map((id) => id.slice(19));
    expect(new Set(tails).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // Every hex digit of the random tail takes many values (no byte stuck at 0).
    for (let pos = 1; pos < 17; pos++) if (pos !== 4) expect(new Set(tails.map((t) => t[pos])).size, `digit ${pos}`).toBeGreaterThan(8);
  });
});
