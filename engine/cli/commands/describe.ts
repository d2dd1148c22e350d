/** `orderwire describe <channel|file> [--json]`: the compiled channel, as the API serves it. */
import type { Command } from 'commander';
import { describeChannel } from '../../channel/describe.ts';
import { describeText } from '../../channel/describe-text.ts';
import { loadChannelForCommand } from '../load-channel.ts';

export function register(program: Command): void {
  program
    .command('describe')
    .description('Show a channel as the engine compiled it: statuses, allowed actions and their fields per status. With --json, the document the back-office API serves (schemas/channel-description.schema.json).')
    .argument('<channel>', 'channel id (a file of channels/) or path to a channel .yaml file')
    .option('--json', 'print the JSON description (snake_case, every key present) instead of the summary')
    .action(async (channelArg: string, options: { json?: boolean }) => {
      const channel = await loadChannelForCommand(channelArg);
      if (!channel) return;
      const description = describeChannel(channel);
      process.stdout.write(options.json ? JSON.stringify(description, null, 2) + '\n' : describeText(description));
    });
}
