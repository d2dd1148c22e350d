/**
 * The `date-time` format's fast path against ajv-formats' own check: the same answer for canonical
 * instants, for canonical-looking texts with any character changed (impossible days, hours past 23,
 * other separators, non-ASCII digits), for other ISO forms and for any text.
 */
import fc from 'fast-check';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { describe, expect, it } from 'vitest';
import { dateTimeFormat, isCanonicalInstant } from './date-time-format.ts';
import { schemaProblems } from './schema-findings.ts';

const reference = (fullFormats['date-time'] as { validate: (text: string) => boolean }).validate;
const fast = dateTimeFormat.validate as (text: string) => boolean;

const canonical = fc.date({ min: new Date('0000-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }).map((d) => d.toISOString());
/** A canonical instant with one character replaced by one a date could be mistaken for. */
const damaged = fc.tuple(canonical, fc.nat({ max: 23 }), fc.constantFrom(...'0123456789-:.TZtz +\u0660\uff10x'.split(''))).map(([text, at, c]) => text.slice(0, at) + c + text.slice(at + 1));
/** Canonical digits in every field, in or out of range (month 13, day 31 in April, 24:00, second 60...). */
const outOfRange = fc.tuple(fc.nat({ max: 9999 }), fc.nat({ max: 99 }), fc.nat({ max: 99 }), fc.nat({ max: 99 }), fc.nat({ max: 99 }), fc.nat({ max: 99 }), fc.nat({ max: 999 }))
  .map(([y, mo, d, h, mi, s, ms]) => `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}.${pad(ms, 3)}Z`);
const otherForms = fc.tuple(canonical, fc.constantFrom('', '+02:00', '-0530', 'z', '.5Z', '.123456Z')).map(([text, end]) => text.slice(0, 19) + end);

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

describe('the date-time format', () => {
  it('answers as ajv-formats does, for any text', () => {
    fc.assert(fc.property(fc.oneof(canonical, damaged, outOfRange, otherForms, fc.string({ maxLength: 30 })), (text) => {
      expect(fast(text)).toBe(reference(text));
    }), { numRuns: 20_000 });
  });

  it('takes the fast path only for canonical instants of real days', () => {
    expect(isCanonicalInstant('2024-02-29T23:59:59.999Z')).toBe(true);
    expect(isCanonicalInstant('2023-02-29T00:00:00.000Z')).toBe(false);
    expect(isCanonicalInstant('1900-02-29T00:00:00.000Z')).toBe(false);
    expect(isCanonicalInstant('2000-02-29T00:00:00.000Z')).toBe(true);
    expect(isCanonicalInstant('2025-04-31T00:00:00.000Z')).toBe(false);
    expect(isCanonicalInstant('2025-03-05T24:00:00.000Z')).toBe(false);
    expect(isCanonicalInstant('2025-03-05T12:00:00+01:00')).toBe(false);
    expect(isCanonicalInstant('2025-03-05T12:00:\u0660\u0660.000Z')).toBe(false);
  });

  it('still finds an impossible day in a normalized order', () => {
    const order = { created_at: '2023-02-29T10:00:00.000Z' };
    const problems = schemaProblems(order, 'order').filter((p) => p.pointer === '/created_at');
    expect(problems.map((p) => p.keyword)).toEqual(['format']);
    expect(schemaProblems({ created_at: '2024-02-29T10:00:00.000Z' }, 'order').filter((p) => p.pointer === '/created_at')).toEqual([]);
  });
});
