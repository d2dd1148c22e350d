#!/usr/bin/env -S node --disable-warning=ExperimentalWarning --max-semi-space-size=8 --heap-growing-percent=100 --no-allocation-site-pretenuring
/**
 * `orderwire` command line. Runs straight from TypeScript on Node >= 22.18 (type stripping), so
 * `npx orderwire ...` works right after `npm ci` with no build step. The command's entry is
 * engine/cli/bin.js (the daemon's Node flags, the compile cache), which loads this file; run by
 * hand (`node <flags> engine/cli/orderwire.ts ...`) it works the same, without the compile cache.
 * It keeps bin.js's shebang and its executable mode: it was the bin before, and a link to it left
 * by an earlier install (npx keeps one per project) must still run.
 */
import { Command, CommanderError } from 'commander';
import { textProblem } from '../api/input-hygiene.ts';
import { OrderwireError } from '../errors.ts';
import { commands, type CommandEntry } from './commands/index.ts';
import { EXIT, exitCodeOf } from './exit-codes.ts';

/** The command the arguments name, when they name one; otherwise (help, unknown, none) every command is loaded. */
function namedCommand(argv: readonly string[]): CommandEntry | undefined {
  const first = argv.find((a) => !a.startsWith('-'));
  return commands.find((c) => c.name === first);
}

export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('orderwire')
    .description('Marketplace order integration: channels as YAML, one engine to sync orders and deliver seller actions.')
    .version(process.env.npm_package_version ?? '0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const named = namedCommand(argv);
  const modules = await Promise.all((named ? [named] : commands).map((c) => c.load()));
  for (const { register } of modules) register(program);
  return program;
}

/** Arguments are held to the API's input hygiene: no NUL, no lone surrogate (engine/api/input-hygiene.ts). */
function checkArguments(argv: readonly string[]): void {
  argv.forEach((arg, i) => {
    const problem = textProblem(arg);
    if (problem) throw new OrderwireError('INPUT_TEXT_INVALID', `argument ${i + 1} (${JSON.stringify(arg).slice(0, 60)}) ${problem}`, { argument: i + 1 });
  });
}

function isSystemError(err: unknown): err is NodeJS.ErrnoException & { code: string } {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).syscall === 'string' && typeof (err as NodeJS.ErrnoException).code === 'string';
}

export async function main(argv: string[]): Promise<number> {
  try {
    checkArguments(argv);
    const program = await buildProgram(argv);
    await program.parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? EXIT.OK : Number(process.exitCode);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through exitOverride with code 0.
      return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    if (err instanceof OrderwireError) {
      process.stderr.write(`orderwire: error[${err.code}]: ${err.message}\n`);
      return exitCodeOf(err.code);
    }
    // Loaded only when needed: most commands never start a simulator.
    const { SimulatorError } = err instanceof Error && err.name === 'SimulatorError' ? await import('@orderwire/simulators') : { SimulatorError: undefined };
    if (SimulatorError && err instanceof SimulatorError) {
      // `simulate` and `demo` start the simulators, whose codes live in their own package: each
      // names a bad option or a port in use, the operator's to fix.
      process.stderr.write(`orderwire: error[${err.code}]: ${err.message}\n`);
      return EXIT.USAGE;
    }
    if (isSystemError(err)) {
      // The operating system refused something the operator named: a port in use, a path that is
      // missing, a folder, or unreadable. Its message names the path or address.
      process.stderr.write(`orderwire: error[${err.code}]: ${err.message}\n`);
      return EXIT.USAGE;
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
