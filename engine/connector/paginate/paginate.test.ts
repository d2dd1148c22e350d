import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createExtractor } from '../extract/index.ts';
import { PLATFORM_SCHEMA_FILE } from '../platform/load.ts';
import { createPaginator, type PaginationSpec } from './index.ts';

/** The pagination types a platform file may name (schemas/platform.schema.json). */
const SCHEMA_PAGINATION_TYPES = (JSON.parse(readFileSync(PLATFORM_SCHEMA_FILE, 'utf8')) as { $defs: { pagination: { properties: { type: { enum: string[] } } } } }).$defs.pagination.properties.type.enum;

/** Pages through `total` records served `size` at a time by `serve`, as the listing loop does. */
function walk(type: Parameters<typeof createPaginator>[0], serve: (query: Readonly<Record<string, string>>) => { body: unknown; records: number }): Array<Readonly<Record<string, string>>> {
  const paginator = createPaginator(type);
  const asked: Array<Readonly<Record<string, string>>> = [];
  let query: Readonly<Record<string, string>> | undefined = paginator.first();
  while (query && asked.length < 50) {
    asked.push(query);
    const { body, records } = serve(query);
    query = paginator.next(query, body, records);
  }
  return asked;
}

describe('paginators', () => {
  it('every pagination type a platform file may name reads a listing to its last record, each record once', () => {
    const TOTAL = 250;
    const slice = (from: number, size: number) => Array.from({ length: Math.max(0, Math.min(size, TOTAL - from)) }, (_, i) => from + i);
    // One marketplace per type, paging the same 250 records its way; a type the schema gains without one fails here.
    const examples: Record<string, { spec: PaginationSpec; serve: (q: Readonly<Record<string, string>>) => { body: unknown; items: number[] } }> = {
      offset_total: {
        spec: { type: 'offset_total', offset_param: 'offset', limit_param: 'max', page_size: 100, total: 'total_count' },
        serve: (q) => ({ body: { total_count: TOTAL }, items: slice(Number(q.offset), Number(q.max)) }),
      },
      page_index_short_page: {
        spec: { type: 'page_index_short_page', index_param: 'pageIndex', size_param: 'pageSize', page_size: 100 },
        serve: (q) => ({ body: {}, items: slice((Number(q.pageIndex) - 1) * Number(q.pageSize), Number(q.pageSize)) }),
      },
      cursor: {
        spec: { type: 'cursor', cursor_param: 'page_token', next: 'next_page_token', size_param: 'limit', page_size: 100 },
        serve: (q) => {
          const items = slice(Number(q.page_token ?? 0), Number(q.limit));
          const end = (items.at(-1) ?? TOTAL) + 1;
          return { body: end < TOTAL ? { next_page_token: String(end) } : {}, items };
        },
      },
    };
    for (const type of SCHEMA_PAGINATION_TYPES) {
      const example = examples[type];
      expect(example, `no example for pagination type ${type}`).toBeDefined();
      const read: number[] = [];
      walk(example!.spec, (q) => {
        const { body, items } = example!.serve(q);
        read.push(...items);
        return { body, records: items.length };
      });
      // offset_total asks each page from the last record of the one before (the listing checks that overlap).
      expect(type === 'offset_total' ? [...new Set(read)] : read, type).toEqual(slice(0, TOTAL));
    }
  });

  it('offset_total: each page starts at the last record of the one before; a short page reaching the total ends', () => {
    const spec = { type: 'offset_total', offset_param: 'offset', limit_param: 'max', page_size: 100, total: 'total_count' } as const;
    const asked = walk(spec, (q) => ({ body: { total_count: 250 }, records: Math.max(0, Math.min(100, 250 - Number(q.offset))) }));
    expect(asked).toEqual([{ offset: '0', max: '100' }, { offset: '99', max: '100' }, { offset: '198', max: '100' }]);
  });

  it('offset_total: an exact multiple ends on the short page of its overlap; an empty page ends; a short page below the total is a page-size cap', () => {
    const spec = { type: 'offset_total', offset_param: 'offset', limit_param: 'max', page_size: 100, total: 'total_count' } as const;
    expect(walk(spec, (q) => ({ body: { total_count: 200 }, records: Math.max(0, Math.min(100, 200 - Number(q.offset))) }))).toHaveLength(3);
    expect(walk(spec, () => ({ body: { total_count: 900 }, records: 0 }))).toHaveLength(1);
    // The marketplace caps pages at 50: keep going until the total.
    expect(walk(spec, (q) => ({ body: { total_count: 120 }, records: Math.max(0, Math.min(50, 120 - Number(q.offset))) })).map((q) => q.offset)).toEqual(['0', '49', '98']);
  });

  it('offset_total: reads a gap again from further back, a quarter page first then doubling, never before the start', () => {
    const p = createPaginator({ type: 'offset_total', offset_param: 'offset', limit_param: 'max', page_size: 100, total: 'total_count' });
    expect(p.back?.({ offset: '199', max: '100' }, 1)).toEqual({ offset: '174', max: '100' });
    expect(p.back?.({ offset: '174', max: '100' }, 2)).toEqual({ offset: '124', max: '100' });
    expect(p.back?.({ offset: '124', max: '100' }, 3)).toEqual({ offset: '24', max: '100' });
    expect(p.back?.({ offset: '24', max: '100' }, 4)).toEqual({ offset: '0', max: '100' });
    expect(p.back?.({ offset: '0', max: '100' }, 5)).toBeUndefined();
    expect(p.total?.({ total_count: 42 })).toBe(42);
    expect(p.total?.({})).toBeUndefined();
  });

  it('page_index_short_page with seek: restarts from the last sort value, steps by page when stuck on one value', () => {
    const p = createPaginator({ type: 'page_index_short_page', index_param: 'pageIndex', size_param: 'pageSize', page_size: 2, seek: { param: 'createdAtMin', field: 'createdAt' } });
    const first = p.first();
    expect(first).toEqual({ pageIndex: '1', pageSize: '2' });
    const page = [{ createdAt: '2026-01-01T00:00:00Z' }, { createdAt: '2026-01-02T00:00:00Z' }];
    const second = p.next(first, {}, 2, page);
    expect(second).toEqual({ pageIndex: '1', pageSize: '2', createdAtMin: '2026-01-02T00:00:00Z' });
    const same = [{ createdAt: '2026-01-02T00:00:00Z' }, { createdAt: '2026-01-02T00:00:00Z' }];
    expect(p.next(second!, {}, 2, same)).toEqual({ pageIndex: '2', pageSize: '2', createdAtMin: '2026-01-02T00:00:00Z' });
    expect(p.next(second!, {}, 1, same.slice(1))).toBeUndefined();
  });

  it('page_index_short_page: 1-based pages until a short page', () => {
    const spec = { type: 'page_index_short_page', index_param: 'pageIndex', size_param: 'pageSize', page_size: 100 } as const;
    const asked = walk(spec, (q) => ({ body: {}, records: q.pageIndex === '3' ? 42 : 100 }));
    expect(asked.map((q) => q.pageIndex)).toEqual(['1', '2', '3']);
    expect(asked[0]).toEqual({ pageIndex: '1', pageSize: '100' });
    // A full last page costs one more (empty) request: that is the strategy's price.
    expect(walk(spec, (q) => ({ body: {}, records: q.pageIndex === '2' ? 0 : 100 })).map((q) => q.pageIndex)).toEqual(['1', '2']);
  });

  it('cursor: follows the next token until absent, and refuses a token that does not move', () => {
    const spec = { type: 'cursor', cursor_param: 'page_token', next: 'next_page_token', size_param: 'limit', page_size: 10 } as const;
    const tokens: Record<string, string | undefined> = { '': 'b', b: 'c', c: undefined };
    const asked = walk(spec, (q) => ({ body: { next_page_token: tokens[q.page_token ?? ''] }, records: 10 }));
    expect(asked).toEqual([{ limit: '10' }, { limit: '10', page_token: 'b' }, { limit: '10', page_token: 'c' }]);
    expect(() => walk(spec, () => ({ body: { next_page_token: 'same' }, records: 10 }))).toThrow(/did not change/);
  });
});

describe('extractors', () => {
  it('path (shorthand or typed) returns the list, or undefined when there is none', () => {
    expect(createExtractor('orders')({ orders: [1, 2] })).toEqual([1, 2]);
    expect(createExtractor({ type: 'path', path: '.' })([3])).toEqual([3]);
    expect(createExtractor('orders')({ orders: {} })).toBeUndefined();
  });

  it('single wraps the one record', () => {
    expect(createExtractor({ type: 'single' })({ orderId: 'x' })).toEqual([{ orderId: 'x' }]);
    expect(createExtractor({ type: 'single' })([{ orderId: 'x' }])).toBeUndefined();
  });
});
