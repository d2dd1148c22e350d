/**
 * Per-record isolation of a commit, for both stores: which orders of a batch the store's checks
 * refuse before any SQL, and whether a database error is the fault of one record (constraint,
 * data exception: isolate it) or of the store itself (locked, unreachable: fail the batch).
 */
import { OrderwireError } from '../../errors.ts';
import type { OrderToCommit, RejectedOrder } from '../store.ts';
import { preparedFrom, type PreparedOrder } from './prepare-order.ts';

/** SQLite result codes a single row can cause: TOOBIG, MISMATCH, RANGE. */
const SQLITE_RECORD_CODES = new Set([18, 20, 25]);

export function isRecordFault(err: unknown): boolean {
  if (err instanceof OrderwireError) return err.code === 'STORE_CONSTRAINT_VIOLATION' || err.code === 'STORE_ORDER_INVALID';
  const code = (err as { code?: unknown; errcode?: unknown } | null)?.code;
  // PostgreSQL SQLSTATE classes 22 (data exception), 23 (integrity constraint violation) and a
  // trigger's RAISE (P0001): each refuses the row at hand, not the store.
  if (typeof code === 'string' && (/^2[23][0-9A-Z]{3}$/.test(code) || code === 'P0001')) return true;
  const errcode = (err as { errcode?: unknown } | null)?.errcode;
  return typeof errcode === 'number' && SQLITE_RECORD_CODES.has(errcode & 0xff);
}

export function rejection(index: number, err: unknown): RejectedOrder {
  const message = err instanceof Error ? err.message : String(err);
  const sqlState = (err as { code?: unknown } | null)?.code;
  const code = err instanceof OrderwireError ? err.code : typeof sqlState === 'string' && (sqlState.startsWith('23') || sqlState === 'P0001') ? 'STORE_CONSTRAINT_VIOLATION' : 'STORE_RECORD_REFUSED';
  return { index, code, message };
}

/** The orders the store can key and compare, with their index; the others rejected. */
export function prepareIsolated(orders: readonly OrderToCommit[]): { prepared: Array<{ index: number; order: PreparedOrder }>; rejected: RejectedOrder[] } {
  if (!Array.isArray(orders)) throw new OrderwireError('STORE_ORDER_INVALID', 'orders must be an array of normalized orders', { path: 'orders' });
  const prepared: Array<{ index: number; order: PreparedOrder }> = [];
  const rejected: RejectedOrder[] = [];
  orders.forEach((order, index) => {
    try {
      prepared.push({ index, order: preparedFrom(order, 'order') });
    } catch (err) {
      if (!(err instanceof OrderwireError)) throw err;
      rejected.push(rejection(index, err));
    }
  });
  return { prepared, rejected };
}

/** Orders that end up stored as given (inserted, updated or unchanged): they leave quarantine. */
export function storedKeys(page: readonly PreparedOrder[], staleKeys: ReadonlySet<string>): PreparedOrder[] {
  return page.filter((o) => !staleKeys.has(o.key));
}
