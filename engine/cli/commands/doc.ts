/** `orderwire doc <channel|file> [--format md|json]`: a channel's documentation page. */
import { Option, type Command } from 'commander';
import { describeChannel } from '../../channel/describe.ts';
import { renderChannelDoc } from '../../channel/doc.ts';
import { loadChannelForCommand } from '../load-channel.ts';

export function register(program: Command): void {
  program
    .command('doc')
    .description('Print the documentation of a channel: retrieval, statuses and possible actions, fields and valid values, lists, fulfilment, scope, custom rules and a Mermaid state diagram. channels/docs/ holds the pages of the shipped channels.')
    .argument('<channel>', 'channel id (a file of channels/) or path to a channel .yaml file')
    .addOption(new Option('-f, --format <format>', 'md (Markdown page) or json (the describe --json document)').choices(['md', 'json']).default('md'))
    .action(async (channelArg: string, options: { format: 'md' | 'json' }) => {
      const channel = await loadChannelForCommand(channelArg);
      if (!channel) return;
      process.stdout.write(options.format === 'json' ? JSON.stringify(describeChannel(channel), null, 2) + '\n' : renderChannelDoc(channel));
    });
}
