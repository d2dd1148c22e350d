/**
 * The windows the benchmarks sync: the daemon's defaults (engine/config/load.ts: overlap 2 min,
 * safety margin 30 s) and the worten channel's 5-day lookback for the first sync. The floor is
 * given the very same bounds, formatted as the Mirakl platform file formats them (iso_seconds).
 */
import { incrementalWindow, type PlannedWindow } from '../../engine/sync/windows.ts';

export const BENCH_WINDOWS = { overlapMs: 120_000, safetyMarginMs: 30_000 };
/** The one account every benchmark syncs (the worten channel, on the Mirakl simulator). */
export const BENCH_ACCOUNT = 'worten-bench';
/** channels/worten.yaml retrieval.catch_up.lookback (P5D). */
export const WORTEN_LOOKBACK_MS = 5 * 86_400_000;

export function firstSyncWindow(now: Date): PlannedWindow {
  return incrementalWindow(undefined, now, { ...BENCH_WINDOWS, lookbackMs: WORTEN_LOOKBACK_MS });
}

export function incrementalSyncWindow(cursor: string, now: Date): PlannedWindow {
  return incrementalWindow(cursor, now, { ...BENCH_WINDOWS, lookbackMs: WORTEN_LOOKBACK_MS });
}

/** channels/platforms/mirakl.yaml `window.format: iso_seconds`. */
export function isoSeconds(d: Date): string {
  return new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
