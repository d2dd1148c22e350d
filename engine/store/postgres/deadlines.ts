/** Deadline alerts on PostgreSQL (rules in shared/deadline-rules.ts). */
import type { DeadlineAlert, DeadlineLeads } from '../store.ts';
import { alertOf, checkDeadlineArgs, DEADLINE_KINDS, dueAlertsSql } from '../shared/deadline-rules.ts';
import { Params } from '../shared/where.ts';
import { postgresSyntax, type PgDb } from './db.ts';

// Two daemons may find the same order at once: the marker's primary key lets one insert it, the
// other's insert waits for that commit and then does nothing (no second event).
const MARK = 'INSERT INTO deadline_alerts (order_id, kind, deadline, alerted_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING';
const EVENT = `INSERT INTO webhook_events (type, account, data, created_at)
  SELECT 'order.deadline_approaching', $1, $2::jsonb, $3 WHERE EXISTS (SELECT 1 FROM webhook_endpoints WHERE deleted_at IS NULL)`;

export async function recordDeadlineAlerts(db: PgDb, now: Date, leads: DeadlineLeads, limit?: number): Promise<DeadlineAlert[]> {
  const checked = checkDeadlineArgs(now, leads, limit);
  return db.tx(async (q) => {
    const recorded: DeadlineAlert[] = [];
    for (const kind of DEADLINE_KINDS) {
      const p = new Params(postgresSyntax);
      const sql = dueAlertsSql(kind, now, leads[kind], checked.limit, p);
      for (const row of (await q.query(sql, p.values)).rows) {
        const alert = alertOf(kind, row, checked.now);
        if ((await q.query(MARK, [alert.order_id, kind, alert.deadline, checked.now])).rowCount !== 1) continue;
        await q.query(EVENT, [alert.account, JSON.stringify(alert), checked.now]);
        recorded.push(alert);
      }
    }
    return recorded;
  });
}
