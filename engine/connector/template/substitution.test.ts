import { describe, expect, it } from 'vitest';
import { OrderwireError } from '../../errors.ts';
import { CompileError } from '../platform/compile-error.ts';
import { compileTemplate, isTruthy } from './substitution.ts';

const roots = new Set(['request', 'order', 'selected_lines']);
const ctx = {
  request: { data: { tracking_number: 'TN1', carrier: { code: 'UPS', name: 'UPS', registered: true }, refund: false, qty: 3 }, lines: null },
  order: { marketplace_order_id: 'A/1 b', total: 12.5 },
  selected_lines: [
    { id: 'L1', unit_price: 0.1, quantity: 3 },
    { id: 'L2', unit_price: 10, quantity: 1 },
  ],
};

describe('substitution templates', () => {
  it('a whole reference keeps its type; text references are substituted', () => {
    expect(compileTemplate('${request.data.qty}', { roots })(ctx)).toBe(3);
    expect(compileTemplate('${request.data.carrier}', { roots })(ctx)).toEqual(ctx.request.data.carrier);
    expect(compileTemplate('TN=${request.data.tracking_number}/${request.data.qty}', { roots })(ctx)).toBe('TN=TN1/3');
    expect(compileTemplate('plain', { roots })(ctx)).toBe('plain');
    expect(compileTemplate(true, { roots })(ctx)).toBe(true);
  });

  it('encodes path values', () => {
    expect(compileTemplate('/api/orders/${order.marketplace_order_id}/ship', { roots, encode: encodeURIComponent })(ctx)).toBe('/api/orders/A%2F1%20b/ship');
  });

  it('leaves out keys whose value is absent, and fails loudly on an absent value inside text', () => {
    expect(compileTemplate({ a: '${request.data.missing}', b: 1 }, { roots })(ctx)).toEqual({ b: 1 });
    const render = compileTemplate('x-${request.data.missing}', { roots });
    expect(() => render(ctx)).toThrow(OrderwireError);
    try {
      render(ctx);
    } catch (err) {
      expect((err as OrderwireError).code).toBe('CONNECTOR_TEMPLATE_VALUE_MISSING');
    }
  });

  it('$each maps a list, $concat joins lists, $mul multiplies', () => {
    const t = {
      lines: {
        $concat: [
          { $each: '${selected_lines}', as: 'line', $map: { id: '${line.id}', amount: { $mul: ['${line.unit_price}', '${line.quantity}'] } } },
          [{ id: 'extra' }],
        ],
      },
    };
    expect(compileTemplate(t, { roots })(ctx)).toEqual({ lines: [{ id: 'L1', amount: 0.3 }, { id: 'L2', amount: 10 }, { id: 'extra' }] });
  });

  it('$round rounds a number to the cent (a tax scaled to part of a line); anything else is a missing value', () => {
    expect(compileTemplate({ $round: { $mul: [1.99, 1 / 3] } }, { roots })(ctx)).toBe(0.66);
    expect(compileTemplate({ $round: 2.675 }, { roots })(ctx)).toBe(2.68);
    expect(() => compileTemplate({ $round: '${request.data.tracking_number}' }, { roots })(ctx)).toThrow(expect.objectContaining({ code: 'CONNECTOR_TEMPLATE_VALUE_MISSING' }));
  });

  it('$if picks a branch; a missing branch leaves the key out', () => {
    const t = { code: { $if: '${request.data.carrier.registered}', then: '${request.data.carrier.code}' }, name: { $if: '${request.data.carrier.registered}', else: 'free' }, ship: { $if: '${request.data.refund}', then: 5, else: 0 } };
    expect(compileTemplate(t, { roots })(ctx)).toEqual({ code: 'UPS', ship: 0 });
  });

  it('$in says whether a value is one of a list, compared as texts; an absent value is in none', () => {
    expect(compileTemplate({ $in: ['${request.data.carrier.code}', ['DHL', 'UPS']] }, { roots })(ctx)).toBe(true);
    expect(compileTemplate({ $in: ['${request.data.carrier.code}', ['DHL']] }, { roots })(ctx)).toBe(false);
    expect(compileTemplate({ $in: ['${request.data.qty}', ['3']] }, { roots })(ctx)).toBe(true);
    expect(compileTemplate({ $in: ['${request.data.nothing}', ['']] }, { roots })(ctx)).toBe(false);
    expect(() => compileTemplate({ $in: ['${request.data.qty}', 3] }, { roots }, ['when'])).toThrow(CompileError);
    expect(() => compileTemplate({ $in: ['${credentials.key}', ['x']] }, { roots }, ['when'])).toThrow(/not in scope/);
  });

  it('$first takes the first present value', () => {
    expect(compileTemplate({ $first: ['${request.data.reason.code}', '${request.data.tracking_number}'] }, { roots })(ctx)).toBe('TN1');
  });

  it('checks references against the names in scope, with the pointer', () => {
    try {
      compileTemplate({ body: { x: '${credentials.api_key}' } }, { roots }, ['actions', 'ship', 0]);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CompileError);
      expect((err as CompileError).pointer).toEqual(['actions', 'ship', 0, 'body', 'x']);
      expect((err as Error).message).toMatch(/"credentials", which is not in scope/);
    }
    // The $each variable is in scope in $map only.
    expect(() => compileTemplate({ a: { $each: '${selected_lines}', as: 'line', $map: '${line.id}' }, b: '${line.id}' }, { roots })).toThrow(/"line"/);
  });

  it('rejects unknown operators and malformed $each', () => {
    expect(() => compileTemplate({ $eachh: [] }, { roots })).toThrow(/unknown operator "\$eachh"/);
    expect(() => compileTemplate({ $each: '${selected_lines}', $map: 1 }, { roots })).toThrow(/as: <name>/);
    expect(() => compileTemplate({ $each: '${selected_lines}', as: 'l', $map: 1, extra: 2 }, { roots })).toThrow(/"extra" cannot sit beside \$each/);
  });

  it('truthiness: absent, false, 0, "" and [] are false', () => {
    for (const v of [undefined, null, false, 0, '', []]) expect(isTruthy(v)).toBe(false);
    for (const v of [true, 1, 'x', [1], { alpha3: 'PRT' }]) expect(isTruthy(v)).toBe(true);
  });
});
