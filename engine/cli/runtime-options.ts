/**
 * The --config option shared by commands that work on a configured deployment (run, sync,
 * orders, actions, action), and opening the runtime behind it.
 */
import type { Command } from 'commander';
import { loadConfigFile } from '../config/load.ts';
import { openRuntime, type Runtime } from '../daemon/runtime.ts';
import { OrderwireError } from '../errors.ts';
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

/**
 * A marketplace's refusal of an account's credentials, located for the operator: which account of
 * which configuration file, and which environment variables hold its credentials (never their values).
 */
export function locateCredentialError(err: unknown, rt: Runtime, accountId: string): unknown {
  if (!(err instanceof OrderwireError) || err.code !== 'MARKETPLACE_AUTH_FAILED') return err;
  const index = rt.config.accounts.findIndex((a) => a.id === accountId);
  const variables = Object.values(rt.config.accounts[index]?.credentials ?? {}).map((ref) => ref.env);
  const where = rt.config.file ? ` (${rt.config.file}, accounts[${index}].credentials)` : '';
  return new OrderwireError('MARKETPLACE_AUTH_FAILED', `account ${accountId}${where}: the marketplace refused its credentials: ${err.message}. Check ${variables.join(', ')} in the environment`, { ...err.details, account: accountId }, { cause: err });
}
