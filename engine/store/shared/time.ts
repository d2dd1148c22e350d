/**
 * Instants in the store. Marketplace timestamps arrive with varying precision and offsets, so they
 * are never compared as strings: they are parsed to milliseconds and stored in one canonical form
 * (UTC, `YYYY-MM-DDTHH:mm:ss.sssZ`), which also sorts correctly as text in SQLite.
 */
import { OrderwireError } from '../../errors.ts';
import { isCanonicalInstant } from '../../order/instant.ts';

// A zone is required: a local time would be read in the daemon's own time zone.
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

// Years 1 to 9999: what both databases store and JavaScript prints as ISO-8601 (PostgreSQL has no
// year 0, and a year past 9999 is printed +010000-...).
const EARLIEST = Date.parse('0001-01-01T00:00:00Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

/** Milliseconds since the epoch, or undefined when `value` is not ISO-8601 with a time zone in years 1 to 9999. */
export function parseInstant(value: unknown): number | undefined {
  if (typeof value !== 'string' || !ISO_WITH_ZONE.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) || ms < EARLIEST || ms > LATEST ? undefined : ms;
}

/**
 * The canonical text of `value`, which parseInstant read as `ms`: `value` itself when it is in
 * canonical form already (most marketplace dates, and every date the mapper's `datetime` gives),
 * else printed from `ms`.
 */
export function instantText(value: unknown, ms: number): string {
  return typeof value === 'string' && isCanonicalInstant(value) ? value : new Date(ms).toISOString();
}

/** Canonical text of an instant given by the caller; throws STORE_ARGUMENT_INVALID naming `field`. */
export function canonicalInstant(value: string, field: string): string {
  const ms = parseInstant(value);
  if (ms === undefined) {
    throw new OrderwireError('STORE_ARGUMENT_INVALID', `${field} must be an ISO-8601 timestamp with a time zone in years 1 to 9999, got ${JSON.stringify(value)}`, { field });
  }
  return new Date(ms).toISOString();
}

export function isoAt(date: Date | undefined, offsetMs = 0): string {
  return new Date((date ?? new Date()).getTime() + offsetMs).toISOString();
}

/** Driver value (Date from pg, text from SQLite) to canonical text. */
export function toIso(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

export function toIsoOrUndefined(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : toIso(value);
}
