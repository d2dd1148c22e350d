import { describe, expect, it } from 'vitest';
import { catchUpDue, catchUpWindow, incrementalWindow, pollPeriodMs } from './windows.ts';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const settings = { overlapMs: 2 * MIN, safetyMarginMs: 30_000, lookbackMs: 5 * DAY };
const now = new Date('2026-11-22T12:00:00.000Z');

describe('retrieval windows', () => {
  it('first run backfills the lookback up to now', () => {
    const w = incrementalWindow(undefined, now, settings);
    expect(w.kind).toBe('backfill');
    expect(w.to.toISOString()).toBe('2026-11-22T12:00:00.000Z');
    expect(w.from.toISOString()).toBe('2026-11-17T12:00:00.000Z');
  });

  it('incremental window ends at now and starts at the cursor minus the overlap and the safety margin', () => {
    const w = incrementalWindow('2026-11-22T11:45:00.000Z', now, settings);
    expect(w.kind).toBe('incremental');
    expect(w.from.toISOString()).toBe('2026-11-22T11:42:30.000Z');
    expect(w.to.toISOString()).toBe('2026-11-22T12:00:00.000Z');
  });

  it('an update stamped inside the safety margin of a window\'s end is inside the next window, even with no overlap', () => {
    const noOverlap = { ...settings, overlapMs: 0 };
    const first = incrementalWindow('2026-11-22T11:45:00.000Z', now, noOverlap);
    // Stamped 29 s before the first window's end, visible at the marketplace only after it was listed.
    const lateUpdate = first.to.getTime() - 29_000;
    const next = incrementalWindow(first.to.toISOString(), new Date(now.getTime() + MIN), noOverlap);
    expect(next.from.getTime()).toBeLessThanOrEqual(lateUpdate);
    expect(next.to.getTime()).toBeGreaterThan(lateUpdate);
  });

  it('never starts after it ends, even with a cursor ahead of the clock (clock skew)', () => {
    const w = incrementalWindow('2026-11-22T13:00:00.000Z', now, settings);
    expect(w.from.getTime()).toBeLessThanOrEqual(w.to.getTime());
  });

  it('catch-up covers the whole lookback (5 days for Worten)', () => {
    const w = catchUpWindow(now, settings);
    expect(w.to.getTime() - w.from.getTime()).toBe(5 * DAY);
    expect(w.kind).toBe('catch_up');
  });

  it('catch-up is due once a period has elapsed', () => {
    expect(catchUpDue(undefined, now, DAY)).toBe(true);
    expect(catchUpDue('2026-11-21T12:00:01.000Z', now, DAY)).toBe(false);
    expect(catchUpDue('2026-11-21T12:00:00.000Z', now, DAY)).toBe(true);
  });

  it('an account may poll more often, never below the channel minimum', () => {
    expect(pollPeriodMs(15 * MIN, MIN, undefined)).toBe(15 * MIN);
    expect(pollPeriodMs(15 * MIN, MIN, 5 * MIN)).toBe(5 * MIN);
    expect(pollPeriodMs(15 * MIN, MIN, 10_000)).toBe(MIN);
  });
});
