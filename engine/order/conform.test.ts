/**
 * The schema check between mapping and store: a required field in a form the normalized order
 * does not allow is a problem (the order is quarantined); an optional one is left out.
 */
import { describe, expect, it } from 'vitest';
import { loadChannel } from '../channel/load.ts';
import { conformOrder } from './conform.ts';
import type { NormalizedOrder } from './model.ts';
import { syntheticOrder } from './synthetic.ts';

const order = async (change: (o: NormalizedOrder) => void = () => undefined): Promise<NormalizedOrder> => {
  const o = syntheticOrder(await loadChannel('worten'), 'SHIPPING', { lines: [{ id: '1' }, { id: '2' }] });
  o.raw = { order_id: 'CHECK-1', shipping_tracking_url: 'string' };
  change(o);
  return o;
};

describe('conformOrder', () => {
  it('a valid order comes back as it is, nothing dropped', async () => {
    const o = await order((x) => (x.tracking = { number: '1Z', url: 'https://track.example/1Z' }));
    expect(conformOrder(o)).toEqual({ order: o, dropped: [] });
  });

  it('a currency that is no ISO 4217 code and a negative quantity are problems, each with its field', async () => {
    const result = conformOrder(await order((x) => {
      x.currency = 'et';
      x.lines[1]!.quantity = -3;
    }));
    expect('problems' in result).toBe(true);
    const problems = 'problems' in result ? result.problems : [];
    expect(problems.map((p) => p.pointer)).toEqual(['/currency', '/lines/1/quantity']);
    expect(problems[0]!.message).toMatch(/^`currency` "et" is not in the required form/);
  });

  it('an optional value in the wrong form is left out (the raw record keeps it); the order is kept', async () => {
    const o = await order((x) => (x.tracking = { number: '1Z', url: 'string' }));
    const result = conformOrder(o);
    expect(result).toEqual({ order: { ...o, tracking: { number: '1Z' } }, dropped: ['/tracking/url'] });
    expect(o.tracking?.url).toBe('string');
    expect('order' in result && result.order.raw).toBe(o.raw);
  });

  it('an optional value in the wrong form beside a required one: the order is not kept', async () => {
    const result = conformOrder(await order((x) => {
      x.tracking = { url: 'string' };
      x.currency = '€';
    }));
    expect('problems' in result && result.problems.map((p) => p.pointer).sort()).toEqual(['/currency', '/tracking/url']);
  });
});
