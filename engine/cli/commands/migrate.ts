/**
 * `orderwire migrate`: applies the store's pending numbered migrations and says what it applied.
 * Safe to run at any time and from several machines at once (each migration runs once).
 */
import type { Command } from 'commander';
import { shippedMigrations } from '../../store/migrations.ts';
import { DEFAULT_STORE, describeStoreSpec, openStore } from '../../store/open.ts';

export const STORE_ENV = 'ORDERWIRE_STORE';

interface MigrateOptions {
  store?: string;
}

export function register(program: Command): void {
  program
    .command('migrate')
    .description('Create or upgrade the order store: apply its pending numbered migrations and print them.')
    .option(
      '--store <spec>',
      `SQLite file (PATH or sqlite:PATH) or postgres://user:password@host:port/database URL; default: $${STORE_ENV}, else ${DEFAULT_STORE}. Prefer $${STORE_ENV} for URLs with a password`,
    )
    .action(async (opts: MigrateOptions) => {
      const spec = opts.store ?? process.env[STORE_ENV] ?? DEFAULT_STORE;
      const store = await openStore(spec);
      try {
        const applied = await store.migrate();
        const latest = shippedMigrations(store.kind).at(-1)?.name ?? 'none';
        const where = `${store.kind} store ${describeStoreSpec(spec)}`;
        for (const name of applied) process.stdout.write(`applied ${name}\n`);
        process.stdout.write(applied.length
          ? `${where}: ${applied.length} migration${applied.length === 1 ? '' : 's'} applied, now at ${latest}\n`
          : `${where}: up to date at ${latest}, nothing to apply\n`);
      } finally {
        await store.close();
      }
    });
}
