/** `orderwire schema [kind]`: print the JSON Schema of a kind of file (for editors, CI, other tools). */
import { readFile } from 'node:fs/promises';
import { Argument, type Command } from 'commander';
import { DOCUMENT_KINDS, KIND_NAMES, type DocumentKind } from '../../documents/kinds.ts';
import { schemaFile } from '../../documents/schemas.ts';

export function register(program: Command): void {
  program
    .command('schema')
    .description('Print the JSON Schema of a kind of orderwire file (default: channel, schemas/channel.schema.json), e.g. for editor completion or other validators.')
    .addArgument(new Argument('[kind]', 'channel, platform, config or channel-test').choices(KIND_NAMES).default('channel'))
    .action(async (kind: DocumentKind) => {
      process.stdout.write(await readFile(schemaFile(DOCUMENT_KINDS[kind].schema), 'utf8'));
    });
}
