/**
 * The SQLite feed page (engine/store/sqlite/api.ts listOrderFeed) relies on group_concat taking
 * rows in the subquery's order, which SQLite does not promise: a page that came back in another
 * order is put back in change order.
 */
import { describe, expect, it } from 'vitest';
import { inChangeOrder } from '../engine/store/sqlite/api.ts';

describe('inChangeOrder', () => {
  it('sorts NUL-separated items by their change_seq, keeping each item whole', () => {
    const items = Buffer.from(['{"n":3,"s":"ü"}', '{"n":1}', '{"n":2,"x":""}'].join('\0'));
    const sorted = inChangeOrder(items, [30, 10, 20]);
    expect(sorted.seqs).toEqual([10, 20, 30]);
    expect(sorted.items.toString('utf8').split('\0')).toEqual(['{"n":1}', '{"n":2,"x":""}', '{"n":3,"s":"ü"}']);
    expect(inChangeOrder(Buffer.from('{"n":1}'), [1]).items.toString()).toBe('{"n":1}');
  });
});
