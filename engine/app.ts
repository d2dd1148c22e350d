/**
 * The composition root: the one place that wires a running orderwire together. From a runtime
 * (channels, the migrated store, one connector per account: daemon/runtime.ts) it starts the
 * poll scheduler, the action worker, the personal data retention sweep, the deadline watch, the
 * retry of failed document downloads and the back-office API with its webhook dispatcher, and
 * feeds the API's metrics from the workers' hooks. Lower layers never import upper ones (the
 * direction is checked by `npm run lint:layers`); only this file and the CLI see them all.
 *
 * Stopping is graceful: no new poll or action starts, in-flight listings are aborted between
 * pages (committed pages stay, the cursor does not move), actions in hand finish. A restart
 * continues from the committed cursors and the queued actions, so nothing is lost.
 */
import { startDaemonApi, type DaemonApi, type DaemonApiOptions } from './api/daemon-api.ts';
import { consoleRoutes } from './console/serve.ts';
import type { Runtime } from './daemon/runtime.ts';
import type { DeadlineAlert, StoredAction } from './store/store.ts';
import { ActionWorker } from './sync/action-worker.ts';
import { ListRefresher } from './sync/list-refresher.ts';
import { DeadlineWatcher } from './sync/deadline-watcher.ts';
import { DatabaseDocumentStore, UNFINISHED_AFTER_MS } from './store/database-documents.ts';
import { DocumentDownloadRetrier } from './sync/document-retrier.ts';
import { PeriodicTask } from './sync/periodic-task.ts';
import { RetentionSweeper } from './sync/retention.ts';
import { Scheduler } from './sync/scheduler.ts';
import type { SyncOutcome } from './sync/sync-window.ts';

export interface DaemonHooks {
  onRun?: (account: string, outcome: SyncOutcome | Error) => void;
  onActionOutcome?: (action: StoredAction, state: StoredAction['state']) => void;
  /** A live reference list could not be refreshed (its last values stay in use). */
  onListFailure?: (account: string, list: string, code: string) => void;
  onDeadlineAlert?: (alert: DeadlineAlert) => void;
  onDocumentRetry?: (account: string, outcome: 'downloaded' | 'failed' | 'gave_up') => void;
}

export interface Daemon {
  readonly scheduler: Scheduler;
  readonly worker: ActionWorker;
  /** Redacts buyers' personal data once their retention passed (config privacy). */
  readonly retention: RetentionSweeper;
  /** Refreshes the accounts' live reference lists (carriers, reasons) within their budgets. */
  readonly lists: ListRefresher;
  /** Sends `order.deadline_approaching` once per order and deadline kind (config deadlines). */
  readonly deadlines: DeadlineWatcher;
  /** Tries failed marketplace document downloads again on a bounded backoff. */
  readonly documents: DocumentDownloadRetrier;
  /** The back-office API (config.daemon.http.enabled); `api.ready` resolves with its URL. */
  readonly api?: DaemonApi;
  stop(): Promise<void>;
}

export function startDaemon(runtime: Runtime, options: { now?: () => Date; workerIntervalMs?: number; listsEveryMs?: number; documentRetryEveryMs?: number; hooks?: DaemonHooks; api?: DaemonApiOptions } = {}): Daemon {
  const { config, store, accounts, log, owner } = runtime;
  const now = options.now;
  const api = config.daemon.http.enabled
    ? startDaemonApi(
        { store, channels: runtime.channels, accounts: runtime.accountConfigs, log, owner, http: config.daemon.http, leaseMs: config.daemon.leaseTtlMs, activity: runtime.activity, files: runtime.files, webhooks: config.webhooks },
        // The operator console is served beside the API (daemon.http.console), as a client of /v1.
        { ...options.api, ...(now && { now }), ...(config.daemon.http.console && { plugins: [consoleRoutes(), ...(options.api?.plugins ?? [])] }) },
      )
    : undefined;
  const hooks = api ? combineHooks(api.hooks, options.hooks) : options.hooks;
  const scheduler = new Scheduler({
    store,
    accounts,
    log,
    owner,
    leaseMs: config.daemon.leaseTtlMs,
    windows: { overlapMs: config.daemon.overlapMs, safetyMarginMs: config.daemon.safetyMarginMs },
    activity: runtime.activity,
    files: runtime.files,
    ...(now && { now }),
    ...(hooks?.onRun && { onRun: hooks.onRun }),
  });
  const worker = new ActionWorker({
    store,
    accounts,
    log,
    owner,
    leaseMs: config.daemon.leaseTtlMs,
    maxAttempts: config.daemon.actionMaxAttempts,
    ...(now && { now }),
    ...(hooks?.onActionOutcome && { onOutcome: hooks.onActionOutcome }),
  });
  const lists = new ListRefresher({
    store,
    accounts,
    log,
    owner,
    leaseMs: config.daemon.leaseTtlMs,
    ...(options.listsEveryMs !== undefined && { everyMs: options.listsEveryMs }),
    ...(now && { now }),
    ...(hooks?.onListFailure && { onFailure: hooks.onListFailure }),
  });
  const retention = new RetentionSweeper({ store, files: runtime.files, log, retentionMs: config.privacy.retentionMs, everyMs: config.privacy.checkEveryMs, ...(now && { now }) });
  const deadlines = new DeadlineWatcher({
    store,
    log,
    leads: config.deadlines.alertBeforeMs,
    everyMs: config.deadlines.checkEveryMs,
    ...(now && { now }),
    ...(hooks?.onDeadlineAlert && { onAlert: hooks.onDeadlineAlert }),
    accounts: [...accounts.values()].map((a) => a.account),
  });
  const documents = new DocumentDownloadRetrier({
    store,
    accounts,
    files: runtime.files,
    log,
    ...(options.documentRetryEveryMs !== undefined && { everyMs: options.documentRetryEveryMs }),
    ...(now && { now }),
    ...(hooks?.onDocumentRetry && { onOutcome: hooks.onDocumentRetry }),
  });
  // Documents in the database: chunks of writes a killed process left unfinished are deleted.
  const files = runtime.files;
  const unfinished = files instanceof DatabaseDocumentStore
    ? new PeriodicTask({
        run: async () => {
          const n = await files.discardUnfinished(new Date((now?.() ?? new Date()).getTime() - UNFINISHED_AFTER_MS));
          if (n > 0) log.info({ writes: n }, 'unfinished document writes deleted');
        },
        everyMs: 3_600_000,
        log,
        failure: 'deleting unfinished document writes failed; trying again next period',
      })
    : undefined;
  scheduler.start();
  lists.start();
  documents.start();
  unfinished?.start();
  retention.start();
  deadlines.start();
  // daemon.action_workers: how many actions this daemon sends at once.
  worker.start(options.workerIntervalMs ?? 1_000, config.daemon.actionWorkers);
  log.info({ owner, accounts: [...accounts.keys()], store: store.kind }, 'daemon started');
  let stopping: Promise<void> | undefined;
  return {
    scheduler,
    worker,
    retention,
    lists,
    deadlines,
    documents,
    ...(api && { api }),
    stop() {
      stopping ??= (async () => {
        log.info('daemon stopping');
        await Promise.all([scheduler.stop(), worker.stop(), lists.stop(), retention.stop(), deadlines.stop(), documents.stop(), unfinished?.stop(), api?.close()]);
        log.info('daemon stopped');
      })();
      return stopping;
    },
  };
}

/** The API's hooks followed by the caller's own. */
function combineHooks(api: Required<DaemonHooks>, own: DaemonHooks = {}): DaemonHooks {
  return {
    onRun: (account, outcome) => {
      api.onRun(account, outcome);
      own.onRun?.(account, outcome);
    },
    onActionOutcome: (action, state) => {
      api.onActionOutcome(action, state);
      own.onActionOutcome?.(action, state);
    },
    onListFailure: (account, list, code) => {
      api.onListFailure(account, list, code);
      own.onListFailure?.(account, list, code);
    },
    onDeadlineAlert: (alert) => {
      api.onDeadlineAlert(alert);
      own.onDeadlineAlert?.(alert);
    },
    onDocumentRetry: (account, outcome) => {
      api.onDocumentRetry(account, outcome);
      own.onDocumentRetry?.(account, outcome);
    },
  };
}
