/** `orderwire schema`: print the channel JSON Schema (for editors, CI, other tools). */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { CHANNEL_SCHEMA_FILE } from '../../channel/schema-check.ts';

export function register(program: Command): void {
  program
    .command('schema')
    .description('Print the JSON Schema of channel files (schemas/channel.schema.json), e.g. for editor completion or other validators.')
    .action(async () => {
      process.stdout.write(await readFile(CHANNEL_SCHEMA_FILE, 'utf8'));
    });
}
