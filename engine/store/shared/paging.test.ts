import { describe, expect, it } from 'vitest';
import { decodePageCursor, encodePageCursor, MAX_LIMIT, pageLimit } from './paging.ts';
import { parseInstant } from './time.ts';

describe('page cursors', () => {
  it('round-trip a sequence and belong to one listing', () => {
    const cursor = encodePageCursor('orders', 123456);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodePageCursor('orders', cursor)).toBe(123456);
    expect(() => decodePageCursor('actions', cursor)).toThrow(expect.objectContaining({ code: 'STORE_PAGE_CURSOR_INVALID' }));
    for (const bad of ['', 'not base64!', Buffer.from('o:-1').toString('base64url'), Buffer.from('o:1e3').toString('base64url')]) {
      expect(() => decodePageCursor('orders', bad)).toThrow(expect.objectContaining({ code: 'STORE_PAGE_CURSOR_INVALID' }));
    }
  });

  it('limits default to 100, cap at the maximum and must be positive integers', () => {
    expect(pageLimit(undefined)).toBe(100);
    expect(pageLimit(5)).toBe(5);
    expect(pageLimit(MAX_LIMIT + 1)).toBe(MAX_LIMIT);
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => pageLimit(bad)).toThrow(expect.objectContaining({ code: 'STORE_ARGUMENT_INVALID' }));
  });
});

describe('instants', () => {
  it('need a time zone and compare as instants', () => {
    expect(parseInstant('2025-03-01T10:00:00Z')).toBe(parseInstant('2025-03-01T11:00:00.000+01:00'));
    expect(parseInstant('2025-03-01T10:00:00.5Z')).toBeGreaterThan(parseInstant('2025-03-01T10:00:00Z')!);
    expect(parseInstant('2025-03-01T10:00:00')).toBeUndefined();
    expect(parseInstant('2025-03-01')).toBeUndefined();
    expect(parseInstant('2025-13-45T10:00:00Z')).toBeUndefined();
    expect(parseInstant(1700000000)).toBeUndefined();
  });
});
