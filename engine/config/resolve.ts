/**
 * Resolves environment-variable references of the configuration: secrets are read from the
 * environment through `readEnv` only, and never appear in an error message.
 */
import { OrderwireError } from '../errors.ts';
import type { Config, EnvRef } from './model.ts';

export function readEnv(ref: EnvRef, what: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[ref.env];
  if (value === undefined || value === '') {
    throw new OrderwireError('CONFIG_SECRET_MISSING', `${what}: environment variable ${ref.env} is not set`, { variable: ref.env });
  }
  return value;
}

/** The store spec with any env reference resolved (a PostgreSQL URL carries a password). */
export function resolveStoreSpec(config: Config, env: NodeJS.ProcessEnv = process.env): string {
  return typeof config.store === 'string' ? config.store : readEnv(config.store, 'store', env);
}
