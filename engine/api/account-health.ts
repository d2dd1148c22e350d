/**
 * An account's health at a glance, from what the store recorded (its sync runs and committed
 * cursor) and what the daemon is doing now (next poll, budget waits, the last poll error):
 *
 * - `disabled`: the account is switched off in the configuration;
 * - `blocked` (red): the marketplace's rate limit refused the last poll (HTTP 429), or the daemon
 *   waits for a request budget (an OR11-style ceiling) for longer than a poll period;
 * - `failing` (red): the latest poll failed;
 * - `lagging` (red): the data is older than three poll periods (plus a minute) although no poll failed;
 * - `syncing`: the first sync (backfill) is running;
 * - `never_synced`: no sync has succeeded yet and none is running;
 * - `healthy`.
 */
import type { AccountActivitySnapshot } from '../sync/activity.ts';
import type { SyncRun } from '../store/store.ts';

export const HEALTH_STATES = ['healthy', 'syncing', 'never_synced', 'lagging', 'failing', 'blocked', 'disabled'] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

export interface HealthInput {
  enabled: boolean;
  pollEveryMs: number;
  /** The account's sync runs, newest first. */
  runs: readonly SyncRun[];
  /** Upper bound of the last committed incremental window (the data is complete up to it). */
  cursorAt: string | undefined;
  activity: AccountActivitySnapshot | null;
  now: Date;
}

export interface LastError {
  message: string;
  code: string | null;
  status: number | null;
  at: string;
}

export interface AccountHealth {
  state: HealthState;
  /** True for the states an operator must act on: blocked, failing, lagging. */
  red: boolean;
  /** Why, in words (empty when healthy). */
  reasons: string[];
  last_successful_sync_at: string | null;
  /** Seconds between now and the end of the last committed window; null before the first sync. */
  lag_seconds: number | null;
  /** Failed runs since the last successful one. */
  consecutive_failures: number;
  last_error: LastError | null;
}

const RED: ReadonlySet<HealthState> = new Set(['blocked', 'failing', 'lagging']);

function lastError(runs: readonly SyncRun[], activity: AccountActivitySnapshot | null): LastError | null {
  const live = activity?.last_poll_error;
  const failed = runs.find((r) => r.state === 'failed' || r.state === 'abandoned');
  const fromRun = failed ? { message: failed.error_message ?? 'failed', code: null, status: null, at: failed.finished_at ?? failed.started_at } : null;
  if (live && (!fromRun || Date.parse(live.at) >= Date.parse(fromRun.at))) return { message: live.message, code: live.code, status: live.status ?? null, at: live.at };
  return fromRun;
}

export function accountHealth(input: HealthInput): AccountHealth {
  const { runs, activity, now, pollEveryMs } = input;
  const finished = runs.filter((r) => r.state !== 'running');
  const lastSuccess = finished.find((r) => r.state === 'succeeded');
  const firstSuccessIndex = finished.findIndex((r) => r.state === 'succeeded');
  const consecutive = firstSuccessIndex === -1 ? finished.length : firstSuccessIndex;
  const error = lastError(runs, activity);
  const lag = input.cursorAt !== undefined ? Math.max(0, Math.round((now.getTime() - Date.parse(input.cursorAt)) / 1000)) : null;
  // The latest outcome decides: a live error newer than the last success, or a failed latest run.
  const latestFailed = error !== null && (lastSuccess?.finished_at === undefined || Date.parse(error.at) > Date.parse(lastSuccess.finished_at));
  const reasons: string[] = [];
  let state: HealthState;
  const wait = activity?.budget_wait;
  const waitMs = wait ? Date.parse(wait.until) - now.getTime() : 0;
  if (!input.enabled) {
    state = 'disabled';
    reasons.push('disabled in the configuration');
  } else if ((latestFailed && error?.status === 429) || waitMs > pollEveryMs) {
    state = 'blocked';
    if (latestFailed && error?.status === 429) reasons.push(`the marketplace refused the last poll with its rate limit (429): ${error.message}`);
    if (wait && waitMs > pollEveryMs) reasons.push(`waiting for the ${wait.endpoint} request budget until ${wait.until}${wait.shared ? ' (used up by other daemons)' : ''}`);
  } else if (latestFailed) {
    state = 'failing';
    reasons.push(`${consecutive > 1 ? `${consecutive} polls in a row failed` : 'the last poll failed'}: ${error!.message}`);
  } else if (lastSuccess && lag !== null && lag * 1000 > 3 * pollEveryMs + 60_000) {
    state = 'lagging';
    reasons.push(`orders are ${lag} s behind, more than three poll periods`);
  } else if (!lastSuccess) {
    state = activity?.polling ? 'syncing' : 'never_synced';
    reasons.push(activity?.polling ? 'first sync running (backfilling the lookback)' : 'no sync has succeeded yet');
  } else {
    state = 'healthy';
  }
  return {
    state,
    red: RED.has(state),
    reasons,
    last_successful_sync_at: lastSuccess?.finished_at ?? null,
    lag_seconds: lag,
    consecutive_failures: consecutive,
    last_error: error,
  };
}
