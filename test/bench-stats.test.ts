/** The harness's statistics: the median it reports beside min and max, and the RSS slope. */
import { describe, expect, it } from 'vitest';
import { percentile, slope, summarize } from '../bench/lib/stats.ts';

describe('bench statistics', () => {
  it('takes the middle run for an odd count and the mean of the two middle runs for an even one', () => {
    expect(summarize([30, 10, 20])).toEqual({ median: 20, min: 10, max: 30 });
    expect(summarize([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4 });
  });

  it('uses the nearest rank for percentiles', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile([7], 99)).toBe(7);
  });

  it('measures growth per unit as a least-squares slope (flat memory gives ~0)', () => {
    expect(slope([[0, 100], [1000, 100], [2000, 100]])).toBe(0);
    expect(slope([[0, 0], [10, 25], [20, 50]])).toBeCloseTo(2.5, 10);
    expect(slope([[5, 1]])).toBeNaN();
  });
});
