import { describe, expect, it } from 'vitest';
import { AccountLimiter } from './limiter.ts';
import { initialBucket, takeToken } from './token-bucket.ts';

describe('token bucket', () => {
  const spec = { limit: 2, perMs: 1_000 };

  it('starts full, then makes callers wait their turn', () => {
    let state = initialBucket(spec, 0);
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = takeToken(state, spec, 0);
      state = r.state;
      waits.push(r.waitMs);
    }
    expect(waits).toEqual([0, 0, 500, 1_000, 1_500]);
  });

  it('refills with time, never above the limit', () => {
    let state = takeToken(takeToken(initialBucket(spec, 0), spec, 0).state, spec, 0).state;
    expect(takeToken(state, spec, 250).waitMs).toBe(250);
    state = initialBucket(spec, 0);
    // An hour idle gives back `limit` tokens, not thousands.
    let r = takeToken(state, spec, 3_600_000);
    r = takeToken(r.state, spec, 3_600_000);
    expect(takeToken(r.state, spec, 3_600_000).waitMs).toBe(500);
  });

  it('Mirakl OR07: 60 per hour means the 61st call of a burst waits a minute', () => {
    const or07 = { limit: 60, perMs: 3_600_000 };
    let state = initialBucket(or07, 0);
    for (let i = 0; i < 60; i++) state = takeToken(state, or07, 0).state;
    expect(takeToken(state, or07, 0).waitMs).toBe(60_000);
  });
});

describe('AccountLimiter', () => {
  it('tells how long a request waits for its endpoint budget, and only for budgeted endpoints', async () => {
    let now = 0;
    const waits: Array<{ endpoint: string; waitMs: number }> = [];
    const limiter = new AccountLimiter({ concurrency: 4, budgets: { OR11: { limit: 1, perMs: 20 } }, now: () => now, onBudgetWait: (e) => waits.push(e) });
    (await limiter.acquire('OR11'))();
    (await limiter.acquire('OR21'))();
    now = 5;
    (await limiter.acquire('OR11'))();
    expect(waits).toEqual([{ endpoint: 'OR11', waitMs: 15 }]);
    // budget: false skips the bucket (the pages of one listing).
    (await limiter.acquire('OR11', { budget: false }))();
    expect(waits).toHaveLength(1);
  });

  it('never lets more than `concurrency` holders in', async () => {
    const limiter = new AccountLimiter({ concurrency: 2 });
    const order: string[] = [];
    const a = await limiter.acquire('x');
    const b = await limiter.acquire('x');
    const c = limiter.acquire('x').then((release) => {
      order.push('c');
      return release;
    });
    await Promise.resolve();
    expect(order).toEqual([]);
    a();
    (await c)();
    b();
    expect(order).toEqual(['c']);
    expect(limiter.maxActive).toBe(2);
  });

  it('a waiter aborted by its signal leaves the queue', async () => {
    const limiter = new AccountLimiter({ concurrency: 1 });
    const held = await limiter.acquire('x');
    const controller = new AbortController();
    const waiting = limiter.acquire('x', { signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    held();
    // The slot is free again: a new caller gets it at once.
    (await limiter.acquire('x'))();
  });
});
