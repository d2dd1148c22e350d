import type { Command } from 'commander';
import { publicAction } from '../../api/resources.ts';
import { OrderwireError } from '../../errors.ts';
import type { ActionState } from '../../store/store.ts';
import { addConfigOption, withRuntime } from '../runtime-options.ts';
import { renderTable } from '../table.ts';

const STATES: ActionState[] = ['queued', 'sending', 'succeeded', 'failed', 'needs_attention', 'canceled'];

export function register(program: Command): void {
  addConfigOption(
    program
      .command('actions')
      .description('List seller actions and their delivery state.')
      .option('--state <states>', `comma list of ${STATES.join(', ')}`)
      .option('--account <id>', 'only this account')
      .option('--order <id>', 'only this marketplace order id')
      .option('--limit <n>', 'at most this many', '50')
      .option('--json', 'print JSON'),
  ).action(async (opts: { config?: string; state?: string; account?: string; order?: string; limit: string; json?: boolean }) => {
    const states = opts.state?.split(',').map((s) => s.trim()) as ActionState[] | undefined;
    const bad = states?.filter((s) => !STATES.includes(s));
    if (bad?.length) throw new OrderwireError('USAGE', `--state: unknown state ${bad.join(', ')} (one of ${STATES.join(', ')})`);
    await withRuntime(opts, async (rt) => {
      const page = await rt.store.listActions({
        ...(states && { state: states }),
        ...(opts.account && { account: opts.account }),
        ...(opts.order && { marketplace_order_id: opts.order }),
        limit: Number(opts.limit) || 50,
      });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ items: page.items.map(publicAction) }, null, 2)}\n`);
        return;
      }
      const rows = page.items.map((a) => [a.id, a.account, a.marketplace_order_id, a.action, a.state, String(a.attempts), a.updated_at, a.error ? `${a.error.code}: ${a.error.message}` : '']);
      process.stdout.write(renderTable(['ID', 'ACCOUNT', 'ORDER', 'ACTION', 'STATE', 'TRIES', 'UPDATED', 'ERROR'], rows));
    }, { connect: false });
  });
}
