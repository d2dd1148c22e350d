/**
 * Per-account limiter: at most `concurrency` requests in flight, and per endpoint a request
 * budget (token bucket). It waits rather than fails: a marketplace ceiling slows a sync down, it
 * never breaks it. Share one limiter between every connector of an account.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { initialBucket, takeToken, type BucketSpec, type BucketState } from './token-bucket.ts';

export interface LimiterOptions {
  concurrency: number;
  /** Endpoint name -> budget. Endpoints without one are only bound by concurrency. */
  budgets?: Readonly<Record<string, BucketSpec>>;
  /** Injected for tests. */
  now?: () => number;
  /** Told of every wait for a budget (for logs and metrics). */
  onBudgetWait?: (event: { endpoint: string; waitMs: number }) => void;
}

export type Release = () => void;

export class AccountLimiter {
  readonly #concurrency: number;
  readonly #budgets: Readonly<Record<string, BucketSpec>>;
  readonly #buckets = new Map<string, BucketState>();
  readonly #now: () => number;
  readonly #onBudgetWait: LimiterOptions['onBudgetWait'];
  #active = 0;
  readonly #queue: Array<() => void> = [];
  #maxActive = 0;

  constructor(options: LimiterOptions) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) throw new RangeError('concurrency must be a positive integer');
    this.#concurrency = options.concurrency;
    this.#budgets = options.budgets ?? {};
    this.#now = options.now ?? Date.now;
    this.#onBudgetWait = options.onBudgetWait;
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
    if (waitMs <= 0) return;
    this.#onBudgetWait?.({ endpoint, waitMs });
    try {
      await sleep(waitMs, undefined, { signal });
    } catch (err) {
      // Give the reserved token back: nobody will use it.
      const current = this.#buckets.get(endpoint);
      if (current) this.#buckets.set(endpoint, { tokens: current.tokens + 1, at: current.at });
      throw err;
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
