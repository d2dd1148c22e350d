import { describe, expect, it } from 'vitest';
import { DAY, KIND_EXTFBC, KIND_MKPFBC, KIND_SELLER, KIND_XDOCK, STATUS_CODE as S, TIMING } from './domain.ts';
import { eventAt, eventOffsetRanges, naturalTimeline, newTimeline } from './timeline.ts';
import { World, emptyFacts } from './world.ts';

const START = Date.parse('2024-05-15T10:00:00Z');

function world(orders = 5000, newOrdersPerHour = 0): World {
  return new World({ seed: 3, orders, startMs: START, historyDays: 7, newOrdersPerHour });
}

describe('World', () => {
  it('creates orders in non-decreasing time order within the history, then at the new-order rate', () => {
    const w = world(2000, 60);
    let previous = -Infinity;
    for (let ref = 0; ref < 2100; ref++) {
      const c = w.createdAt(ref);
      expect(c).toBeGreaterThanOrEqual(previous);
      previous = c;
      if (ref < 2000) expect(c).toBeGreaterThanOrEqual(START - 7 * DAY);
      if (ref < 2000) expect(c).toBeLessThan(START);
      else expect(c).toBeGreaterThanOrEqual(START);
    }
  });

  it('counts existing orders at a time and finds the first order at a date by binary search', () => {
    const w = world(2000, 60);
    expect(w.existingCount(START)).toBe(2000);
    // 60 an hour: one a minute.
    expect(w.existingCount(START + 10 * 60_000 + 59_999)).toBe(2011);
    const t = w.createdAt(777);
    const first = w.lowerBound(t, 2000);
    expect(w.createdAt(first)).toBe(t);
    expect(first === 0 || w.createdAt(first - 1) < t).toBe(true);
  });

  it('derives the same facts from the same seed and different facts from another seed', () => {
    const a = world();
    const b = world();
    const c = new World({ seed: 4, orders: 5000, startMs: START, historyDays: 7, newOrdersPerHour: 0 });
    const fa = [];
    const fc = [];
    for (let ref = 0; ref < 50; ref++) {
      fa.push({ ...a.facts(ref, emptyFacts()) });
      expect(b.facts(ref, emptyFacts())).toEqual(fa[ref]);
      fc.push({ ...c.facts(ref, emptyFacts()) });
    }
    expect(fc).not.toEqual(fa);
  });

  it('mixes seller, fulfilment (MKPFBC, EXTFBC) and cross-dock orders over several sales channels', () => {
    const w = world();
    const kinds = new Set<number>();
    const channels = new Set<number>();
    for (let ref = 0; ref < 2000; ref++) {
      const f = w.facts(ref, emptyFacts());
      kinds.add(f.kind);
      channels.add(f.channel);
    }
    expect([...kinds].sort()).toEqual([KIND_SELLER, KIND_MKPFBC, KIND_EXTFBC, KIND_XDOCK].sort());
    expect(channels.size).toBeGreaterThan(2);
  });
});

describe('timelines', () => {
  it('start Processing for seller orders and Shipped for fulfilment orders', () => {
    const w = world();
    const tl = newTimeline();
    const f = emptyFacts();
    for (let ref = 0; ref < 3000; ref++) {
      w.facts(ref, f);
      naturalTimeline(f, START, tl);
      const fulfilment = f.kind === KIND_MKPFBC || f.kind === KIND_EXTFBC;
      expect(tl.status[0]).toBe(fulfilment ? S.Shipped : S.Processing);
      expect(tl.at[0]).toBe(f.createdAt);
      if (fulfilment) expect(tl.status[1]).toBe(S.Delivered);
    }
  });

  it('apply scripted seller actions only before the start; afterwards only the clock moves orders', () => {
    const w = world(5000);
    const tl = newTimeline();
    const f = emptyFacts();
    let waiting = 0;
    for (let ref = 0; ref < 5000; ref++) {
      w.facts(ref, f);
      naturalTimeline(f, START, tl);
      for (let i = 1; i < tl.length; i++) {
        const status = tl.status[i] as number;
        const seller = status === S.Accepted || status === S.Refused || status === S.Cancelled || (status === S.Shipped && f.kind === KIND_SELLER);
        if (seller) expect(tl.at[i]).toBeLessThan(START);
      }
      // An order still waiting at the start is rejected by the clock 48 h after it began waiting.
      const i = eventAt(tl, START);
      if (tl.status[i] === S.WaitingAcceptance) {
        waiting++;
        expect(tl.status[i + 1]).toBe(S.Rejected);
        expect((tl.at[i + 1] as number) - (tl.at[i] as number)).toBe(TIMING.acceptanceDeadlineMs);
      }
    }
    expect(waiting).toBeGreaterThan(0);
  });

  it('change only at offsets covered by eventOffsetRanges (which update-date filters rely on)', () => {
    const ranges = eventOffsetRanges();
    const covered = (offset: number): boolean => ranges.some(([lo, hi]) => offset >= lo && offset <= hi);
    // Cut-off far in the future so every scripted action is part of the timeline.
    const w = world(20_000);
    const tl = newTimeline();
    const f = emptyFacts();
    for (let ref = 0; ref < 20_000; ref++) {
      w.facts(ref, f);
      naturalTimeline(f, Infinity, tl);
      for (let i = 0; i < tl.length; i++) {
        const offset = (tl.at[i] as number) - f.createdAt;
        if (!covered(offset)) throw new Error(`ref ${ref} event ${i} at offset ${offset} ms is outside every range`);
      }
    }
  });
});
