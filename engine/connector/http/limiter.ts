/**
 * Per-account limiter: at most `concurrency` requests in flight, and per endpoint a request
 * budget (token bucket). It waits rather than fails: a marketplace ceiling slows a sync down, it
 * never breaks it. Share one limiter between every connector of an account.
 *
 * Several daemons on one store each have their own limiter: `sharedBudget` (the store's
 * takeBudget) makes a budgeted request also wait for the budget all of them share. The local
 * bucket stays the fast path (it spaces this process's own requests without a round trip); the
 * shared one is asked only for endpoints that have a budget, after the local wait.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { initialBucket, takeToken, type BucketSpec, type BucketState } from './token-bucket.ts';

/** Takes one request of the endpoint's budget shared with other processes; says how long to wait when refused. */
export type SharedBudget = (endpoint: string, spec: BucketSpec) => Promise<{ ok: true } | { ok: false; retryAfterMs: number }>;

export interface LimiterOptions {
  concurrency: number;
  /** Endpoint name -> budget. Endpoints without one are only bound by concurrency. */
  budgets?: Readonly<Record<string, BucketSpec>>;
  /** Injected for tests. */
  now?: () => number;
  /** Told of every wait for a budget (for logs and metrics); `shared` when other daemons used it up. */
  onBudgetWait?: (event: { endpoint: string; waitMs: number; shared?: boolean }) => void;
  /** The budget shared with other daemons on the same store (see the file comment). */
  sharedBudget?: SharedBudget;
}

export type Release = () => void;

export class AccountLimiter {
  readonly #concurrency: number;
  readonly #budgets: Readonly<Record<string, BucketSpec>>;
  readonly #buckets = new Map<string, BucketState>();
  readonly #now: () => number;
  readonly #onBudgetWait: LimiterOptions['onBudgetWait'];
  readonly #sharedBudget: SharedBudget | undefined;
  #active = 0;
  readonly #queue: Array<() => void> = [];
  #maxActive = 0;

  constructor(options: LimiterOptions) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) throw new RangeError('concurrency must be a positive integer');
    this.#concurrency = options.concurrency;
    this.#budgets = options.budgets ?? {};
    this.#now = options.now ?? Date.now;
    this.#onBudgetWait = options.onBudgetWait;
    this.#sharedBudget = options.sharedBudget;
  }

  /** Highest number of requests that were in flight at once (for tests and diagnostics). */
  get maxActive(): number {
    return this.#maxActive;
  }

  /** Waits for the endpoint's budget (unless `budget` is false), then for a free slot. */
  async acquire(endpoint: string, opts: { budget?: boolean; signal?: AbortSignal } = {}): Promise<Release> {
    if (opts.budget !== false) await this.#spend(endpoint, opts.signal);
    await this.#slot(opts.signal);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#active -= 1;
      this.#queue.shift()?.();
    };
  }

  async #spend(endpoint: string, signal: AbortSignal | undefined): Promise<void> {
    const spec = this.#budgets[endpoint];
    if (!spec) return;
    const now = this.#now();
    const { state, waitMs } = takeToken(this.#buckets.get(endpoint) ?? initialBucket(spec, now), spec, now);
    this.#buckets.set(endpoint, state);
    try {
      if (waitMs > 0) {
        this.#onBudgetWait?.({ endpoint, waitMs });
        await sleep(waitMs, undefined, { signal });
      }
      if (this.#sharedBudget) await this.#spendShared(this.#sharedBudget, endpoint, spec, signal);
    } catch (err) {
      // Give the reserved token back: nobody will use it.
      const current = this.#buckets.get(endpoint);
      if (current) this.#buckets.set(endpoint, { tokens: current.tokens + 1, at: current.at });
      throw err;
    }
  }

  /** Asks the shared budget until it grants the request (a refusal took nothing: ask again later). */
  async #spendShared(shared: SharedBudget, endpoint: string, spec: BucketSpec, signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const decision = await shared(endpoint, spec);
      if (decision.ok) return;
      this.#onBudgetWait?.({ endpoint, waitMs: decision.retryAfterMs, shared: true });
      await sleep(decision.retryAfterMs, undefined, { signal });
    }
  }

  async #slot(signal: AbortSignal | undefined): Promise<void> {
    signal?.throwIfAborted();
    if (this.#active < this.#concurrency) {
      this.#take();
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort);
        this.#take();
        resolve();
      };
      const onAbort = (): void => {
        const i = this.#queue.indexOf(grant);
        if (i >= 0) this.#queue.splice(i, 1);
        reject(signal?.reason);
      };
      this.#queue.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #take(): void {
    this.#active += 1;
    if (this.#active > this.#maxActive) this.#maxActive = this.#active;
  }
}
