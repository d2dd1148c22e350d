/** order.document_available on PostgreSQL: one order event (its webhook by the trigger of migration 015). */
import type { NewDocumentEvent, OrderEvent } from '../store.ts';
import { alreadyParsed, eventFromRow } from '../shared/rows.ts';
import type { PgDb } from './db.ts';
import { FEED_LOCK } from './orders.ts';

// The seq comes from the order change sequence under the feed lock, as every order event's does,
// so seqs become visible in increasing order.
const INSERT = `INSERT INTO order_events (seq, order_id, account, channel, marketplace_order_id, type, details, at)
  VALUES (nextval('order_change_seq'), $1, $2, $3, $4, 'order.document_available', $5::jsonb, $6) RETURNING *`;

export async function recordDocumentEvent(db: PgDb, e: NewDocumentEvent): Promise<OrderEvent> {
  const at = e.at ?? new Date().toISOString();
  return db.tx(async (q) => {
    await q.query(FEED_LOCK);
    const { rows } = await q.query(INSERT, [e.order_id, e.account, e.channel, e.marketplace_order_id, JSON.stringify({ lines: [], document: e.document }), at]);
    return eventFromRow(rows[0]!, alreadyParsed);
  });
}
