/**
 * WAL checkpoints off the main thread. SQLite's automatic checkpoint runs inside the COMMIT that
 * crosses its threshold: it copies the WAL back into the database and waits for two fsyncs, and
 * the event loop is blocked all that time (on a first sync, every other 1,000-order commit took
 * ~140 ms instead of ~20 ms: 6 of its 50 s). Once a store's WAL has grown large, a worker thread
 * with its own connection runs PASSIVE checkpoints after the commits instead: they never take the
 * write lock and never wait for readers or writers, so the main thread goes on listing and
 * committing while the worker copies. The main connection's own automatic checkpoint stays as a
 * backstop, at a higher threshold, for a worker that falls behind; a worker that fails hands the
 * job back to it.
 */
import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/** Start the worker once the WAL file reaches this size (SQLite's own default threshold, 1,000 pages, is 4 MiB). */
export const START_AT_WAL_BYTES = 16 * 1024 * 1024;
/** The main connection's automatic checkpoint while the worker runs (a WAL of 20,000 pages of 4 KB): only if the worker falls far behind. */
export const BACKSTOP_WAL_BYTES = 20_000 * 4096;

/**
 * The worker: one connection, one PASSIVE checkpoint per signal. Signals are coalesced in a shared
 * flag, so commits made during a checkpoint cost one more checkpoint, not one each. Plain
 * JavaScript evaluated as the worker's source: it needs nothing but node:sqlite.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(workerData.file);
db.exec('PRAGMA busy_timeout = 5000');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const flag = new Int32Array(workerData.flag);
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  if (Atomics.exchange(flag, 0, 0) === 0) return;
  const row = checkpoint.get();
  parentPort.postMessage({ frames: row.log, copied: row.checkpointed });
});
`;

export interface CheckpointerEvents {
  /** The worker stopped on an error: the caller restores the connection's own automatic checkpoint. */
  onFailure(err: unknown): void;
}

export class Checkpointer {
  readonly #worker: Worker;
  readonly #flag = new Int32Array(new SharedArrayBuffer(4));
  readonly #exited: Promise<void>;
  #closed = false;
  #ended = false;
  /** Checkpoints the worker has run, with the WAL's frames and those copied at the last one. */
  runs = 0;
  last: { frames: number; copied: number } | undefined;

  constructor(file: string, events: CheckpointerEvents) {
    this.#worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, flag: this.#flag.buffer } });
    // A daemon stopping never waits for a checkpoint: the next one (or SQLite at open) finishes it.
    this.#worker.unref();
    this.#exited = new Promise((resolve) => this.#worker.once('exit', () => {
      this.#ended = true;
      resolve();
    }));
    this.#worker.on('message', (result: { frames: number; copied: number }) => {
      this.runs += 1;
      this.last = result;
    });
    this.#worker.on('error', (err) => {
      if (this.#closed) return;
      this.#closed = true;
      events.onFailure(err);
    });
  }

  get running(): boolean {
    return !this.#closed;
  }

  /** The thread has ended (its connection is closed). */
  get ended(): boolean {
    return this.#ended;
  }

  /** After a commit: a checkpoint is due (one at a time; signals during one are folded into the next). */
  signal(): void {
    if (this.#closed) return;
    if (Atomics.exchange(this.#flag, 0, 1) === 0) this.#worker.postMessage('checkpoint');
  }

  /**
   * Stops the worker: it closes its connection after the checkpoint it may be running. Resolves
   * once the thread has ended, so a store's close leaves no connection to its file behind (the
   * last one to close removes the WAL and shared-memory files: a caller deleting the folder
   * next must not race it). Held open meanwhile, or a process with nothing else to do would exit
   * in the middle of the await.
   */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#worker.ref();
      this.#worker.postMessage('close');
    }
    return this.#exited;
  }
}

/** Size of the database's WAL file (0 when it has none): how much a checkpoint may have to copy. */
export function walBytes(file: string): number {
  try {
    return statSync(`${file}-wal`).size;
  } catch {
    return 0;
  }
}
