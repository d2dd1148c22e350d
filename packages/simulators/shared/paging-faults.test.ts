import { describe, expect, it } from 'vitest';
import { pagePositions } from './paging-faults.ts';

function readAll(length: number, pageSize: number, spec: Parameters<typeof pagePositions>[3]): number[] {
  const seen: number[] = [];
  for (let page = 1; ; page++) {
    const positions = pagePositions(page, pageSize, length, spec);
    seen.push(...positions);
    if (positions.length < pageSize) return seen;
  }
}

describe('pagePositions', () => {
  it('pages without faults cover every position once, ending with a short page', () => {
    expect(readAll(23, 10, {})).toEqual(Array.from({ length: 23 }, (_, i) => i));
    expect(pagePositions(3, 10, 20, {})).toEqual([]);
  });

  it('duplicate-pages repeats the end of the previous page', () => {
    const p1 = pagePositions(1, 10, 50, { duplicatePages: true });
    const p2 = pagePositions(2, 10, 50, { duplicatePages: true });
    expect(p2.slice(0, 2)).toEqual(p1.slice(-2));
    expect(p2).toHaveLength(10);
  });

  it('shifting-pages makes an offset-paging reader miss one item per page boundary and repeat others', () => {
    const seen = readAll(35, 10, { shiftingPages: true });
    const distinct = new Set(seen);
    const missed = Array.from({ length: 35 }, (_, i) => i).filter((i) => !distinct.has(i));
    expect(missed.length).toBeGreaterThan(0);
    expect(seen.length).toBeGreaterThan(distinct.size);
  });
});
