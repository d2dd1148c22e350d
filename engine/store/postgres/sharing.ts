/**
 * Work sharing on PostgreSQL (several daemons): shared request budgets, and renewing an action's
 * lease while its worker is still on it.
 */
import { checkBudget, decideBudget } from '../shared/budget-rules.ts';
import { isoAt } from '../shared/time.ts';
import { requirePositiveMs, requireText } from '../shared/validate.ts';
import type { BudgetDecision } from '../store.ts';
import type { PgDb } from './db.ts';

// The no-op DO UPDATE makes the upsert lock the row (new or existing): concurrent takers of one
// budget queue on it until this transaction ends, and never both see the same free slot.
const LOCK = `INSERT INTO budgets (key, taken, updated_at) VALUES ($1, '{}', $2)
  ON CONFLICT (key) DO UPDATE SET key = excluded.key RETURNING taken`;

export async function takeBudget(db: PgDb, key: string, limit: number, windowMs: number, now?: Date): Promise<BudgetDecision> {
  checkBudget(key, limit, windowMs);
  const at = now ?? new Date();
  return db.tx(async (q) => {
    const { rows } = await q.query(LOCK, [key, at.toISOString()]);
    // int8 arrives as text from pg.
    const stored = ((rows[0]?.taken ?? []) as Array<string | number>).map(Number);
    const { decision, taken } = decideBudget(stored, limit, windowMs, at.getTime());
    if (taken) await q.query('UPDATE budgets SET taken = $2, updated_at = $3 WHERE key = $1', [key, taken, at.toISOString()]);
    return decision;
  });
}

export async function renewActionLease(db: PgDb, id: string, owner: string, leaseMs: number, now?: Date): Promise<boolean> {
  requireText(id, 'id');
  requireText(owner, 'owner');
  requirePositiveMs(leaseMs, 'leaseMs');
  const { rowCount } = await db.query(`UPDATE actions SET lease_until = $1 WHERE id = $2 AND lease_owner = $3 AND state IN ('queued', 'sending')`, [isoAt(now, leaseMs), id, owner]);
  return rowCount === 1;
}
