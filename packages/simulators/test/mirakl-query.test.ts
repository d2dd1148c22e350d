/**
 * The OR11 query engine answers filters over generated orders from profile arithmetic, without
 * building the orders. These tests compare it with the obvious way — build every order and
 * filter — for many filters, times and paging windows, with and without stored orders.
 */
import { describe, expect, it } from 'vitest';
import { accept, ship, updateTracking } from '../mirakl/actions.ts';
import type { OrderState } from '../mirakl/catalog.ts';
import { CHANNELS, ORDER_STATES } from '../mirakl/catalog.ts';
import { DAY, HOUR, MINUTE } from '../mirakl/lifecycle.ts';
import { CompiledProfile, buildProfiles } from '../mirakl/profiles.ts';
import { listOrders, recordMatches } from '../mirakl/query.ts';
import type { OrderFilters } from '../mirakl/query.ts';
import { Schedule } from '../mirakl/schedule.ts';
import { OrderBook } from '../mirakl/store.ts';
import type { OrderRecord } from '../mirakl/store.ts';
import { viewAt } from '../mirakl/timeline.ts';
import { createRandom } from '../shared/random.ts';

const START = Date.parse('2025-03-10T12:00:00Z');
const DEADLINE = 72 * HOUR;

function makeBook(orders: number, newPerHour: number, seed = 5): OrderBook {
  const schedule = new Schedule({ seed, orders, historyMs: 7 * DAY, start: START, newOrdersPerHour: newPerHour });
  const profiles = buildProfiles(seed).map((p) => new CompiledProfile(p, DEADLINE));
  return new OrderBook({ seed, schedule, profiles, acceptanceDeadline: DEADLINE });
}

/** Every order that exists at `now`, built one by one. */
function everyOrder(book: OrderBook, now: number): OrderRecord[] {
  const out: OrderRecord[] = [];
  const visible = book.schedule.visibleCount(now);
  for (let i = 0; i < visible; i++) out.push(book.get(`SIM${String(i + 1).padStart(9, '0')}-A`, now) as OrderRecord);
  for (const o of book.storedOrders()) if (o.index === null && o.created <= now) out.push(o);
  return out;
}

function bruteForce(book: OrderBook, f: OrderFilters, now: number, orders = everyOrder(book, now)): string[] {
  return orders
    .filter((o) => recordMatches(o, f, now))
    .sort((a, b) => a.created - b.created || a.rank - b.rank)
    .map((o) => o.id);
}

/** Times at which something happens to some order: boundaries there test inclusivity exactly. */
function interestingTimes(orders: readonly OrderRecord[], now: number): { created: number[]; updated: number[] } {
  const created = orders.map((o) => o.created);
  const updated = orders.map((o) => viewAt(o.timeline, o.content, now).lastUpdated);
  return { created, updated };
}

function randomFilters(seed: number, now: number, times: { created: number[]; updated: number[] }): OrderFilters {
  const r = createRandom(seed);
  const at = (list: number[], spreadMs: number) => r.pick(list) + r.pick([-1, 0, 0, 1, spreadMs]);
  const f: OrderFilters = {};
  if (r.chance(0.5)) f.states = new Set(ORDER_STATES.filter(() => r.chance(0.3)));
  if (r.chance(0.6)) {
    const from = r.chance(0.7) ? at(times.updated, -HOUR) : now - r.int(0, 10 * 24) * HOUR;
    f.updated = r.chance(0.4) ? { from } : { from, to: r.chance(0.5) ? Math.max(from, at(times.updated, 0)) : from + r.int(1, 48) * HOUR };
  }
  if (r.chance(0.4)) {
    const from = r.chance(0.7) ? at(times.created, -DAY) : now - r.int(0, 8 * 24) * HOUR;
    f.created = r.chance(0.5) ? { from } : { from, to: r.chance(0.5) ? Math.max(from, at(times.created, 0)) : from + r.int(1, 72) * HOUR };
  }
  if (r.chance(0.3)) f.channels = new Set([r.pick(CHANNELS).code]);
  else if (r.chance(0.1)) f.onlyNullChannel = true;
  if (r.chance(0.2)) f.customerDebited = r.chance(0.5);
  if (r.chance(0.2)) f.fulfillmentCenters = new Set([r.pick(['DEFAULT', 'FC_LISBOA', 'FC_MADRID'])]);
  return f;
}

describe('OR11 query engine', () => {
  it('matches building and filtering every order, at many times and filters', () => {
    const book = makeBook(800, 30);
    const times = [START, START + 17 * MINUTE, START + 5 * HOUR, START + 2 * DAY + 3 * MINUTE, START + 9 * DAY];
    let compared = 0;
    for (const [t, now] of times.entries()) {
      const orders = everyOrder(book, now);
      const interesting = interestingTimes(orders, now);
      for (let k = 0; k < 30; k++) {
        const f = randomFilters(100 * t + k, now, interesting);
        const expected = bruteForce(book, f, now, orders);
        const page = listOrders(book, f, 0, 100_000, now);
        expect(page.total).toBe(expected.length);
        expect(page.orders.map((o) => o.id)).toEqual(expected);
        compared += expected.length;
      }
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it('pages by offset and max exactly like slicing the full result', () => {
    const book = makeBook(900, 0);
    const now = START + 3 * HOUR;
    const f: OrderFilters = { states: new Set<OrderState>(['SHIPPED', 'RECEIVED', 'CLOSED', 'SHIPPING']) };
    const all = bruteForce(book, f, now);
    expect(all.length).toBeGreaterThan(200);
    for (const [offset, max] of [[0, 10], [7, 100], [150, 100], [all.length - 3, 100], [all.length, 10]] as const) {
      const page = listOrders(book, f, offset, max, now);
      expect(page.total).toBe(all.length);
      expect(page.orders.map((o) => o.id)).toEqual(all.slice(offset, offset + max));
    }
  });

  it('merges stored orders (changed by actions, or created) in creation order', () => {
    const book = makeBook(600, 20);
    const now0 = START + 30 * MINUTE;
    // Act on every order waiting for acceptance or shipment: they move to the store.
    const waiting = everyOrder(book, now0).filter((o) => ['WAITING_ACCEPTANCE', 'SHIPPING'].includes(viewAt(o.timeline, o.content, now0).state));
    expect(waiting.length).toBeGreaterThan(5);
    for (const o of waiting) {
      const state = viewAt(o.timeline, o.content, now0).state;
      if (state === 'WAITING_ACCEPTANCE') {
        accept({ book, now: now0 }, o.id, { order_lines: o.content.lines.map((l) => ({ id: `${o.id}-${l.index}`, accepted: true })) });
      } else {
        updateTracking({ book, now: now0 }, o.id, { carrier_code: 'UPS', tracking_number: '1Z999' });
        ship({ book, now: now0 }, o.id);
      }
    }
    book.create({}, now0 - 5 * DAY);
    book.create({ channel_code: null }, now0);
    book.create({ state: 'SHIPPING' }, now0 - HOUR);
    expect(book.storedCount).toBe(waiting.length + 3);
    for (const [k, now] of [now0, now0 + 10 * MINUTE, now0 + 3 * DAY].entries()) {
      const orders = everyOrder(book, now);
      const interesting = interestingTimes(orders, now);
      for (let j = 0; j < 15; j++) {
        const f = randomFilters(7000 + 100 * k + j, now, interesting);
        const expected = bruteForce(book, f, now, orders);
        expect(listOrders(book, f, 0, 100_000, now).orders.map((o) => o.id)).toEqual(expected);
        const offset = Math.floor(expected.length / 3);
        expect(listOrders(book, f, offset, 25, now).orders.map((o) => o.id)).toEqual(expected.slice(offset, offset + 25));
      }
    }
  });

  it('looks orders up by id only when they exist at that time', () => {
    const book = makeBook(10, 60);
    const visible = book.schedule.visibleCount(START);
    expect(visible).toBe(10);
    expect(book.get('SIM000000010-A', START)?.index).toBe(9);
    expect(book.get('SIM000000011-A', START)).toBeUndefined();
    expect(book.get('SIM000000011-A', START + HOUR)?.index).toBe(10);
    expect(book.get('SIM000000000-A', START)).toBeUndefined();
    expect(book.getLine('SIM000000001-A-1', START)?.line).toBe(1);
    expect(book.getLine('SIM000000001-A-9', START)).toBeUndefined();
  });

  it('derives the same orders from the same seed, and other orders from another', () => {
    const a = makeBook(50, 0, 11).generated(17);
    const b = makeBook(50, 0, 11).generated(17);
    const c = makeBook(50, 0, 12).generated(17);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(JSON.stringify(c.content)).not.toBe(JSON.stringify(a.content));
  });
});
