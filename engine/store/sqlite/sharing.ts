/**
 * Work sharing on SQLite (daemons and CLI processes on one file): shared request budgets, and
 * renewing an action's lease while its worker is still on it.
 */
import { checkBudget, decideBudget } from '../shared/budget-rules.ts';
import { isoAt } from '../shared/time.ts';
import { requirePositiveMs, requireText } from '../shared/validate.ts';
import type { BudgetDecision } from '../store.ts';
import type { SqliteDb } from './db.ts';

const UPSERT = `INSERT INTO budgets (key, taken, updated_at) VALUES (?, ?, ?)
  ON CONFLICT (key) DO UPDATE SET taken = excluded.taken, updated_at = excluded.updated_at`;

export function takeBudget(db: SqliteDb, key: string, limit: number, windowMs: number, now?: Date): BudgetDecision {
  checkBudget(key, limit, windowMs);
  const at = now ?? new Date();
  // BEGIN IMMEDIATE: the read and the write are one step for every process on the file.
  return db.tx(() => {
    const row = db.get('SELECT taken FROM budgets WHERE key = ?', key);
    const stored = row ? (JSON.parse(String(row.taken)) as number[]) : [];
    const { decision, taken } = decideBudget(stored, limit, windowMs, at.getTime());
    if (taken) db.run(UPSERT, key, JSON.stringify(taken), at.toISOString());
    return decision;
  });
}

export function renewActionLease(db: SqliteDb, id: string, owner: string, leaseMs: number, now?: Date): boolean {
  requireText(id, 'id');
  requireText(owner, 'owner');
  requirePositiveMs(leaseMs, 'leaseMs');
  return db.run(`UPDATE actions SET lease_until = ? WHERE id = ? AND lease_owner = ? AND state IN ('queued', 'sending')`, isoAt(now, leaseMs), id, owner) === 1;
}
