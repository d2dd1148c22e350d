/**
 * The store writes of one sync run (commits of buffered orders, quarantined records): one in
 * flight at most, in the order they were started. `start` waits for the write in flight (and
 * throws its error), then starts the next one without waiting for it, so the caller goes on
 * listing and mapping while it runs (on PostgreSQL a commit is mostly waiting for the server).
 * `drain` waits for the last one. After a failure nothing more is started: a run stops before
 * any later write, and its cursor, which moves only after a drain, stays where it was.
 */
export class WriteQueue {
  #inFlight: Promise<void> | undefined;
  #failure: { error: unknown } | undefined;

  /** A write failed: this queue starts nothing more. */
  get failed(): boolean {
    return this.#failure !== undefined;
  }

  /** Waits for the write in flight (throwing its error), then starts `write` and returns. */
  async start(write: () => Promise<void>): Promise<void> {
    await this.drain();
    // Caught at once, so a failure while the caller is busy elsewhere is no unhandled rejection;
    // the next start or drain throws it.
    this.#inFlight = write().catch((error: unknown) => {
      this.#failure = { error };
    });
  }

  /** Waits for the write in flight; throws the error of a write that failed. */
  async drain(): Promise<void> {
    const inFlight = this.#inFlight;
    this.#inFlight = undefined;
    await inFlight;
    if (this.#failure) throw this.#failure.error;
  }
}
