/**
 * Retrieval windows, as pure functions of the committed cursor and the clock.
 *
 * - The incremental window starts at the last committed cursor minus an overlap (marketplaces
 *   commit updates late and Mirakl itself reaches back a little) and ends at now minus a safety
 *   margin, so an update still being written at the marketplace is picked up next time.
 * - The first run has no cursor: it backfills the channel's catch-up lookback.
 * - The daily catch-up re-reads the whole lookback to heal anything an incremental poll missed.
 * Overlapping windows are harmless: orders are deduplicated and never overwritten by older data.
 */
export interface WindowSettings {
  overlapMs: number;
  safetyMarginMs: number;
  /** The channel's catch-up lookback (P2D Cdiscount, P5D Worten). */
  lookbackMs: number;
}

export interface PlannedWindow {
  from: Date;
  to: Date;
  kind: 'incremental' | 'catch_up' | 'backfill';
}

export function incrementalWindow(cursor: string | undefined, now: Date, s: WindowSettings): PlannedWindow {
  const to = new Date(now.getTime() - s.safetyMarginMs);
  if (cursor === undefined) return { from: new Date(to.getTime() - s.lookbackMs), to, kind: 'backfill' };
  const from = new Date(Math.min(Date.parse(cursor) - s.overlapMs, to.getTime()));
  return { from, to, kind: 'incremental' };
}

export function catchUpWindow(now: Date, s: WindowSettings): PlannedWindow {
  const to = new Date(now.getTime() - s.safetyMarginMs);
  return { from: new Date(to.getTime() - s.lookbackMs), to, kind: 'catch_up' };
}

/** Whether the daily catch-up is due: never ran, or its period has elapsed since it last ran. */
export function catchUpDue(lastCatchUp: string | undefined, now: Date, everyMs: number): boolean {
  return lastCatchUp === undefined || now.getTime() - Date.parse(lastCatchUp) >= everyMs;
}

/** The incremental period for an account: its own option if given, clamped to the channel's floor. */
export function pollPeriodMs(channelEveryMs: number, channelMinMs: number | undefined, accountMs: number | undefined): number {
  const wanted = accountMs ?? channelEveryMs;
  return Math.max(wanted, channelMinMs ?? 0);
}
