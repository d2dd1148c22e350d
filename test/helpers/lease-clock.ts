/**
 * A clock for lease tests. Workers and schedulers take `now` from it (their `now` option), and
 * `advance(ms)` moves it in small steps, firing on the way the lease renewals (setInterval) that
 * fall due, each seeing the clock at its own time. A test then says "two lease TTLs pass" exactly,
 * whatever the machine's load, instead of sleeping against a TTL. Only setInterval is faked:
 * HTTP, the simulators and polling helpers keep real timers.
 */
import { vi } from 'vitest';

export interface LeaseClock {
  now(): Date;
  advance(ms: number): Promise<void>;
  /** Gives setInterval back to real time (call in afterEach). */
  restore(): void;
}

export function useLeaseClock(start = Date.now(), stepMs = 10): LeaseClock {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  let t = start;
  return {
    now: () => new Date(t),
    async advance(ms) {
      for (let moved = 0; moved < ms; moved += stepMs) {
        t += Math.min(stepMs, ms - moved);
        await vi.advanceTimersByTimeAsync(Math.min(stepMs, ms - moved));
      }
    },
    restore: () => vi.useRealTimers(),
  };
}
