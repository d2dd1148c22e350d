/**
 * What this daemon is doing for each account right now, which the store does not record: when
 * its next poll is due, whether a poll is running, the last poll error with its code (a run row
 * keeps only the message), and a wait for a marketplace request budget (an OR11-style ceiling).
 * Fed by the scheduler and the per-account limiters; read by the API's account health.
 * In memory and per process: several daemons on one store each know their own.
 */
import { OrderwireError } from '../errors.ts';

export interface PollError {
  code: string;
  message: string;
  /** HTTP status the marketplace answered, when it answered (429: its rate limit). */
  status?: number;
  at: string;
}

export interface BudgetWait {
  endpoint: string;
  /** When the wait ends (UTC ISO). */
  until: string;
  /** Other daemons on the same store used the budget up. */
  shared: boolean;
}

export interface AccountActivitySnapshot {
  next_poll_at: string | null;
  polling: boolean;
  last_poll_error: PollError | null;
  budget_wait: BudgetWait | null;
}

interface Entry {
  nextPollAt?: number;
  polling: boolean;
  lastError?: PollError;
  budgetWait?: { endpoint: string; until: number; shared: boolean };
}

export class AccountActivity {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => Date;

  constructor(now: () => Date = () => new Date()) {
    this.#now = now;
  }

  #entry(account: string): Entry {
    let e = this.#entries.get(account);
    if (!e) this.#entries.set(account, (e = { polling: false }));
    return e;
  }

  pollScheduled(account: string, delayMs: number): void {
    this.#entry(account).nextPollAt = this.#now().getTime() + delayMs;
  }

  pollStarted(account: string): void {
    const e = this.#entry(account);
    e.polling = true;
    delete e.nextPollAt;
  }

  /** A poll ended: it ran and succeeded, had nothing to do (not due, or another daemon holds the account), or failed. */
  pollFinished(account: string, outcome: 'succeeded' | 'skipped' | Error): void {
    const e = this.#entry(account);
    e.polling = false;
    if (outcome === 'skipped') return;
    if (outcome === 'succeeded') {
      delete e.lastError;
      return;
    }
    const error = outcome;
    const status = error instanceof OrderwireError ? (error.details as { status?: unknown }).status : undefined;
    e.lastError = {
      code: error instanceof OrderwireError ? error.code : 'INTERNAL',
      message: error.message,
      ...(typeof status === 'number' && { status }),
      at: this.#now().toISOString(),
    };
  }

  budgetWait(account: string, event: { endpoint: string; waitMs: number; shared?: boolean }): void {
    this.#entry(account).budgetWait = { endpoint: event.endpoint, until: this.#now().getTime() + event.waitMs, shared: event.shared === true };
  }

  snapshot(account: string): AccountActivitySnapshot {
    const e = this.#entries.get(account);
    const now = this.#now().getTime();
    const wait = e?.budgetWait && e.budgetWait.until > now ? e.budgetWait : undefined;
    return {
      next_poll_at: e?.nextPollAt !== undefined ? new Date(e.nextPollAt).toISOString() : null,
      polling: e?.polling ?? false,
      last_poll_error: e?.lastError ?? null,
      budget_wait: wait ? { endpoint: wait.endpoint, until: new Date(wait.until).toISOString(), shared: wait.shared } : null,
    };
  }
}
