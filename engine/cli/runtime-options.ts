/**
 * The --config option shared by commands that work on a configured deployment (run, sync,
 * orders, actions, action), and opening the runtime behind it.
 */
import type { Command } from 'commander';
import { loadConfigFile } from '../config/load.ts';
import { openRuntime, type Runtime } from '../daemon/runtime.ts';
import { createLogger, silentLogger, type Logger } from '../log.ts';

export const DEFAULT_CONFIG = 'orderwire.yaml';

export function addConfigOption(cmd: Command): Command {
  return cmd.option('-c, --config <file>', `configuration file (default: $ORDERWIRE_CONFIG or ./${DEFAULT_CONFIG})`);
}

export function configPath(opts: { config?: string }): string {
  return opts.config ?? process.env.ORDERWIRE_CONFIG ?? DEFAULT_CONFIG;
}

/**
 * Opens the runtime for a one-off command. `connect: false` for commands that only read or queue in
 * the store: they need no credentials.
 * Quiet logs unless ORDERWIRE_LOG_LEVEL is set. */
export async function withRuntime<T>(opts: { config?: string }, fn: (rt: Runtime) => Promise<T>, options: { log?: Logger; accountIds?: string[]; connect?: boolean } = {}): Promise<T> {
  const config = await loadConfigFile(configPath(opts));
  const log = options.log ?? (process.env.ORDERWIRE_LOG_LEVEL ? createLogger({ destination: process.stderr as never }) : silentLogger());
  const rt = await openRuntime(config, log, {
    ...(options.accountIds && { accountIds: options.accountIds }),
    ...(options.connect !== undefined && { connect: options.connect }),
  });
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}
