/**
 * Failed authentication per client address: after `max` requests with a missing, unknown or
 * revoked token within `windowMs`, the address is refused (429 API_AUTH_RATE_LIMITED with
 * Retry-After) until its window ends, valid token or not, so tokens cannot be guessed at speed.
 * Kept in the daemon's memory: each daemon counts the failures it sees.
 */
export interface AuthFailureOptions {
  /** Failed authentications allowed per address and window (default 20). */
  max: number;
  /** The window, from an address's first failure (default one minute). */
  windowMs: number;
}

export const DEFAULT_AUTH_FAILURES: AuthFailureOptions = { max: 20, windowMs: 60_000 };

/** Addresses remembered at most: beyond it, expired windows are dropped, then the oldest. */
const MAX_ADDRESSES = 50_000;

export class AuthFailureLimiter {
  readonly #options: AuthFailureOptions;
  readonly #now: () => number;
  readonly #windows = new Map<string, { failures: number; endsAt: number }>();

  constructor(options: Partial<AuthFailureOptions> = {}, now: () => number = Date.now) {
    this.#options = { ...DEFAULT_AUTH_FAILURES, ...options };
    this.#now = now;
  }

  /** Milliseconds until `address` may try again; 0 when it may now. */
  blockedFor(address: string): number {
    const window = this.#windows.get(address);
    if (!window) return 0;
    const left = window.endsAt - this.#now();
    if (left <= 0) {
      this.#windows.delete(address);
      return 0;
    }
    return window.failures >= this.#options.max ? left : 0;
  }

  recordFailure(address: string): void {
    const now = this.#now();
    const window = this.#windows.get(address);
    if (window && window.endsAt > now) {
      window.failures++;
      return;
    }
    if (this.#windows.size >= MAX_ADDRESSES) this.#prune(now);
    this.#windows.set(address, { failures: 1, endsAt: now + this.#options.windowMs });
  }

  #prune(now: number): void {
    for (const [address, window] of this.#windows) if (window.endsAt <= now) this.#windows.delete(address);
    // Still full: forget the oldest windows (Map keeps insertion order).
    for (const address of this.#windows.keys()) {
      if (this.#windows.size < MAX_ADDRESSES * 0.9) break;
      this.#windows.delete(address);
    }
  }
}
