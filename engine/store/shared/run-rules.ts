/** Checks for sync runs and leases shared by both stores. */
import { OrderwireError } from '../../errors.ts';
import type { SyncRun } from '../store.ts';
import { canonicalInstant } from './time.ts';
import { requireCount, requireText } from './validate.ts';

const RUN_KINDS: ReadonlySet<string> = new Set(['incremental', 'catch_up', 'backfill', 'manual']);
const FINISHED: ReadonlySet<string> = new Set(['succeeded', 'failed', 'abandoned']);

export type NewRun = Omit<SyncRun, 'id' | 'state' | 'finished_at' | 'pages' | 'orders' | 'requests' | 'errors' | 'quarantined'>;
export type RunFinish = Pick<SyncRun, 'state' | 'pages' | 'orders' | 'requests' | 'errors'> & { quarantined?: number; error_message?: string };

export function newRunRecord(run: NewRun, id: string): SyncRun {
  requireText(run?.account, 'account');
  requireText(run.channel, 'channel');
  if (!RUN_KINDS.has(run.kind)) {
    throw new OrderwireError('STORE_ARGUMENT_INVALID', `kind must be one of ${[...RUN_KINDS].join(', ')}, got ${JSON.stringify(run.kind)}`, { field: 'kind' });
  }
  return {
    id,
    account: run.account,
    channel: run.channel,
    kind: run.kind,
    window_from: canonicalInstant(run.window_from, 'window_from'),
    window_to: canonicalInstant(run.window_to, 'window_to'),
    started_at: canonicalInstant(run.started_at, 'started_at'),
    state: 'running',
    pages: 0,
    orders: 0,
    requests: 0,
    errors: 0,
    quarantined: 0,
  };
}

export function checkRunFinish(patch: RunFinish): void {
  if (!FINISHED.has(patch?.state)) {
    throw new OrderwireError('STORE_ARGUMENT_INVALID', `state must be succeeded, failed or abandoned, got ${JSON.stringify(patch?.state)}`, { field: 'state' });
  }
  for (const field of ['pages', 'orders', 'requests', 'errors'] as const) requireCount(patch[field], field);
  if (patch.quarantined !== undefined) requireCount(patch.quarantined, 'quarantined');
}

export function runNotFound(id: string): OrderwireError {
  return new OrderwireError('STORE_RUN_NOT_FOUND', `no sync run ${JSON.stringify(id)} in this store`, { id });
}
