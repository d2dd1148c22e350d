/**
 * `orderwire token create|list|revoke`: API tokens of the back-office API. A token is printed once,
 * at creation; the store keeps only its SHA-256 and a short prefix (engine/api/tokens.ts).
 */
import type { Command } from 'commander';
import { createToken } from '../../api/tokens.ts';
import { OrderwireError } from '../../errors.ts';
import { addConfigOption, withRuntime } from '../runtime-options.ts';
import { renderTable } from '../table.ts';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function register(program: Command): void {
  const token = program.command('token').description('Manage API tokens of the back-office HTTP API (scoped to accounts).');

  addConfigOption(
    token
      .command('create')
      .description('Create a token for one or more accounts and print it ONCE (store it in your back office\'s secrets).')
      .requiredOption('--account <id>', 'account the token may see and act on (repeat for several)', collect)
      .option('--name <name>', 'a label to recognise the token in lists', 'api')
      .option('--json', 'print JSON'),
  ).action(async (opts: { config?: string; account: string[]; name: string; json?: boolean }) => {
    await withRuntime(opts, async (rt) => {
      const unknown = opts.account.filter((a) => !rt.accountConfigs.has(a));
      if (unknown.length > 0) {
        throw new OrderwireError('API_TOKEN_ACCOUNT_UNKNOWN', `no account ${unknown.map((a) => `"${a}"`).join(', ')} in the configuration (accounts: ${[...rt.accountConfigs.keys()].join(', ')})`);
      }
      const { token: text, record } = await createToken(rt.store, { name: opts.name, accounts: opts.account });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ ...record, token: text }, null, 2)}\n`);
        return;
      }
      process.stdout.write(`${text}\n`);
      process.stderr.write(`token ${record.id} (${record.prefix}...) for ${record.accounts.join(', ')}: shown once, only its hash is stored\n`);
    }, { connect: false });
  });

  addConfigOption(token.command('list').description('List tokens (id, name, prefix, accounts, revoked).').option('--json', 'print JSON')).action(
    async (opts: { config?: string; json?: boolean }) => {
      await withRuntime(opts, async (rt) => {
        const tokens = await rt.store.listApiTokens();
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ items: tokens }, null, 2)}\n`);
          return;
        }
        process.stdout.write(renderTable(['ID', 'NAME', 'PREFIX', 'ACCOUNTS', 'CREATED', 'REVOKED'], tokens.map((t) => [t.id, t.name, `${t.prefix}...`, t.accounts.join(','), t.created_at, t.revoked_at ?? ''])));
      }, { connect: false });
    },
  );

  addConfigOption(token.command('revoke').description('Revoke a token: requests with it get 401 at once.').argument('<id>', 'token id (from `orderwire token list`)')).action(
    async (id: string, opts: { config?: string }) => {
      await withRuntime(opts, async (rt) => {
        const revoked = await rt.store.revokeApiToken(id);
        if (!revoked) throw new OrderwireError('API_TOKEN_NOT_FOUND', `no token with id ${id}`);
        process.stdout.write(`revoked ${revoked.id} (${revoked.prefix}...) at ${revoked.revoked_at}\n`);
      }, { connect: false });
    },
  );
}
