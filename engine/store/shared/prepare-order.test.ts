import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { NormalizedOrder } from '../../order/model.ts';
import { prepareOrder } from './prepare-order.ts';

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

  it('changes with the content: the document and the raw record are both hashed', () => {
    const order = fixture('worten-two-lines-waiting-acceptance');
    const base = prepareOrder(order, 'order').hash;
    expect(prepareOrder({ ...order, currency: 'USD' }, 'order').hash).not.toBe(base);
    expect(prepareOrder({ ...order, raw: { changed: true } }, 'order').hash).not.toBe(base);
  });
});
