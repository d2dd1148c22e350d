import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimClock } from '../shared/clock.ts';
import { HOUR, MINUTE, ORDER_STATUSES, SALES_CHANNELS, STATUS_CODE as S } from './domain.ts';
import type { ListQuery } from './list-query.ts';
import { OrderLister } from './listing.ts';
import { OrderBook, type ScanState } from './order-book.ts';
import { World } from './world.ts';

const START = Date.parse('2024-05-15T10:00:00Z');

function setup(orders: number, newOrdersPerHour = 0) {
  const clock = new SimClock({ start: new Date(START), speed: 0 });
  const world = new World({ seed: 9, orders, startMs: START, historyDays: 7, newOrdersPerHour });
  const book = new OrderBook(world);
  return { clock, book, lister: new OrderLister(book, clock) };
}

function baseQuery(over: Partial<ListQuery> = {}): ListQuery {
  return { pageIndex: 1, pageSize: 100, statusMask: 0, channelMask: 0, matchesNothing: false, sortField: 'createdAt', descending: false, ...over };
}

/** The obvious implementation: evaluate every order. */
function bruteForce(book: OrderBook, q: ListQuery, now: number): number[] {
  const refs = [];
  for (let ref = 0; ref < book.world.existingCount(now); ref++) refs.push(ref);
  refs.push(...book.adminRefs);
  const s: ScanState = { status: 0, updatedAt: 0, createdAt: 0, channel: 0 };
  const rows: { ref: number; created: number; updated: number }[] = [];
  for (const ref of refs) {
    if (!book.exists(ref, now) || !book.scanState(ref, now, s)) continue;
    if (q.statusMask && !(q.statusMask & (1 << s.status))) continue;
    if (q.channelMask && !(q.channelMask & (1 << s.channel))) continue;
    if (q.createdMin !== undefined && s.createdAt < q.createdMin) continue;
    if (q.createdMax !== undefined && s.createdAt > q.createdMax) continue;
    if (q.updatedMin !== undefined && s.updatedAt < q.updatedMin) continue;
    if (q.updatedMax !== undefined && s.updatedAt > q.updatedMax) continue;
    rows.push({ ref, created: s.createdAt, updated: s.updatedAt });
  }
  rows.sort((a, b) => a.created - b.created || a.ref - b.ref);
  if (q.sortField === 'updatedAt') {
    const position = new Map(rows.map((r, i) => [r.ref, i]));
    rows.sort((a, b) => a.updated - b.updated || (position.get(a.ref) as number) - (position.get(b.ref) as number));
  }
  const out = rows.map((r) => r.ref);
  return q.descending ? out.reverse() : out;
}

function all(lister: OrderLister, q: ListQuery, now: number): number[] {
  const listing = lister.list(q, now);
  return Array.from({ length: listing.length }, (_, i) => listing.at(i));
}

describe('OrderLister', () => {
  it('returns exactly what evaluating every order returns, for any filters, sort and time', () => {
    const { clock, book, lister } = setup(3000, 30);
    // Orders changed through the API (some old), and orders created through /_admin.
    for (const ref of [5, 40, 800, 2999]) book.transition(ref, S.Cancelled, START);
    book.addAdminOrder({ createdAt: START - 3 * HOUR, kind: 0, channel: 1, decision: 2, cancelBeforeShipment: false, cancelAfterDelivery: false, decisionDelay: 0, shipDelay: 0, cancelDelay: 0, cancelAfterDelay: 0 }, S.Processing);
    const hours = fc.integer({ min: -8 * 24, max: 24 });
    const query = fc.record({
      statuses: fc.subarray([...ORDER_STATUSES]),
      channels: fc.subarray(SALES_CHANNELS.map((_, i) => i)),
      created: fc.option(fc.tuple(hours, fc.integer({ min: 0, max: 72 }))),
      updated: fc.option(fc.tuple(hours, fc.integer({ min: 0, max: 72 }))),
      updatedOpenEnded: fc.boolean(),
      sortField: fc.constantFrom('createdAt' as const, 'updatedAt' as const),
      descending: fc.boolean(),
      advanceMinutes: fc.integer({ min: 0, max: 600 }),
      touch: fc.option(fc.integer({ min: 0, max: 2999 })),
    });
    fc.assert(
      fc.property(query, (p) => {
        clock.advance(p.advanceMinutes * MINUTE);
        const now = clock.now();
        // An action now on an order of any age: its update date leaves the generated pattern.
        if (p.touch !== null) book.transition(p.touch, S.Cancelled, now);
        const q = baseQuery({
          statusMask: p.statuses.reduce((m, s) => m | (1 << S[s]), 0),
          channelMask: p.channels.reduce((m, c) => m | (1 << c), 0),
          sortField: p.sortField,
          descending: p.descending,
        });
        if (p.created) [q.createdMin, q.createdMax] = [START + p.created[0] * HOUR, START + (p.created[0] + p.created[1]) * HOUR];
        if (p.updated) {
          q.updatedMin = START + p.updated[0] * HOUR + 7 * MINUTE;
          if (!p.updatedOpenEnded) q.updatedMax = q.updatedMin + p.updated[1] * HOUR;
        }
        expect(all(lister, q, now)).toEqual(bruteForce(book, q, now));
      }),
      { numRuns: 60, seed: 12345 },
    );
  });

  it('finds an old order in a recent update window once an action changed it', () => {
    const { clock, book, lister } = setup(2000);
    clock.advance(2 * HOUR);
    const now = clock.now();
    const q = baseQuery({ updatedMin: now - 10 * MINUTE, sortField: 'updatedAt' });
    expect(all(lister, q, now)).not.toContain(3);
    book.transition(3, S.Cancelled, now);
    expect(all(lister, q, now)).toContain(3);
  });

  it('serves a creation-sorted query without filters by position, without evaluating orders', () => {
    const { book, lister } = setup(1000);
    const listing = lister.list(baseQuery({ descending: true }), START);
    expect(listing.length).toBe(1000);
    expect(listing.at(0)).toBe(999);
    expect(listing.at(999)).toBe(0);
    expect(book.recordCount).toBe(0);
  });
});
