/** `orderwire describe <channel|file> [--json] [--account A --config F]`: the compiled channel, as the API serves it. */
import type { Command } from 'commander';
import { describeChannel } from '../../channel/describe.ts';
import { describeText } from '../../channel/describe-text.ts';
import { OrderwireError } from '../../errors.ts';
import { accountView } from '../../sync/reference-lists.ts';
import { loadChannelForCommand } from '../load-channel.ts';
import { addConfigOption, withRuntime } from '../runtime-options.ts';

export function register(program: Command): void {
  addConfigOption(
    program
      .command('describe')
      .description('Show a channel as the engine compiled it: statuses, allowed actions and their fields per status, value lists and where they come from. With --json, the document the back-office API serves (schemas/channel-description.schema.json). With --account, the channel as that configured account sees it: its live lists with the values its marketplace served and their fetch time.')
      .argument('<channel>', 'channel id (a file of channels/) or path to a channel .yaml file')
      .option('--json', 'print the JSON description (snake_case, every key present) instead of the summary')
      .option('--account <id>', "describe the channel as this account of the configuration sees it (its live lists, read from the store)"),
  ).action(async (channelArg: string, options: { json?: boolean; account?: string; config?: string }) => {
    const print = (description: ReturnType<typeof describeChannel>): void => {
      process.stdout.write(options.json ? JSON.stringify(description, null, 2) + '\n' : describeText(description));
    };
    if (options.account === undefined) {
      const channel = await loadChannelForCommand(channelArg);
      if (channel) print(describeChannel(channel));
      return;
    }
    const accountId = options.account;
    await withRuntime(options, async (rt) => {
      const account = rt.accountConfigs.get(accountId);
      if (!account) throw new OrderwireError('USAGE', `no account "${accountId}" in the configuration (known: ${rt.config.accounts.map((a) => a.id).join(', ')})`);
      if (account.channel.id !== channelArg) throw new OrderwireError('USAGE', `account ${accountId} is on channel ${account.channel.id}, not ${channelArg}`);
      const view = await accountView(rt.store, account);
      print(describeChannel(view.channel, view.state));
    }, { accountIds: [accountId], connect: false });
  });
}
