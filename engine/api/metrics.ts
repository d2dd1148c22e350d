/**
 * Prometheus metrics (prom-client) in a dedicated Registry, served at /metrics:
 * - orderwire_sync_runs_total{account,kind,state}        counter, from the scheduler's runs
 * - orderwire_orders{account,status}                     gauge, one GROUP BY at scrape time
 * - orderwire_marketplace_errors_total{account,endpoint,kind}  counter: failed listings
 *   (endpoint list_orders, kind = error code) and unsuccessful action sends (endpoint = the
 *   action, kind = failed | needs_attention | transient)
 * - orderwire_actions_total{account,action,outcome}      counter of worker decisions
 * - orderwire_api_errors_total{code,status}              counter of problem responses
 * - orderwire_webhook_deliveries_total{outcome}          counter of delivery attempts
 * - orderwire_http_request_duration_seconds{route,method,status}  histogram
 * - orderwire_last_successful_sync_seconds{account}      gauge: seconds since, at scrape time
 * - orderwire_quarantined_records{account,code}          gauge: records in quarantine, at scrape time
 * - orderwire_reference_list_failures_total{account,list,code}  counter: failed refreshes of live
 *   reference lists (carriers, reasons); the last list fetched stays in use
 * - orderwire_reference_list_age_seconds{account,list}   gauge: seconds since each live list was fetched, at scrape time
 * - orderwire_orders_due{account,within}                gauge: orders whose next step (acceptance,
 *   then shipping) is due before now (within="overdue") or within 24 hours (within="24h"), at scrape time
 * - orderwire_deadline_alerts_total{account,kind,overdue}  counter: order.deadline_approaching alerts raised
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { OrderwireError } from '../errors.ts';
import type { DeadlineAlert, Store, StoredAction } from '../store/store.ts';
import type { SyncOutcome } from '../sync/sync-window.ts';

export class ApiMetrics {
  readonly registry = new Registry();
  readonly syncRuns: Counter<'account' | 'kind' | 'state'>;
  readonly marketplaceErrors: Counter<'account' | 'endpoint' | 'kind'>;
  readonly actions: Counter<'account' | 'action' | 'outcome'>;
  readonly apiErrors: Counter<'code' | 'status'>;
  readonly webhookDeliveries: Counter<'outcome'>;
  readonly httpDuration: Histogram<'route' | 'method' | 'status'>;
  readonly listFailures: Counter<'account' | 'list' | 'code'>;
  readonly documentRetries: Counter<'account' | 'outcome'>;
  readonly deadlineAlerts: Counter<'account' | 'kind' | 'overdue'>;

  constructor(store: Store, now: () => Date = () => new Date()) {
    const registers = [this.registry];
    this.syncRuns = new Counter({ name: 'orderwire_sync_runs_total', help: 'Sync runs by account, window kind and final state.', labelNames: ['account', 'kind', 'state'], registers });
    this.marketplaceErrors = new Counter({
      name: 'orderwire_marketplace_errors_total',
      help: 'Marketplace API errors: failed listings (endpoint list_orders) and failed action sends (endpoint = action), by error code.',
      labelNames: ['account', 'endpoint', 'kind'],
      registers,
    });
    this.actions = new Counter({ name: 'orderwire_actions_total', help: 'Action worker decisions: succeeded, failed, needs_attention, or queued again for a retry.', labelNames: ['account', 'action', 'outcome'], registers });
    this.apiErrors = new Counter({ name: 'orderwire_api_errors_total', help: 'Back-office API problem responses by error code and HTTP status.', labelNames: ['code', 'status'], registers });
    this.webhookDeliveries = new Counter({ name: 'orderwire_webhook_deliveries_total', help: 'Webhook delivery attempts by outcome (delivered, retry, dead).', labelNames: ['outcome'], registers });
    this.deadlineAlerts = new Counter({
      name: 'orderwire_deadline_alerts_total',
      help: 'order.deadline_approaching alerts raised, by account, deadline kind (acceptance, shipping) and whether the deadline had already passed.',
      labelNames: ['account', 'kind', 'overdue'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'orderwire_http_request_duration_seconds',
      help: 'Back-office API request latency by route template, method and status.',
      labelNames: ['route', 'method', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.listFailures = new Counter({
      name: 'orderwire_reference_list_failures_total',
      help: 'Failed refreshes of live reference lists (carriers, reasons) by account, list and error code; the last list fetched stays in use.',
      labelNames: ['account', 'list', 'code'],
      registers,
    });
    this.documentRetries = new Counter({
      name: 'orderwire_document_download_retries_total',
      help: 'Failed marketplace document downloads (delivery slips) tried again by the daemon, by account and outcome: downloaded, failed (tried again later), gave_up (DOCUMENT_DOWNLOAD_FAILED logged as an error).',
      labelNames: ['account', 'outcome'],
      registers,
    });
    new Gauge({
      name: 'orderwire_reference_list_age_seconds',
      help: 'Seconds since each live reference list was last fetched, by account and list.',
      labelNames: ['account', 'list'],
      registers,
      async collect() {
        const lists = await store.listReferenceLists();
        this.reset();
        for (const l of lists) if (l.fetched_at !== undefined) this.set({ account: l.account, list: l.list }, Math.max(0, (now().getTime() - Date.parse(l.fetched_at)) / 1000));
      },
    });
    new Gauge({
      name: 'orderwire_orders',
      help: 'Stored orders by account and normalized status.',
      labelNames: ['account', 'status'],
      registers,
      async collect() {
        const counts = await store.countOrdersByStatus();
        this.reset();
        for (const c of counts) this.set({ account: c.account, status: c.status }, c.count);
      },
    });
    new Gauge({
      name: 'orderwire_quarantined_records',
      help: 'Marketplace records in quarantine (a sync could not store them; later windows retry them), by account and reason code.',
      labelNames: ['account', 'code'],
      registers,
      async collect() {
        const counts = await store.countQuarantine();
        this.reset();
        for (const c of counts) this.set({ account: c.account, code: c.code }, c.count);
      },
    });
    new Gauge({
      name: 'orderwire_last_successful_sync_seconds',
      help: 'Seconds since the last successful sync run of each account.',
      labelNames: ['account'],
      registers,
      async collect() {
        const latest = new Map<string, number>();
        for (const run of await store.lastSuccessfulRuns()) latest.set(run.account, Math.max(latest.get(run.account) ?? 0, Date.parse(run.finished_at)));
        this.reset();
        for (const [account, at] of latest) this.set({ account }, Math.max(0, (now().getTime() - at) / 1000));
      },
    });
    new Gauge({
      name: 'orderwire_orders_due',
      help: 'Orders whose next step (acceptance, then shipping) is due: already overdue, or within 24 hours, by account.',
      labelNames: ['account', 'within'],
      registers,
      async collect() {
        const accounts = [...new Set((await store.countOrdersByStatus()).map((c) => c.account))];
        const at = now().getTime();
        const windows = [['overdue', 0], ['24h', 86_400_000]] as const;
        const counts = await Promise.all(accounts.flatMap((account) => windows.map(async ([within, ms]) =>
          [account, within, await store.countOrders({ account, due_before: new Date(at + ms).toISOString() })] as const)));
        this.reset();
        for (const [account, within, n] of counts) this.set({ account, within }, n);
      },
    });
  }

  onRun(account: string, outcome: SyncOutcome | Error): void {
    if (outcome instanceof Error) {
      this.syncRuns.inc({ account, kind: 'unknown', state: 'failed' });
      this.marketplaceErrors.inc({ account, endpoint: 'list_orders', kind: outcome instanceof OrderwireError ? outcome.code : 'INTERNAL' });
      return;
    }
    this.syncRuns.inc({ account, kind: outcome.run.kind, state: outcome.run.state });
  }

  onActionOutcome(action: StoredAction, state: StoredAction['state']): void {
    this.actions.inc({ account: action.account, action: action.action, outcome: state });
    // The hook's action carries the state decided, not always the new error: count by decision.
    const kind = state === 'queued' ? 'transient' : state;
    if (state === 'failed' || state === 'needs_attention' || state === 'queued') this.marketplaceErrors.inc({ account: action.account, endpoint: action.action, kind });
  }

  onDeadlineAlert(alert: DeadlineAlert): void {
    this.deadlineAlerts.inc({ account: alert.account, kind: alert.kind, overdue: String(alert.overdue) });
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
