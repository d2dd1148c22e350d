import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { storeBudget } from '../../daemon/shared-budget.ts';
import { openSqliteStore } from '../../store/sqlite/index.ts';
import { AccountLimiter, type SharedBudget } from './limiter.ts';

describe('AccountLimiter with a budget shared between daemons', () => {
  it('waits as long as the shared budget says, asks again, and tells of the wait', async () => {
    const asked: string[] = [];
    const answers = [{ ok: false as const, retryAfterMs: 5 }, { ok: true as const }];
    const shared: SharedBudget = async (endpoint, spec) => {
      asked.push(`${endpoint}:${spec.limit}/${spec.perMs}`);
      return answers.shift()!;
    };
    const waits: unknown[] = [];
    const limiter = new AccountLimiter({ concurrency: 2, budgets: { OR11: { limit: 1, perMs: 60_000 } }, sharedBudget: shared, onBudgetWait: (e) => waits.push(e) });
    (await limiter.acquire('OR11'))();
    expect(asked).toEqual(['OR11:1/60000', 'OR11:1/60000']);
    expect(waits).toEqual([{ endpoint: 'OR11', waitMs: 5, shared: true }]);
  });

  it('asks only for endpoints with a budget, and not for the pages of a listing (budget: false)', async () => {
    const asked: string[] = [];
    const limiter = new AccountLimiter({
      concurrency: 2,
      budgets: { OR11: { limit: 100, perMs: 1_000 } },
      sharedBudget: async (endpoint) => {
        asked.push(endpoint);
        return { ok: true };
      },
    });
    (await limiter.acquire('OR21'))();
    (await limiter.acquire('OR11', { budget: false }))();
    expect(asked).toEqual([]);
    (await limiter.acquire('OR11'))();
    expect(asked).toEqual(['OR11']);
  });

  it('an abort while waiting for the shared budget rejects and gives the local token back', async () => {
    const controller = new AbortController();
    let refuse = true;
    const localWaits: number[] = [];
    const limiter = new AccountLimiter({
      concurrency: 1,
      budgets: { OR07: { limit: 1, perMs: 60_000 } },
      now: () => 0,
      onBudgetWait: (e) => {
        if (!e.shared) localWaits.push(e.waitMs);
      },
      sharedBudget: async () => {
        if (!refuse) return { ok: true };
        queueMicrotask(() => controller.abort(new Error('stopping')));
        return { ok: false, retryAfterMs: 60_000 };
      },
    });
    await expect(limiter.acquire('OR07', { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    refuse = false;
    // The local token came back: without it this caller would wait a minute in the local bucket.
    (await limiter.acquire('OR07'))();
    expect(localWaits).toEqual([]);
  });

  it('two daemons (two limiters, one store) together never exceed the budget in any window', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'orderwire-limiter-'));
    const store = await openSqliteStore(path.join(dir, 'shared.sqlite'));
    try {
      await store.migrate();
      const spec = { limit: 3, perMs: 150 };
      const granted: number[] = [];
      // The store decides on the instant recorded here, so the check below is exact.
      const recorded: SharedBudget = async (endpoint, s) => {
        const at = Date.now();
        const decision = await store.takeBudget(`worten-pt:${endpoint}`, s.limit, s.perMs, new Date(at));
        if (decision.ok) granted.push(at);
        return decision;
      };
      // Each daemon's own bucket lets its 3 requests through at once: 6 in the first window.
      const daemons = [0, 1].map(() => new AccountLimiter({ concurrency: 4, budgets: { OR07: spec }, sharedBudget: recorded }));
      await Promise.all(daemons.flatMap((d) => [0, 1, 2].map(async () => (await d.acquire('OR07'))())));
      expect(granted).toHaveLength(6);
      granted.sort((a, b) => a - b);
      // Any 4 consecutive grants span at least one window.
      for (let i = spec.limit; i < granted.length; i++) expect(granted[i]! - granted[i - spec.limit]!).toBeGreaterThanOrEqual(spec.perMs);
      // The runtime's hook keys the budget by account and endpoint.
      expect(await storeBudget(store, 'worten-es')('OR11', { limit: 1, perMs: 60_000 })).toEqual({ ok: true });
      expect(await store.takeBudget('worten-es:OR11', 1, 60_000)).toMatchObject({ ok: false });
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
