/**
 * ISO-8601 durations as used by channel files (PT15M, P1D, P5D). Years and months have no fixed
 * length, so they are rejected: a retrieval window must be an exact span of time.
 */
const DURATION = /^P(?!$)(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Milliseconds in the duration, or undefined when it is not a fixed-length ISO-8601 duration. */
export function durationToMs(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (!m) return undefined;
  const [, w, d, h, min, s] = m;
  const days = Number(w ?? 0) * 7 + Number(d ?? 0);
  return ((days * 24 + Number(h ?? 0)) * 60 + Number(min ?? 0)) * 60_000 + Math.round(Number(s ?? 0) * 1000);
}

/** The shortest ISO-8601 text of a span of milliseconds in whole days, hours, minutes or seconds (P1D, PT1H). */
export function msToDuration(ms: number): string {
  if (ms > 0 && ms % 86_400_000 === 0) return `P${ms / 86_400_000}D`;
  if (ms > 0 && ms % 3_600_000 === 0) return `PT${ms / 3_600_000}H`;
  if (ms > 0 && ms % 60_000 === 0) return `PT${ms / 60_000}M`;
  return `PT${Math.ceil(ms / 1000)}S`;
}
