/**
 * Simulated marketplace time. now = start + real elapsed × speed + manual advances, and never
 * goes backwards (a speed change rebases the anchor instead of recomputing from the start).
 * `speed: 0` freezes time so tests move it only with `advance()`.
 */
export interface SimClockOptions {
  /** Simulated time at creation. Default: the real current time. */
  start?: Date;
  /** Simulated ms per real ms. Default 1. */
  speed?: number;
  /** Real time source (ms epoch); injectable so the clock itself can be tested without waiting. */
  realNow?: () => number;
}

export type ClockListener = (nowMs: number) => void;

export class SimClock {
  #speed: number;
  #baseSim: number;
  #baseReal: number;
  #last = -Infinity;
  readonly #realNow: () => number;
  readonly #listeners = new Set<ClockListener>();

  constructor(opts: SimClockOptions = {}) {
    this.#realNow = opts.realNow ?? Date.now;
    this.#speed = checkSpeed(opts.speed ?? 1);
    this.#baseReal = this.#realNow();
    this.#baseSim = opts.start ? opts.start.getTime() : this.#baseReal;
    if (!Number.isFinite(this.#baseSim)) throw new RangeError('SimClock start is not a valid date');
  }

  get speed(): number {
    return this.#speed;
  }

  /** Simulated ms since the epoch. */
  now(): number {
    const t = Math.floor(this.#baseSim + (this.#realNow() - this.#baseReal) * this.#speed);
    // Real clocks can step back (NTP); simulated time must not.
    if (t > this.#last) this.#last = t;
    return this.#last;
  }

  nowDate(): Date {
    return new Date(this.now());
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`SimClock.advance: ms must be a finite number >= 0, got ${ms}`);
    this.#rebase();
    this.#baseSim += Math.floor(ms);
    this.#notify();
  }

  setSpeed(speed: number): void {
    this.#rebase();
    this.#speed = checkSpeed(speed);
    this.#notify();
  }

  /** Called after every manual advance or speed change (not on the passing of real time). */
  onChange(listener: ClockListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #rebase(): void {
    this.#baseSim = this.now();
    this.#baseReal = this.#realNow();
  }

  #notify(): void {
    const t = this.now();
    for (const listener of this.#listeners) listener(t);
  }
}

function checkSpeed(speed: number): number {
  if (!Number.isFinite(speed) || speed < 0) throw new RangeError(`SimClock speed must be a finite number >= 0, got ${speed}`);
  return speed;
}
