/**
 * `orderwire lists ACCOUNT` and `orderwire lists refresh ACCOUNT`: an account's value lists
 * (carriers, reasons) as its actions are validated against them: the live values its marketplace
 * served with their fetch time, or the channel file's values until a fetch succeeded; `refresh`
 * fetches the live ones now, within their endpoint's budget.
 */
import type { Command } from 'commander';
import { OrderwireError } from '../../errors.ts';
import type { StoredReferenceList } from '../../store/store.ts';
import type { AccountRuntime } from '../../sync/account.ts';
import { accountView, refreshAccountLists, type ListRefreshOutcome } from '../../sync/reference-lists.ts';
import type { Runtime } from '../../daemon/runtime.ts';
import { EXIT } from '../exit-codes.ts';
import { addConfigOption, locateCredentialError, withRuntime } from '../runtime-options.ts';

interface ListsOptions {
  config?: string;
  json?: boolean;
  values?: boolean;
}

interface ListReport {
  list: string;
  kind: string;
  /** `marketplace` (fetched for the account) or `file` (the channel file's values). */
  values_from: 'file' | 'marketplace';
  /** The platform list and record type, for live lists. */
  live: { from: string; type: string | null; refresh: string } | null;
  source: string | null;
  fetched_at: string | null;
  attempted_at: string | null;
  error: string | null;
  failures: number;
  values: { code: string; label: string }[];
}

async function report(rt: Runtime, account: AccountRuntime): Promise<ListReport[]> {
  const view = await accountView(rt.store, account);
  const stored = new Map<string, StoredReferenceList>((await rt.store.listReferenceLists({ account: account.id, channel: account.channel.id })).map((l) => [l.list, l]));
  return Object.entries(view.channel.lists).map(([name, list]) => {
    const row = list.live ? stored.get(name) : undefined;
    const fetchedAt = view.state.fetched[name];
    return {
      list: name,
      kind: list.kind,
      values_from: fetchedAt !== undefined ? 'marketplace' : 'file',
      live: list.live ? { from: list.live.from, type: list.live.type ?? null, refresh: list.live.refresh } : null,
      source: list.source ?? null,
      fetched_at: fetchedAt ?? null,
      attempted_at: row?.attempted_at ?? null,
      error: row?.error ?? null,
      failures: row?.failures ?? 0,
      values: list.values.map((v) => ({ code: v.code, label: v.label })),
    };
  });
}

function outcomeLine(o: ListRefreshOutcome): string {
  switch (o.outcome) {
    case 'fetched':
      return `  ${o.list}: fetched ${o.values} values`;
    case 'not_due':
      return `  ${o.list}: not due until ${o.next_at}`;
    case 'budget_spent':
      return `  ${o.list}: not refreshed: ${o.message}`;
    case 'failed':
      return `  ${o.list}: refresh failed (${o.code}): ${o.error}; the last list stays in use`;
  }
}

function text(accountId: string, lists: ListReport[], withValues: boolean): string {
  const out: string[] = [];
  for (const l of lists) {
    const origin = l.values_from === 'marketplace'
      ? `from the marketplace (${l.live!.from}${l.live!.type ? `, type ${l.live!.type}` : ''}), fetched ${l.fetched_at}`
      : l.live ? `from the channel file until fetched from the marketplace (${l.live.from}${l.live.type ? `, type ${l.live.type}` : ''})` : 'from the channel file (static)';
    out.push(`${l.list} (${l.kind}): ${l.values.length} values ${origin}`);
    if (l.live) out.push(`  refresh every ${l.live.refresh}${l.attempted_at ? `; last attempt ${l.attempted_at}` : '; never fetched'}`);
    if (l.error) out.push(`  last refresh failed (${l.failures} in a row): ${l.error}`);
    if (l.source) out.push(`  source: ${l.source}`);
    const shown = withValues ? l.values : l.values.slice(0, 12);
    out.push(`  ${shown.map((v) => (v.code === v.label ? v.code : `${v.code} (${v.label})`)).join(', ')}${shown.length < l.values.length ? `, ... (${l.values.length - shown.length} more; --values shows all)` : ''}`);
  }
  return `${accountId}\n${out.map((line) => `  ${line}`).join('\n')}\n`;
}

export function register(program: Command): void {
  addConfigOption(
    program
      .command('lists')
      .description("Show an account's value lists (carriers, reasons) as its actions are validated: the live values its marketplace served, with their source and fetch time, or the channel file's until fetched. `lists refresh ACCOUNT` fetches the live lists now, within their endpoint's budget (Mirakl SH21: once a day); exits 1 when a list could not be fetched.")
      .argument('<account-or-refresh>', 'account id, or `refresh` followed by the account id')
      .argument('[account]', 'account id (after `refresh`)')
      .option('--values', 'print every value (default: the first 12 of each list)')
      .option('--json', 'print the lists (and the refresh outcomes) as JSON'),
  ).action(async (first: string, second: string | undefined, opts: ListsOptions) => {
    const refresh = first === 'refresh' && second !== undefined;
    if (!refresh && second !== undefined) throw new OrderwireError('USAGE', `unexpected argument "${second}": use \`orderwire lists ACCOUNT\` or \`orderwire lists refresh ACCOUNT\``);
    const accountId = refresh ? second : first;
    await withRuntime(opts, async (rt) => {
      const account = rt.accountConfigs.get(accountId);
      if (!account) throw new OrderwireError('USAGE', `no account "${accountId}" in the configuration (known: ${[...rt.config.accounts.map((a) => a.id)].join(', ')})`);
      let outcomes: ListRefreshOutcome[] | undefined;
      if (refresh) {
        const entry = rt.accounts.get(accountId);
        if (!entry) throw new OrderwireError('USAGE', `account "${accountId}" could not be connected`);
        outcomes = await refreshAccountLists({ store: rt.store, connector: entry.connector, account: entry.account, log: rt.log, now: () => new Date() }, { force: true })
          .catch((err: unknown) => {
            throw locateCredentialError(err, rt, accountId);
          });
        if (outcomes.length === 0) process.stderr.write(`${accountId}: channel ${account.channel.id} has no live list\n`);
      }
      const lists = await report(rt, account);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ account: accountId, channel: account.channel.id, ...(outcomes && { refresh: outcomes }), lists }, null, 2)}\n`);
      } else {
        if (outcomes && outcomes.length > 0) process.stdout.write(`refresh:\n${outcomes.map(outcomeLine).join('\n')}\n`);
        process.stdout.write(text(accountId, lists, opts.values === true));
      }
      if (outcomes?.some((o) => o.outcome === 'failed')) process.exitCode = EXIT.FINDINGS;
    }, { accountIds: [accountId], connect: refresh });
  });
}
