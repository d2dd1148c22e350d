/**
 * Live reference lists of one account (channel `lists.<name>.live`: Mirakl SH21 carriers, RE01
 * reasons; Octopia carriers): refreshing them within the marketplace's budget, and the channel
 * as the account sees it (its live lists' stored values in place of the file's).
 *
 * - A list is due when it was never fetched, when its refresh period passed since it was
 *   fetched, or, after a failure, when the retry delay passed (5 minutes, doubling, at most the
 *   refresh period). Lists of one source (RE01's refund and cancellation reasons) share a fetch.
 * - The endpoint's budget (Mirakl SH21: once a day) is taken from the store on the caller's
 *   clock before the request, shared by every process on the store; a budget spent says when it
 *   fits again and sends nothing.
 * - A failure never blocks anything: the last stored values (or the file's) stay in use; it is
 *   logged, recorded with the list (`orderwire lists`) and told to `onFailure` (metrics).
 */
import { withLiveLists, type LiveListValues } from '../channel/live-lists.ts';
import type { AccountListState } from '../channel/describe.ts';
import { msToDuration } from '../channel/duration.ts';
import type { Channel, ValueList } from '../channel/model.ts';
import type { Connector } from '../connector/connector.ts';
import type { FetchedValue } from '../connector/reference-lists.ts';
import { OrderwireError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { ReferenceListValue, Store, StoredReferenceList } from '../store/store.ts';
import type { AccountRuntime } from './account.ts';

const FIRST_RETRY_MS = 5 * 60_000;

export interface ListRefreshDeps {
  store: Store;
  connector: Pick<Connector, 'fetchList' | 'listSource'>;
  account: AccountRuntime;
  log: Pick<Logger, 'info' | 'warn'>;
  now: () => Date;
  /** Told of every failed fetch (metrics). */
  onFailure?: (account: string, list: string, code: string) => void;
}

export type ListRefreshOutcome =
  | { list: string; source: string; outcome: 'fetched'; values: number; fetched_at: string }
  | { list: string; source: string; outcome: 'not_due'; next_at: string }
  | { list: string; source: string; outcome: 'budget_spent'; next_at: string; message: string }
  | { list: string; source: string; outcome: 'failed'; code: string; error: string };

/** The channel's lists that declare a live source, by name. */
export function liveLists(channel: Channel): [string, ValueList & { live: NonNullable<ValueList['live']> }][] {
  return Object.entries(channel.lists).filter((e): e is [string, ValueList & { live: NonNullable<ValueList['live']> }] => e[1].live !== undefined);
}

function retryDelayMs(failures: number, refreshMs: number): number {
  return Math.min(refreshMs, FIRST_RETRY_MS * 2 ** Math.max(0, Math.min(failures - 1, 20)));
}

/** When a stored list is next due (now when it never was attempted). */
export function nextRefreshAt(stored: StoredReferenceList | undefined, refreshMs: number): number {
  if (!stored) return 0;
  const fetched = stored.fetched_at !== undefined ? Date.parse(stored.fetched_at) + refreshMs : Infinity;
  const retry = stored.failures > 0 ? Date.parse(stored.attempted_at) + retryDelayMs(stored.failures, refreshMs) : Infinity;
  return Math.min(fetched, retry);
}

function keep(value: FetchedValue): ReferenceListValue {
  return { code: value.code, label: value.label, ...(value.tracking_url !== undefined && { tracking_url: value.tracking_url }) };
}

/**
 * Refreshes the account's live lists that are due (all of them with `force`, still within the
 * budget). Never throws for a marketplace failure: each list's outcome says what happened.
 */
export async function refreshAccountLists(deps: ListRefreshDeps, options: { force?: boolean; only?: readonly string[]; signal?: AbortSignal } = {}): Promise<ListRefreshOutcome[]> {
  const { store, connector, account, log } = deps;
  const channel = account.channel;
  const lists = liveLists(channel).filter(([name]) => !options.only || options.only.includes(name));
  if (lists.length === 0) return [];
  const stored = new Map((await store.listReferenceLists({ account: account.id, channel: channel.id })).map((l) => [l.list, l]));
  const bySource = new Map<string, typeof lists>();
  for (const entry of lists) bySource.set(entry[1].live.from, [...(bySource.get(entry[1].live.from) ?? []), entry]);

  const outcomes: ListRefreshOutcome[] = [];
  for (const [source, group] of bySource) {
    options.signal?.throwIfAborted();
    const now = deps.now();
    const dueAt = Math.min(...group.map(([name, list]) => nextRefreshAt(stored.get(name), list.live.refreshMs)));
    if (!options.force && dueAt > now.getTime()) {
      for (const [name] of group) outcomes.push({ list: name, source, outcome: 'not_due', next_at: new Date(dueAt).toISOString() });
      continue;
    }
    const declared = connector.listSource(source);
    const fail = async (code: string, error: string): Promise<void> => {
      log.warn({ account: account.id, source, lists: group.map(([n]) => n), code, err: error }, 'reference list refresh failed; the last list stays in use');
      for (const [name] of group) {
        await store.recordReferenceListFailure({ account: account.id, channel: channel.id, list: name, source, attempted_at: now.toISOString(), error });
        deps.onFailure?.(account.id, name, code);
        outcomes.push({ list: name, source, outcome: 'failed', code, error });
      }
    };
    if (!declared) {
      await fail('CONNECTOR_LIST_NOT_DECLARED', `platform ${channel.platform} declares no reference list "${source}"`);
      continue;
    }
    if (declared.budget) {
      const decision = await store.takeBudget(`${account.id}:${declared.endpoint}`, declared.budget.limit, declared.budget.perMs, now);
      if (!decision.ok) {
        const next = new Date(now.getTime() + decision.retryAfterMs).toISOString();
        const per = msToDuration(declared.budget.perMs);
        const message = `${declared.endpoint} allows ${declared.budget.limit === 1 ? 'one request' : `${declared.budget.limit} requests`} per ${per} and that budget is spent for account ${account.id}; next refresh at ${next}`;
        log.info({ account: account.id, source, endpoint: declared.endpoint, next_at: next, code: 'REFERENCE_LIST_BUDGET_SPENT' }, 'reference list refresh waits for its budget');
        for (const [name] of group) outcomes.push({ list: name, source, outcome: 'budget_spent', next_at: next, message });
        continue;
      }
    }
    let fetched: FetchedValue[];
    try {
      const result = await connector.fetchList(source, options.signal);
      fetched = result.values;
      if (result.skipped > 0) log.warn({ account: account.id, source, skipped: result.skipped }, 'reference list records without a code or label left out');
    } catch (err) {
      if (options.signal?.aborted) throw err;
      const code = err instanceof OrderwireError ? err.code : 'REFERENCE_LIST_FETCH_FAILED';
      await fail(code, err instanceof Error ? err.message : String(err));
      continue;
    }
    for (const [name, list] of group) {
      const values = fetched.filter((v) => list.live.type === undefined || v.type === list.live.type).map(keep);
      // An empty answer would refuse every value: it is kept as a failure, never as the list.
      if (values.length === 0) {
        const error = `GET ${declared.endpoint} served no ${list.live.type !== undefined ? `record of type ${list.live.type}` : 'record'} for list ${name}`;
        log.warn({ account: account.id, source, list: name, code: 'REFERENCE_LIST_FETCH_FAILED' }, error);
        await store.recordReferenceListFailure({ account: account.id, channel: channel.id, list: name, source, attempted_at: now.toISOString(), error });
        deps.onFailure?.(account.id, name, 'REFERENCE_LIST_FETCH_FAILED');
        outcomes.push({ list: name, source, outcome: 'failed', code: 'REFERENCE_LIST_FETCH_FAILED', error });
        continue;
      }
      const saved = await store.saveReferenceList({ account: account.id, channel: channel.id, list: name, source, values, fetched_at: now.toISOString() });
      log.info({ account: account.id, list: name, source, values: values.length }, 'reference list refreshed');
      outcomes.push({ list: name, source, outcome: 'fetched', values: values.length, fetched_at: saved.fetched_at ?? now.toISOString() });
    }
  }
  return outcomes;
}

/** The stored live values of the account's live lists (those fetched at least once). */
export function liveValues(channel: Channel, stored: readonly StoredReferenceList[]): Map<string, LiveListValues> {
  const out = new Map<string, LiveListValues>();
  for (const list of stored) {
    if (list.channel !== channel.id || list.values === null || list.fetched_at === undefined || !channel.lists[list.list]?.live) continue;
    out.set(list.list, { values: list.values.map((v) => ({ code: v.code, label: v.label, ...(v.tracking_url !== undefined && { trackingUrl: v.tracking_url }) })), fetchedAt: list.fetched_at });
  }
  return out;
}

/** The channel as the account sees it: live lists with the values last fetched for the account. */
export async function accountChannel(store: Store, account: Pick<AccountRuntime, 'id' | 'channel'>): Promise<Channel> {
  return (await accountView(store, account)).channel;
}

/** The account's channel, and when each of its live lists was fetched (for descriptions). */
export async function accountView(store: Store, account: Pick<AccountRuntime, 'id' | 'channel'>): Promise<{ channel: Channel; state: AccountListState }> {
  if (liveLists(account.channel).length === 0) return { channel: account.channel, state: { account: account.id, fetched: {} } };
  const stored = await store.listReferenceLists({ account: account.id, channel: account.channel.id });
  const live = liveValues(account.channel, stored);
  const fetched: Record<string, string> = {};
  for (const [name, values] of live) fetched[name] = values.fetchedAt;
  return { channel: withLiveLists(account.channel, live), state: { account: account.id, fetched } };
}
