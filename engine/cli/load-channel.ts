/**
 * Loading the channel a command names (`describe`, `doc`): an invalid channel prints its findings
 * like `orderwire validate` does and ends the command with exit code 1; a missing one is a usage
 * error (exit 2) reported by the CLI entry point.
 */
import { readFile } from 'node:fs/promises';
import type { Finding } from '../documents/finding.ts';
import { loadChannel } from '../channel/load.ts';
import type { Channel } from '../channel/model.ts';
import { formatHuman } from '../documents/report/human.ts';
import { OrderwireError } from '../errors.ts';
import { EXIT } from './exit-codes.ts';

export async function loadChannelForCommand(idOrFile: string): Promise<Channel | undefined> {
  try {
    return await loadChannel(idOrFile);
  } catch (err) {
    if (!(err instanceof OrderwireError) || err.code !== 'CHANNEL_INVALID') throw err;
    const file = String(err.details.file);
    const findings = err.details.findings as Finding[];
    const text = await readFile(file, 'utf8').catch(() => undefined);
    process.stderr.write(formatHuman([{ file, findings, ...(text !== undefined && { text }) }]));
    process.exitCode = EXIT.FINDINGS;
    return undefined;
  }
}
