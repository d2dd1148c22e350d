/**
 * `orderwire privacy erase|retention`: buyers' personal data. `erase` answers a data subject's
 * erasure request (GDPR art. 17) for one buyer e-mail; `retention` redacts now what the daemon's
 * schedule would (orders whose final status is older than privacy.retention). What is redacted:
 * engine/order/personal-data.ts.
 */
import type { Command } from 'commander';
import { durationToMs } from '../../channel/duration.ts';
import { OrderwireError } from '../../errors.ts';
import { removeOrderDocuments } from '../../store/document-store.ts';
import { RetentionSweeper } from '../../sync/retention.ts';
import { silentLogger } from '../../log.ts';
import { addConfigOption, withRuntime } from '../runtime-options.ts';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function register(program: Command): void {
  const privacy = program.command('privacy').description("Buyers' personal data: erase a data subject's, or apply the retention now.");

  addConfigOption(
    privacy
      .command('erase')
      .description("Redact the personal data (names, e-mail, phones, addresses) of every order of a buyer, in the order and its raw payload.")
      .requiredOption('--buyer-email <email>', "the buyer's e-mail address (case-insensitive)")
      .option('--account <id>', 'only orders of this account (repeat for several; default: every account)', collect)
      .option('--json', 'print JSON'),
  ).action(async (opts: { config?: string; buyerEmail: string; account?: string[]; json?: boolean }) => {
    if (!opts.buyerEmail.includes('@')) throw new OrderwireError('USAGE', '--buyer-email must be an e-mail address');
    await withRuntime(opts, async (rt) => {
      const unknown = (opts.account ?? []).filter((a) => !rt.accountConfigs.has(a));
      if (unknown.length > 0) throw new OrderwireError('USAGE', `--account: no account ${unknown.map((a) => `"${a}"`).join(', ')} in the configuration`);
      const ids = await rt.store.erasePersonalData({ buyer_email: opts.buyerEmail, ...(opts.account && { accounts: opts.account }) });
      // Their documents (invoices, delivery slips) carry the buyer's name and address.
      const documents = await removeOrderDocuments(rt.files, ids);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ orders: ids.length, order_ids: ids, documents_deleted: documents.length }, null, 2)}\n`);
        return;
      }
      process.stdout.write(ids.length === 0
        ? 'no order with personal data of this buyer (none stored, or already redacted)\n'
        : `personal data redacted in ${ids.length} order${ids.length === 1 ? '' : 's'}: ${ids.join(', ')}${documents.length > 0 ? `; ${documents.length} document${documents.length === 1 ? '' : 's'} deleted` : ''}\n`);
    }, { connect: false });
  });

  addConfigOption(
    privacy
      .command('retention')
      .description('Redact now the personal data of orders whose final status is older than privacy.retention (the daemon does it every privacy.check_every).')
      .option('--retention <duration>', 'ISO 8601 duration overriding privacy.retention for this run, e.g. P90D')
      .option('--json', 'print JSON'),
  ).action(async (opts: { config?: string; retention?: string; json?: boolean }) => {
    const override = opts.retention === undefined ? undefined : durationToMs(opts.retention);
    if (opts.retention !== undefined && (override === undefined || override <= 0)) throw new OrderwireError('USAGE', `--retention: not a positive ISO 8601 duration: ${opts.retention}`);
    await withRuntime(opts, async (rt) => {
      const retentionMs = override ?? rt.config.privacy.retentionMs;
      const n = await new RetentionSweeper({ store: rt.store, files: rt.files, log: silentLogger(), retentionMs, everyMs: rt.config.privacy.checkEveryMs }).sweep();
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ orders: n, retention_ms: retentionMs }, null, 2)}\n`);
        return;
      }
      process.stdout.write(`personal data redacted in ${n} order${n === 1 ? '' : 's'} in a final status for more than ${Math.round(retentionMs / 86_400_000)} days\n`);
    }, { connect: false });
  });
}
