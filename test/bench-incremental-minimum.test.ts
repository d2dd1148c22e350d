/**
 * The incremental benchmark's minimum number of calls is what the connector's own paginator
 * needs: walking the Mirakl platform's offset_total paginator over lists of every length, the
 * requests it makes are exactly chainedMinimumCalls (no fewer is possible for a listing that
 * proves its pages join up, so a calls/minimum above 1 is a page asked for nothing).
 */
import { describe, expect, it } from 'vitest';
import { chainedMinimumCalls } from '../bench/benchmarks/incremental.ts';
import { offsetTotal } from '../engine/connector/paginate/offset-total.ts';

describe('the incremental benchmark minimum', () => {
  it('is the number of requests the offset_total paginator makes, for 0 to 1,000 orders and around 1,886', () => {
    const page = 100;
    const paginator = offsetTotal({ type: 'offset_total', offset_param: 'offset', limit_param: 'max', page_size: page, total: 'total_count' });
    for (const orders of [...Array.from({ length: 1001 }, (_, i) => i), 1885, 1886, 1887, 1980, 1981]) {
      let calls = 0;
      for (let q = paginator.first() as Record<string, string> | undefined; q; ) {
        calls++;
        const records = Math.max(0, Math.min(page, orders - Number(q.offset)));
        q = paginator.next(q, { total_count: orders }, records, []) as Record<string, string> | undefined;
      }
      expect(chainedMinimumCalls(orders, page), `${orders} orders`).toBe(Math.max(1, calls));
    }
    expect(chainedMinimumCalls(1886, page)).toBe(20);
  });
});
