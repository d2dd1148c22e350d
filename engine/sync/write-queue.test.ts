import { describe, expect, it } from 'vitest';
import { WriteQueue } from './write-queue.ts';

/** A write that ends only when the test says so. */
function gate(): { promise: Promise<void>; open: () => void; fail: (err: Error) => void } {
  let open!: () => void;
  let fail!: (err: Error) => void;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

describe('WriteQueue', () => {
  it('returns once a write is started, runs one write at a time, in order', async () => {
    const q = new WriteQueue();
    const log: string[] = [];
    const first = gate();
    await q.start(async () => {
      log.push('first started');
      await first.promise;
      log.push('first done');
    });
    // start returned while the first write is still running: the caller maps the next page meanwhile.
    expect(log).toEqual(['first started']);
    let secondStarted = false;
    const second = q.start(async () => {
      log.push('second started');
    }).then(() => (secondStarted = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(secondStarted).toBe(false);
    expect(log).toEqual(['first started']);
    first.open();
    await second;
    await q.drain();
    expect(log).toEqual(['first started', 'first done', 'second started']);
  });

  it('after a failed write starts nothing more, and every later start and drain throws its error', async () => {
    const q = new WriteQueue();
    const first = gate();
    await q.start(() => first.promise);
    first.fail(new Error('commit refused'));
    // Let the rejection settle while nobody awaits the queue: it must not be an unhandled rejection.
    await new Promise((r) => setTimeout(r, 10));
    expect(q.failed).toBe(true);
    let later = false;
    await expect(q.start(async () => {
      later = true;
    })).rejects.toThrow('commit refused');
    expect(later).toBe(false);
    await expect(q.drain()).rejects.toThrow('commit refused');
  });

  it('drain waits for the write in flight', async () => {
    const q = new WriteQueue();
    const first = gate();
    let done = false;
    await q.start(async () => {
      await first.promise;
      done = true;
    });
    const drained = q.drain();
    setTimeout(first.open, 5);
    await drained;
    expect(done).toBe(true);
    expect(q.failed).toBe(false);
    await q.drain();
  });
});
