import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.ts';

function shuffleKeys(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((v) => shuffleKeys(v, seed));
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  const entries = Object.entries(value);
  entries.sort((a, b) => ((a[0].length * 31 + seed) % 7) - ((b[0].length * 31 + seed) % 7) || (seed % 2 ? 1 : -1) * a[0].localeCompare(b[0]));
  return Object.fromEntries(entries.map(([k, v]) => [k, shuffleKeys(v, seed + 1)]));
}

/** The canonical text by its definition, independent of the implementation's shortcuts. */
function reference(value: unknown): string | undefined {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') return reference((value as { toJSON(): unknown }).toJSON());
  if (Array.isArray(value)) return `[${value.map((v) => reference(v) ?? 'null').join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members: string[] = [];
    for (const key of Object.keys(value).sort()) {
      const text = reference((value as Record<string, unknown>)[key]);
      if (text !== undefined) members.push(`${JSON.stringify(key)}:${text}`);
    }
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The same value with every object's keys inserted in sorted order (integer-like keys still come first). */
function sortedDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedDeep);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) Object.defineProperty(out, key, { value: sortedDeep((value as Record<string, unknown>)[key]), enumerable: true, writable: true, configurable: true });
  return out;
}

/** JSON-like values with what trips a shortcut: integer-like and non-ASCII keys, undefined members, Dates, -0. */
const tricky = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom(undefined, -0, Number.NaN, new Date(Date.UTC(2025, 2, 10, 12)), '\ud800', 'é"\n'),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'B', '_', '1', '2', '10', '9', '01', 'é', 'z\u0000', '\u{1F600}', 'aa', 'toJSON_'), tie('value'), { maxKeys: 6 }),
  ),
})).value;

describe('canonicalJson', () => {
  it('is exactly the canonical text of its definition, for keys in any order and for keys already sorted (the fast path)', () => {
    fc.assert(fc.property(tricky, fc.nat(), (value, seed) => {
      const expected = reference(value) ?? 'null';
      expect(canonicalJson(value)).toBe(expected);
      expect(canonicalJson(sortedDeep(value))).toBe(expected);
      expect(canonicalJson(shuffleKeys(value, seed))).toBe(expected);
    }), { numRuns: 2000 });
  });

  it('takes the shortcut only where it writes the same text: integer-like keys, toJSON, classes and boxed values go the long way', () => {
    expect(canonicalJson({ 10: 'a', 9: 'b' })).toBe('{"10":"a","9":"b"}');
    expect(canonicalJson({ a: new Date(0), b: 1 })).toBe('{"a":"1970-01-01T00:00:00.000Z","b":1}');
    expect(canonicalJson({ a: { toJSON: () => ({ d: 1, c: 2 }) } })).toBe('{"a":{"c":2,"d":1}}');
    expect(canonicalJson(new Map([['a', 1]]))).toBe('{}');
    expect(canonicalJson({ a: Object.assign(Object.create(null) as object, { b: 1, a: 2 }) })).toBe('{"a":{"a":2,"b":1}}');
    class Point { y = 1; x = 2; }
    expect(canonicalJson(new Point())).toBe('{"x":2,"y":1}');
  });

  it('is the same text whatever the key order, and parses back to the same value as JSON.stringify', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.nat(), (value, seed) => {
      const text = canonicalJson(value);
      expect(canonicalJson(shuffleKeys(value, seed))).toBe(text);
      expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value) ?? 'null'));
    }));
  });

  it('sorts keys, drops undefined members like JSON.stringify, and distinguishes different content', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { f: 1, e: 2 }], c: undefined } })).toBe('{"a":{"d":[3,{"e":2,"f":1}]},"b":1}');
    expect(canonicalJson([undefined, 1])).toBe('[null,1]');
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: '1' }));
    expect(canonicalJson(undefined)).toBe('null');
  });
});
