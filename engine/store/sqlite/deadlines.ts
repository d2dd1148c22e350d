/** Deadline alerts on SQLite (rules in shared/deadline-rules.ts). */
import type { DeadlineAlert, DeadlineLeads } from '../store.ts';
import { alertOf, checkDeadlineArgs, DEADLINE_KINDS, dueAlertsSql } from '../shared/deadline-rules.ts';
import { Params } from '../shared/where.ts';
import { sqliteSyntax, type SqliteDb } from './db.ts';

const MARK = 'INSERT INTO deadline_alerts (order_id, kind, deadline, alerted_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING';
const EVENT = `INSERT INTO webhook_events (type, account, data, created_at)
  SELECT 'order.deadline_approaching', ?, ?, ? WHERE EXISTS (SELECT 1 FROM webhook_endpoints WHERE deleted_at IS NULL)`;

export function recordDeadlineAlerts(db: SqliteDb, now: Date, leads: DeadlineLeads, limit?: number): DeadlineAlert[] {
  const checked = checkDeadlineArgs(now, leads, limit);
  return db.tx(() => {
    const recorded: DeadlineAlert[] = [];
    for (const kind of DEADLINE_KINDS) {
      const p = new Params(sqliteSyntax);
      const sql = dueAlertsSql(kind, now, leads[kind], checked.limit, p);
      for (const row of db.all(sql, ...p.values)) {
        const alert = alertOf(kind, row, checked.now);
        if (db.run(MARK, alert.order_id, kind, alert.deadline, checked.now) !== 1) continue;
        db.run(EVENT, alert.account, JSON.stringify(alert), checked.now);
        recorded.push(alert);
      }
    }
    return recorded;
  });
}
