import type { Command } from 'commander';
import { OrderwireError } from '../../errors.ts';
import { acquirePollLease } from '../../sync/poll-lease.ts';
import { syncWindow, type SyncKind } from '../../sync/sync-window.ts';
import { EXIT } from '../exit-codes.ts';
import { addConfigOption, locateCredentialError, withRuntime } from '../runtime-options.ts';

interface SyncOptions {
  config?: string;
  catchUp?: boolean;
  since?: string;
  json?: boolean;
}

export function register(program: Command): void {
  addConfigOption(
    program
      .command('sync')
      .description('Run one sync of an account now: the incremental window from its cursor (the lookback on the first run), the catch-up with --catch-up, or a one-off window from --since (which moves no cursor). Exits 1 when records were quarantined (listed by `orders --quarantined`).')
      .argument('<account>', 'account id from the configuration')
      .option('--catch-up', "re-read the channel's whole lookback (2 days Cdiscount, 5 days Worten)")
      .option('--since <time>', 'a one-off window from this ISO-8601 time to now; the cursor of the incremental polls stays where it is')
      .option('--json', 'print the run as JSON'),
  ).action(async (accountId: string, opts: SyncOptions) => {
    if (opts.catchUp && opts.since) throw new OrderwireError('USAGE', '--catch-up and --since cannot be combined');
    const since = opts.since === undefined ? undefined : new Date(opts.since);
    if (since && Number.isNaN(since.getTime())) throw new OrderwireError('USAGE', `--since: not an ISO-8601 time: ${opts.since}`);
    const kind: SyncKind = opts.catchUp ? 'catch_up' : since ? 'manual' : 'incremental';
    await withRuntime(opts, async (rt) => {
      const entry = rt.accounts.get(accountId);
      if (!entry) throw new OrderwireError('USAGE', `no account "${accountId}" in the configuration (known: ${[...rt.accounts.keys()].join(', ')})`);
      // The same lease as the daemons' polls: never list an account's window twice at once. A
      // lease left by a process that died expires after its TTL, so wait that long at most.
      const ttl = rt.config.daemon.leaseTtlMs;
      const deadline = Date.now() + ttl + 5_000;
      let lease = await acquirePollLease(rt.store, accountId, rt.owner, ttl, () => new Date(), rt.log);
      if (!lease) process.stderr.write(`${accountId} is being polled by another process; waiting up to ${Math.round((ttl + 5_000) / 1000)} s for its poll lease...\n`);
      while (!lease && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        lease = await acquirePollLease(rt.store, accountId, rt.owner, ttl, () => new Date(), rt.log);
      }
      if (!lease) throw new OrderwireError('SYNC_ACCOUNT_BUSY', `${accountId} is still being polled by another process; try again when its poll ends`, { account: accountId });
      const held = lease;
      const progress = process.stderr.isTTY;
      let orders = 0;
      const outcome = await syncWindow(
        {
          store: rt.store,
          connector: entry.connector,
          account: entry.account,
          log: rt.log,
          now: () => new Date(),
          windows: { overlapMs: rt.config.daemon.overlapMs, safetyMarginMs: rt.config.daemon.safetyMarginMs },
          files: rt.files,
          onPageCommitted: ({ orders: n, page }) => {
            orders += n;
            if (progress) process.stderr.write(`\r  page ${page}: ${orders} orders committed`);
          },
        },
        kind,
        { ...(since && { since }), signal: held.signal },
      ).catch((err: unknown) => {
        throw locateCredentialError(err, rt, accountId);
      }).finally(() => held.release());
      if (progress) process.stderr.write('\n');
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ ...outcome.run, inserted: outcome.inserted, updated: outcome.updated, unknown_statuses: outcome.unknownStatuses, skipped: outcome.skipped, released: outcome.released, cursor_held: outcome.cursorHeld }, null, 2)}\n`);
      } else {
        const { run } = outcome;
        process.stdout.write(
          `${accountId}: ${run.kind} window ${run.window_from} .. ${run.window_to}\n` +
            `  ${run.pages} pages, ${run.orders} orders (${outcome.inserted} new, ${outcome.updated} updated), ${run.requests} API calls\n` +
            (outcome.skipped ? `  ${outcome.skipped} orders outside the channel's scope skipped\n` : '') +
            (outcome.unknownStatuses ? `  ${outcome.unknownStatuses} orders with a status the channel does not map (kept as "unknown")\n` : '') +
            (outcome.released ? `  ${outcome.released} quarantined records stored (they map now)\n` : '') +
            (outcome.quarantined
              ? `  ${outcome.quarantined} records quarantined (they could not be stored; the others were): see \`orderwire orders --quarantined --account ${accountId}\`\n`
              : '') +
            (outcome.cursorHeld ? `  the listing never proved it saw every order of the window (pages kept moving): the cursor stays, the next run lists it again\n` : ''),
        );
      }
      // The run succeeded and the cursor moved, but records wait for someone to look at them.
      if (outcome.quarantined > 0) process.exitCode = EXIT.FINDINGS;
    }, { accountIds: [accountId] });
  });
}
