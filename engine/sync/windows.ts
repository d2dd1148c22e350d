/**
 * Retrieval windows, as pure functions of the committed cursor and the clock.
 *
 * - The incremental window ends at now and starts at the last committed cursor minus the overlap
 *   and the safety margin. Marketplaces commit updates late (an update stamped before a window's
 *   end may become visible only after it was listed): the safety margin is how late that can be,
 *   so the next window reaches back over it. Applying the margin to the start rather than the end
 *   keeps the guarantee (an update stamped inside the margin of a window's end is listed again by
 *   the next window, whatever the overlap) without delaying every order by the margin: an order
 *   updated just before a poll is listed by that poll, not by the one after it.
 * - The first run has no cursor: it backfills the channel's catch-up lookback.
 * - The daily catch-up re-reads the whole lookback to heal anything an incremental poll missed.
 * Overlapping windows are harmless: orders are deduplicated and never overwritten by older data.
 */
export interface WindowSettings {
  /** How far before the cursor the next window starts (Mirakl itself reaches back a little). */
  overlapMs: number;
  /** How late a marketplace may make an update visible after its timestamp: added to the overlap. */
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
  const to = new Date(now.getTime());
  if (cursor === undefined) return { from: new Date(to.getTime() - s.lookbackMs), to, kind: 'backfill' };
  const from = new Date(Math.min(Date.parse(cursor) - s.overlapMs - s.safetyMarginMs, to.getTime()));
  return { from, to, kind: 'incremental' };
}

export function catchUpWindow(now: Date, s: WindowSettings): PlannedWindow {
  const to = new Date(now.getTime());
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
