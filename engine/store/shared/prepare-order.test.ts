import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NormalizedOrder } from '../../order/model.ts';
import { prepareOrder } from './prepare-order.ts';
import { instantText, parseInstant } from './time.ts';

const fixture = (name: string): NormalizedOrder => JSON.parse(readFileSync(new URL(`../../../test/fixtures/orders/${name}.json`, import.meta.url), 'utf8')) as NormalizedOrder;

/** Every object's keys in reverse order (raw left as it is: it is stored as received). */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).reverse().map((k) => [k, k === 'raw' ? (value as Record<string, unknown>)[k] : reversedKeys((value as Record<string, unknown>)[k])]));
}

describe('prepareOrder: the content hash stored orders are compared on', () => {
  // Digests written by the store before the canonical-JSON shortcut and the one-shot hash
  // (main 5387813): an upgrade that changed them would make every order listed again an
  // `order.updated`.
  it.each([
    ['worten-two-lines-waiting-acceptance', 'io6jW6oDnvcmAzOJWoYuAWTT9o3-Wqi4V8pFlWvm1Mk'],
    ['cdiscount-fulfilled-shipped', 'Z1D88jbj2roLE1rnTKPG7vGdjtAXy5b5RJs80xsj36g'],
  ])('is the digest earlier versions stored for %s', (name, digest) => {
    expect(prepareOrder(fixture(name), 'order').hash).toBe(digest);
  });

  it('does not depend on the order of the keys the normalizer emits, at any depth', () => {
    for (const name of ['worten-two-lines-waiting-acceptance', 'cdiscount-fulfilled-shipped']) {
      const order = fixture(name);
      const prepared = prepareOrder(order, 'order');
      const reordered = prepareOrder(reversedKeys(order) as NormalizedOrder, 'order');
      expect(reordered.document).toBe(prepared.document);
      expect(reordered.hash).toBe(prepared.hash);
      expect(JSON.parse(prepared.document)).toEqual(JSON.parse(JSON.stringify({ ...order, raw: undefined })));
    }
  });

  it('keeps an own "__proto__" member as a member of the document, as the spread copy before did', () => {
    const order = JSON.parse(readFileSync(new URL('../../../test/fixtures/orders/cdiscount-fulfilled-shipped.json', import.meta.url), 'utf8').replace(/^\{/, '{"__proto__": {"x": 1},')) as NormalizedOrder;
    expect(Object.hasOwn(order, '__proto__')).toBe(true);
    const document = JSON.parse(prepareOrder(order, 'order').document) as object;
    expect(Object.getOwnPropertyDescriptor(document, '__proto__')?.value).toEqual({ x: 1 });
  });

  it('changes with the content: the document and the raw record are both hashed', () => {
    const order = fixture('worten-two-lines-waiting-acceptance');
    const base = prepareOrder(order, 'order').hash;
    expect(prepareOrder({ ...order, currency: 'USD' }, 'order').hash).not.toBe(base);
    expect(prepareOrder({ ...order, raw: { changed: true } }, 'order').hash).not.toBe(base);
  });
});

describe('instantText: the stored text of an instant', () => {
  const printed = (text: string) => new Date(parseInstant(text)!).toISOString();

  it('is the text itself only when that is what printing the instant gives', () => {
    for (const text of ['2025-03-10T12:00:00.000Z', '2024-02-29T23:59:59.999Z', '0001-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z', '2025-03-10T24:00:00.000Z',
      '2025-03-10T12:00:00.000z', '2025-03-10T12:00:00Z', '2025-03-10T12:00:00.5Z', '2025-03-10T13:00:00.000+01:00', '2025-03-10T12:00:00.0000Z']) {
      if (parseInstant(text) !== undefined) expect(instantText(text, parseInstant(text)!), text).toBe(printed(text));
    }
    fc.assert(fc.property(fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }), fc.integer({ min: -14, max: 14 }), (date, hours) => {
      const canonical = date.toISOString();
      expect(instantText(canonical, date.getTime())).toBe(canonical);
      // The same instant written with an offset is printed in UTC.
      const shifted = new Date(date.getTime() + hours * 3_600_000).toISOString().replace('Z', `${hours < 0 ? '-' : '+'}${String(Math.abs(hours)).padStart(2, '0')}:00`);
      if (parseInstant(shifted) !== undefined) expect(instantText(shifted, parseInstant(shifted)!)).toBe(printed(shifted));
    }), { numRuns: 2000 });
  });
});
