/**
 * A daemon task run once at start and then every `everyMs`, one run at a time. A failed run is
 * logged and tried again next period; `stop` waits for the run in progress (the retention sweep,
 * the deadline watch).
 */
import type { Logger } from '../log.ts';

export interface PeriodicTaskOptions {
  run: () => Promise<unknown>;
  everyMs: number;
  log: Logger;
  /** The log message of a failed run. */
  failure: string;
}

export class PeriodicTask {
  readonly #o: PeriodicTaskOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #stopped = false;

  constructor(options: PeriodicTaskOptions) {
    this.#o = options;
  }

  /** True once stopped: a run in progress checks it between batches. */
  get stopped(): boolean {
    return this.#stopped;
  }

  start(): void {
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running?.catch(() => undefined);
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.#o.run();
      this.#running
        .catch((err: unknown) => this.#o.log.error({ err }, this.#o.failure))
        .finally(() => this.#schedule(this.#o.everyMs));
    }, delayMs);
  }
}
