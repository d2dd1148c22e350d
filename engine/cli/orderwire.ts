#!/usr/bin/env -S node --disable-warning=ExperimentalWarning
/**
 * `orderwire` command line. Runs straight from TypeScript on Node >= 22.18 (type stripping), so
 * `npx orderwire ...` works right after `npm ci` with no build step.
 */
import { SimulatorError } from '@orderwire/simulators';
import { Command, CommanderError } from 'commander';
import { OrderwireError } from '../errors.ts';
import { commands } from './commands/index.ts';
import { EXIT } from './exit-codes.ts';

export function buildProgram(): Command {
  const program = new Command('orderwire')
    .description('Marketplace order integration: channels as YAML, one engine to sync orders and deliver seller actions.')
    .version(process.env.npm_package_version ?? '0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of commands) register(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? EXIT.OK : Number(process.exitCode);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through exitOverride with code 0.
      return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    if (err instanceof OrderwireError) {
      process.stderr.write(`orderwire: error[${err.code}]: ${err.message}\n`);
      return err.code === 'USAGE' || err.definition.http < 500 ? EXIT.USAGE : EXIT.INTERNAL;
    }
    if (err instanceof SimulatorError) {
      // `simulate` and `demo` start the simulators, whose codes live in their own package.
      process.stderr.write(`orderwire: error[${err.code}]: ${err.message}\n`);
      return err.definition.http < 500 ? EXIT.USAGE : EXIT.INTERNAL;
    }
    process.stderr.write(`orderwire: error[INTERNAL]: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    return EXIT.INTERNAL;
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.filename !== undefined &&
  (await import('node:fs')).realpathSync(process.argv[1]) === import.meta.filename;
if (invokedDirectly) {
  const code = await main(process.argv.slice(2));
  // Long-running commands (run, simulate, demo) keep the event loop alive and set no exit code.
  if (code !== EXIT.OK || process.exitCode !== undefined) process.exitCode = code;
}
