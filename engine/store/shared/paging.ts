/**
 * Page cursors and limits. A cursor is opaque to clients (base64url) but carries which listing it
 * belongs to, so an actions cursor given to the orders listing is an error, not a wrong page.
 */
import { OrderwireError } from '../../errors.ts';

export type CursorListing = 'orders' | 'actions';

const PREFIX: Record<CursorListing, string> = { orders: 'o', actions: 'a' };

/** Listings paged by a text key (a time-ordered store id) rather than a sequence. */
export type KeyCursorListing = 'quarantine';
const KEY_PREFIX: Record<KeyCursorListing, string> = { quarantine: 'q' };

export function encodeKeyCursor(listing: KeyCursorListing, key: string): string {
  return Buffer.from(`${KEY_PREFIX[listing]}:${key}`).toString('base64url');
}

export function decodeKeyCursor(listing: KeyCursorListing, cursor: string): string {
  const text = typeof cursor === 'string' && /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString() : '';
  const match = /^([a-z]):([0-9a-f-]{1,64})$/.exec(text);
  if (!match || match[1] !== KEY_PREFIX[listing]) {
    throw new OrderwireError('STORE_PAGE_CURSOR_INVALID', `after: not a cursor of the ${listing} listing`, { field: 'after' });
  }
  return match[2]!;
}

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

export function encodePageCursor(listing: CursorListing, seq: number): string {
  return Buffer.from(`${PREFIX[listing]}:${seq}`).toString('base64url');
}

export function decodePageCursor(listing: CursorListing, cursor: string): number {
  const text = typeof cursor === 'string' && /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString() : '';
  const match = /^([a-z]):(\d{1,15})$/.exec(text);
  if (!match || match[1] !== PREFIX[listing]) {
    throw new OrderwireError('STORE_PAGE_CURSOR_INVALID', `after: not a cursor of the ${listing} listing`, { field: 'after' });
  }
  return Number(match[2]);
}

/** The page size asked for, DEFAULT_LIMIT when absent, at most MAX_LIMIT. */
export function pageLimit(limit: number | undefined, field = 'limit'): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new OrderwireError('STORE_ARGUMENT_INVALID', `${field} must be a positive integer, got ${JSON.stringify(limit)}`, { field });
  }
  return Math.min(limit, MAX_LIMIT);
}
