import { describe, expect, it } from 'vitest';
import { catchUpDue, catchUpWindow, incrementalWindow, pollPeriodMs } from './windows.ts';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const settings = { overlapMs: 2 * MIN, safetyMarginMs: 30_000, lookbackMs: 5 * DAY };
const now = new Date('2026-11-22T12:00:00.000Z');

describe('retrieval windows', () => {
  it('first run backfills the lookback up to now minus the safety margin', () => {
    const w = incrementalWindow(undefined, now, settings);
    expect(w.kind).toBe('backfill');
    expect(w.to.toISOString()).toBe('2026-11-22T11:59:30.000Z');
    expect(w.from.toISOString()).toBe('2026-11-17T11:59:30.000Z');
  });

  it('incremental window starts at the cursor minus the overlap', () => {
    const w = incrementalWindow('2026-11-22T11:45:00.000Z', now, settings);
    expect(w.kind).toBe('incremental');
    expect(w.from.toISOString()).toBe('2026-11-22T11:43:00.000Z');
    expect(w.to.toISOString()).toBe('2026-11-22T11:59:30.000Z');
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
