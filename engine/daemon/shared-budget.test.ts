import { describe, expect, it } from 'vitest';
import { silentLogger } from '../log.ts';
import type { Store, StoreCapabilities } from '../store/store.ts';
import { sharedBudgetLimiter } from './shared-budget.ts';

/** A store that only declares its kind and capabilities and records the budgets taken from it. */
function fakeStore(kind: Store['kind'], capabilities: StoreCapabilities, answers: Array<{ ok: true } | { ok: false; retryAfterMs: number }> = []) {
  const taken: Array<{ key: string; limit: number; perMs: number }> = [];
  const store = {
    kind,
    capabilities,
    async takeBudget(key: string, limit: number, perMs: number) {
      taken.push({ key, limit, perMs });
      return answers.shift() ?? { ok: true };
    },
  } as unknown as Store;
  return { store, taken };
}

const budgets = { OR11: { limit: 5, perMs: 60_000 } };

describe('budgets shared through the store', () => {
  it('follow the capability the store declares, not its name', async () => {
    const shares = fakeStore('sqlite', { sharedBudgets: true });
    const limiter = sharedBudgetLimiter(shares.store, 'worten-pt', { concurrency: 1, budgets, log: silentLogger() });
    expect(limiter).toBeDefined();
    (await limiter!.acquire('OR11'))();
    expect(shares.taken).toEqual([{ key: 'worten-pt:OR11', limit: 5, perMs: 60_000 }]);

    const keepsOwn = fakeStore('postgres', { sharedBudgets: false });
    expect(sharedBudgetLimiter(keepsOwn.store, 'worten-pt', { concurrency: 1, budgets, log: silentLogger() })).toBeUndefined();
  });

  it('wait when other processes used the budget up, then take it', async () => {
    const { store, taken } = fakeStore('postgres', { sharedBudgets: true }, [{ ok: false, retryAfterMs: 5 }, { ok: true }]);
    const limiter = sharedBudgetLimiter(store, 'cdiscount-fr', { concurrency: 1, budgets, log: silentLogger() })!;
    (await limiter.acquire('OR11'))();
    expect(taken.map((t) => t.key)).toEqual(['cdiscount-fr:OR11', 'cdiscount-fr:OR11']);
    // An endpoint without a budget never asks the store.
    (await limiter.acquire('OR21'))();
    expect(taken).toHaveLength(2);
  });
});
