/** order.document_available on SQLite: one order event (its webhook by the trigger of migration 015). */
import type { NewDocumentEvent, OrderEvent } from '../store.ts';
import { eventFromRow, parseJsonText } from '../shared/rows.ts';
import type { SqliteDb } from './db.ts';

const INSERT = `INSERT INTO order_events (order_id, account, channel, marketplace_order_id, type, details, at)
  VALUES (?, ?, ?, ?, 'order.document_available', ?, ?) RETURNING *`;

export function recordDocumentEvent(db: SqliteDb, e: NewDocumentEvent): OrderEvent {
  const at = e.at ?? new Date().toISOString();
  const row = db.tx(() => db.get(INSERT, e.order_id, e.account, e.channel, e.marketplace_order_id, JSON.stringify({ lines: [], document: e.document }), at));
  return eventFromRow(row!, parseJsonText);
}
