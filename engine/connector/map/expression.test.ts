import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CompileError } from '../platform/compile-error.ts';
import { compileExpression } from './expression.ts';
import { compilePath } from './path.ts';
import { TRANSFORMS } from './transforms.ts';

const record = {
  id: 'A-1',
  empty: '',
  nothing: null,
  customer: { firstname: 'Ana', lastname: ' Silva ', country_iso_code: 'PRT' },
  lines: [
    { qty: 2, taxes: [{ amount: 0.1 }, { amount: '0.2' }] },
    { qty: 1, taxes: [{ amount: 1 }] },
  ],
  date: '2026-11-22T11:15:00+01:00',
};

describe('paths', () => {
  it('reads nested keys and list indexes, and absent for anything missing', () => {
    expect(compilePath('customer.firstname')(record)).toBe('Ana');
    expect(compilePath('lines.1.qty')(record)).toBe(1);
    expect(compilePath('lines.5.qty')(record)).toBeUndefined();
    expect(compilePath('id.length.x')(record)).toBeUndefined();
    expect(compilePath('.')(record)).toBe(record);
  });

  it('rejects what is not a dotted path', () => {
    expect(() => compilePath('customer..x')).toThrow(/not a dotted path/);
    expect(() => compilePath('a b')).toThrow(/bad segment/);
  });
});

describe('expressions', () => {
  it('a path; null becomes absent', () => {
    expect(compileExpression('id')(record)).toBe('A-1');
    expect(compileExpression('nothing')(record)).toBeUndefined();
  });

  it('transforms in order, and a default when absent', () => {
    expect(compileExpression({ path: 'date', transform: 'datetime' })(record)).toBe('2026-11-22T10:15:00.000Z');
    expect(compileExpression({ path: 'customer.lastname', transform: ['trim', 'upper'] })(record)).toBe('SILVA');
    expect(compileExpression({ path: 'missing', transform: 'number', default: 0 })(record)).toBe(0);
    expect(compileExpression({ path: 'empty', default: 'x' })(record)).toBe('x');
  });

  it('const, first present, join', () => {
    expect(compileExpression({ const: 'EUR' })(record)).toBe('EUR');
    expect(compileExpression({ first: ['empty', 'nothing', 'customer.firstname'] })(record)).toBe('Ana');
    expect(compileExpression({ first: ['empty', 'missing'] })(record)).toBeUndefined();
    expect(compileExpression({ join: ['customer.firstname', 'missing', 'customer.lastname'] })(record)).toBe('Ana Silva');
    expect(compileExpression({ join: ['missing'], separator: '-' })(record)).toBeUndefined();
  });

  it('sums over lists (nested), numeric text accepted, absent list is 0, garbage is absent', () => {
    expect(compileExpression({ sum: 'lines', of: { sum: 'taxes', of: 'amount' } })(record)).toBe(1.3);
    expect(compileExpression({ sum: 'lines', of: 'qty' })(record)).toBe(3);
    expect(compileExpression({ sum: 'missing', of: 'qty' })(record)).toBe(0);
    expect(compileExpression({ sum: 'lines', of: 'customer' })({ lines: [{ customer: 'x' }] })).toBeUndefined();
  });

  it('adds values, absent ones count 0', () => {
    expect(compileExpression({ add: ['lines.0.qty', 'lines.1.qty', 'missing'] })(record)).toBe(3);
    expect(compileExpression({ add: ['lines.0.qty', 'customer.firstname'] })(record)).toBeUndefined();
  });

  it('reports unknown transforms and forms at their pointer', () => {
    const bad = (): unknown => compileExpression({ path: 'a', transform: ['trim', 'nope'] }, ['mapping', 'currency']);
    expect(bad).toThrow(CompileError);
    try {
      bad();
    } catch (err) {
      expect((err as CompileError).pointer).toEqual(['mapping', 'currency', 'transform', 1]);
      expect((err as Error).message).toMatch(/unknown transform "nope"/);
    }
    expect(() => compileExpression({ nope: 1 } as never)).toThrow(/unknown expression/);
  });
});

describe('transforms', () => {
  it('datetime: a text already canonical comes back as the general conversion would give it, impossible dates absent', () => {
    const dt = TRANSFORMS.datetime!;
    const general = (text: string) => {
      const ms = Date.parse(text);
      return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
    };
    const edges = ['2024-02-29T23:59:59.999Z', '2025-02-29T00:00:00.000Z', '2025-02-30T00:00:00.000Z', '2025-04-31T12:00:00.000Z', '2025-13-01T00:00:00.000Z',
      '2025-00-10T00:00:00.000Z', '2025-03-00T00:00:00.000Z', '2025-03-10T24:00:00.000Z', '2025-03-10T23:60:00.000Z', '2025-03-10T23:59:60.000Z', '0000-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z'];
    for (const text of edges) expect(dt(text), text).toBe(general(text));
    fc.assert(fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 14 }), fc.integer({ min: 0, max: 33 }), fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 }), fc.integer({ min: 0, max: 61 }), fc.integer({ min: 0, max: 999 }), (y, mo, d, h, mi, s, ms) => {
      const pad = (n: number, w = 2) => String(n).padStart(w, '0');
      const text = `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}.${pad(ms, 3)}Z`;
      expect(dt(text)).toBe(general(text));
    }), { numRuns: 5000 });
  });

  it('datetime: any zone to UTC ISO with Z; zone-less read as UTC; garbage absent', () => {
    const dt = TRANSFORMS.datetime!;
    expect(dt('2019-04-02T14:18:43Z')).toBe('2019-04-02T14:18:43.000Z');
    expect(dt('2019-04-02T16:18:43+02:00')).toBe('2019-04-02T14:18:43.000Z');
    expect(dt('2019-04-02T14:18:43')).toBe('2019-04-02T14:18:43.000Z');
    expect(dt('yesterday')).toBeUndefined();
    expect(dt({})).toBeUndefined();
  });

  it('cents: an integer of hundredths to the unit (Kaufland); anything else absent', () => {
    const c = TRANSFORMS.cents!;
    expect(c(5900)).toBe(59);
    expect(c(1999)).toBe(19.99);
    expect(c('490')).toBe(4.9);
    expect(c(0)).toBe(0);
    expect(c(19.99)).toBeUndefined();
    expect(c('abc')).toBeUndefined();
    expect(c(null)).toBeUndefined();
    // Summed to the cent: no binary noise.
    expect(compileExpression({ sum: 'units', of: { path: 'price', transform: 'cents' } }, [])({ units: [{ price: 10 }, { price: 20 }] })).toBe(0.3);
  });

  it('country_alpha2: alpha-3 to alpha-2, alpha-2 kept, unknown absent', () => {
    const c = TRANSFORMS.country_alpha2!;
    expect(c('PRT')).toBe('PT');
    expect(c('usa')).toBe('US');
    expect(c('FR')).toBe('FR');
    expect(c('XYZ')).toBeUndefined();
    expect(c('ZZ')).toBeUndefined();
  });

  it('country_alpha2: an unambiguous country name in a buyer language; ambiguous or unknown names absent and kept by country_unresolved', () => {
    const c = TRANSFORMS.country_alpha2!;
    const u = TRANSFORMS.country_unresolved!;
    for (const [name, code] of [['Portugal', 'PT'], [' portugal ', 'PT'], ['España', 'ES'], ['Espagne', 'ES'], ['Deutschland', 'DE'], ['Belgique', 'BE'], ['United States', 'US']] as const) {
      expect(c(name), name).toBe(code);
      expect(u(name), name).toBeUndefined();
    }
    for (const name of ['Congo', 'Korea', 'Portugall', 'Narnia']) {
      expect(c(name), name).toBeUndefined();
      expect(u(name), name).toBe(name);
    }
    expect(u('')).toBeUndefined();
    expect(u('PRT')).toBeUndefined();
  });

  it('number, string, boolean, locale', () => {
    expect(TRANSFORMS.number!('12.50')).toBe(12.5);
    expect(TRANSFORMS.number!('abc')).toBeUndefined();
    expect(TRANSFORMS.number!('')).toBeUndefined();
    expect(TRANSFORMS.string!(2130)).toBe('2130');
    expect(TRANSFORMS.boolean!('true')).toBe(true);
    expect(TRANSFORMS.locale!('en_US')).toBe('en-US');
  });
});

describe('max and cases (bol.com: the order status told from its items)', () => {
  const order = (items: { quantity: number | string; quantityShipped: number; quantityCancelled: number; changed?: string }[]) => ({ orderItems: items });
  const status = compileExpression({
    cases: [
      { when: { every: 'orderItems', equal: ['quantityCancelled', 'quantity'] }, then: { const: 'CANCELLED' } },
      { when: { every: 'orderItems', equal: [{ add: ['quantityShipped', 'quantityCancelled'] }, 'quantity'] }, then: { const: 'SHIPPED' } },
    ],
    else: { const: 'OPEN' },
  });

  it('takes the first case whose condition holds, else `else`', () => {
    expect(status(order([{ quantity: 2, quantityShipped: 0, quantityCancelled: 2 }]))).toBe('CANCELLED');
    expect(status(order([{ quantity: 2, quantityShipped: 1, quantityCancelled: 1 }, { quantity: 1, quantityShipped: 0, quantityCancelled: 1 }]))).toBe('SHIPPED');
    expect(status(order([{ quantity: 2, quantityShipped: 1, quantityCancelled: 0 }]))).toBe('OPEN');
    // Numbers compare as numbers, whether the marketplace sends them as numbers or as text.
    expect(status(order([{ quantity: '2', quantityShipped: 2, quantityCancelled: 0 }]))).toBe('SHIPPED');
    // `every` over no item holds for none: an order without items is neither cancelled nor shipped.
    expect(status(order([]))).toBe('OPEN');
    expect(status({})).toBe('OPEN');
  });

  it('`some` holds when one item does; without `else` no case gives absent', () => {
    const some = compileExpression({ cases: [{ when: { some: 'orderItems', equal: ['quantityCancelled', { const: 0 }] }, then: { const: 'yes' } }] });
    expect(some(order([{ quantity: 1, quantityShipped: 0, quantityCancelled: 1 }, { quantity: 1, quantityShipped: 0, quantityCancelled: 0 }]))).toBe('yes');
    expect(some(order([{ quantity: 1, quantityShipped: 0, quantityCancelled: 1 }]))).toBeUndefined();
    const onRecord = compileExpression({ cases: [{ when: { equal: ['kind', { const: 'B2B' }] }, then: 'company' }], else: 'name' });
    expect(onRecord({ kind: 'B2B', company: 'Acme', name: 'Ana' })).toBe('Acme');
    expect(onRecord({ kind: 'B2C', company: 'Acme', name: 'Ana' })).toBe('Ana');
  });

  it('max: the greatest value over a list (dates through the datetime transform), absent for none', () => {
    const latest = compileExpression({ max: 'orderItems', of: { path: 'changed', transform: 'datetime' } });
    expect(latest(order([
      { quantity: 1, quantityShipped: 0, quantityCancelled: 0, changed: '2026-12-05T10:00:00+01:00' },
      { quantity: 1, quantityShipped: 0, quantityCancelled: 0, changed: '2026-12-05T09:30:00Z' },
      { quantity: 1, quantityShipped: 0, quantityCancelled: 0 },
    ]))).toBe('2026-12-05T09:30:00.000Z');
    expect(latest(order([]))).toBeUndefined();
    expect(compileExpression({ max: 'n' })({ n: [3, 11, 7] })).toBe(11);
  });

  it('refuses `every` and `some` together, located', () => {
    expect(() => compileExpression({ cases: [{ when: { every: 'a', some: 'b', equal: ['x', 'y'] }, then: 'z' }] }, ['mapping', 'marketplace_status'])).toThrow(CompileError);
  });
});
