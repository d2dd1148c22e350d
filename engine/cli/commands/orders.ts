import type { Command } from 'commander';
import type { OrderStatus } from '../../order/model.ts';
import { OrderwireError } from '../../errors.ts';
import { addConfigOption, withRuntime } from '../runtime-options.ts';
import { renderTable } from '../table.ts';

interface OrdersOptions {
  config?: string;
  account?: string;
  channel?: string;
  status?: string;
  marketplaceStatus?: string;
  since?: string;
  dueBefore?: string;
  limit: string;
  json?: boolean;
  quarantined?: boolean;
}

export function register(program: Command): void {
  addConfigOption(
    program
      .command('orders')
      .description('List stored orders, most recently changed last.')
      .option('--account <id>', 'only this account')
      .option('--channel <id>', 'only this channel')
      .option('--status <status>', 'only this normalized status (or "unknown")')
      .option('--marketplace-status <status>', 'only this marketplace status (exact)')
      .option('--since <time>', 'only orders updated at the marketplace since this ISO-8601 time')
      .option('--quarantined', 'list the quarantined records instead: marketplace records a sync could not store, with the reason (their raw payload with --json)')
      .option('--due-before <time>', 'only orders whose next step (acceptance, then shipping) is due before this ISO-8601 time')
      .option('--limit <n>', 'at most this many orders', '50')
      .option('--json', 'print JSON (one document with an items array)'),
  ).action(async (opts: OrdersOptions) => {
    const limit = Number(opts.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new OrderwireError('USAGE', `--limit must be a positive integer, got ${opts.limit}`);
    if (opts.quarantined && (opts.status || opts.marketplaceStatus || opts.since || opts.dueBefore)) {
      throw new OrderwireError('USAGE', '--quarantined lists records that are not orders yet: it combines with --account, --channel, --limit and --json only');
    }
    const since = opts.since === undefined ? undefined : new Date(opts.since);
    if (since && Number.isNaN(since.getTime())) throw new OrderwireError('USAGE', `--since: not an ISO-8601 time: ${opts.since}`);
    const dueBefore = opts.dueBefore === undefined ? undefined : new Date(opts.dueBefore);
    if (dueBefore && Number.isNaN(dueBefore.getTime())) throw new OrderwireError('USAGE', `--due-before: not an ISO-8601 time: ${opts.dueBefore}`);
    await withRuntime(opts, async (rt) => {
      if (opts.quarantined) {
        const page = await rt.store.listQuarantine({ ...(opts.account && { account: opts.account }), ...(opts.channel && { channel: opts.channel }), limit });
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ items: page.items }, null, 2)}\n`);
          return;
        }
        const rows = page.items.map((q) => [q.id, q.account, q.marketplace_order_id ?? '(no id)', q.code, String(q.attempts), q.last_seen_at, q.reason]);
        process.stdout.write(page.items.length ? renderTable(['QUARANTINE ID', 'ACCOUNT', 'ORDER', 'CODE', 'ATTEMPTS', 'LAST SEEN', 'REASON'], rows) : 'no quarantined records\n');
        return;
      }
      const page = await rt.store.listOrders({
        ...(opts.account && { account: opts.account }),
        ...(opts.channel && { channel: opts.channel }),
        ...(opts.status && { status: opts.status as OrderStatus }),
        ...(opts.marketplaceStatus && { marketplace_status: opts.marketplaceStatus }),
        ...(since && { updated_since: since.toISOString() }),
        ...(dueBefore && { due_before: dueBefore.toISOString() }),
        limit,
      });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ items: page.items.map((s) => ({ id: s.id, version: s.version, ...s.order, raw: undefined })) }, null, 2)}\n`);
        return;
      }
      const rows = page.items.map(({ id, order }) => [
        id,
        order.account,
        order.marketplace_order_id,
        order.status,
        order.marketplace_status,
        order.updated_at,
        `${order.totals.total.toFixed(2)} ${order.currency}`,
        String(order.lines.length),
        [order.delivered_by_marketplace ? `fulfilled:${order.fulfillment_code ?? 'yes'}` : '', order.status_unknown ? 'UNKNOWN-STATUS' : ''].filter(Boolean).join(' '),
      ]);
      process.stdout.write(renderTable(['ID', 'ACCOUNT', 'ORDER', 'STATUS', 'MARKETPLACE', 'UPDATED', 'TOTAL', 'LINES', 'FLAGS'], rows));
    }, { connect: false });
  });
}
