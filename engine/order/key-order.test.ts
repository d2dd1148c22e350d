/** sortKeys against Array.prototype.sort(): the same order for any strings, wide characters, surrogates and duplicates included. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortKeys } from './key-order.ts';

describe('sortKeys', () => {
  it('sorts as the built-in sort does, in place', () => {
    const key = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 6 }), fc.constantFrom('a', 'A', 'é', '😀', '\ud800', '__proto__', ''));
    fc.assert(fc.property(fc.array(key, { maxLength: 40 }), (keys) => {
      const copy = [...keys];
      expect(sortKeys(copy)).toBe(copy);
      expect(copy).toEqual([...keys].sort());
    }), { numRuns: 5_000 });
  });
});
