/** `orderwire migrate` as a user runs it: a child process, in a working folder of its own. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSchema, dropSchemas, PG_SKIP_REASON, requirePostgres, SKIP_PG, TEST_PG_URL, testSchemaName, urlInSchema } from './helpers/postgres.ts';
import { shippedMigrations } from '../engine/store/migrations.ts';
import { runCli } from './helpers/cli-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'orderwire-migrate-'));
const schemas: string[] = [];
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  if (TEST_PG_URL !== undefined) await dropSchemas(TEST_PG_URL, schemas);
});

/** `orderwire migrate` in the test's folder, with no ORDERWIRE_STORE but the one given. */
const migrate = (args: string[], env: Record<string, string> = {}) => runCli(['migrate', ...args], { cwd: dir, env: { ORDERWIRE_STORE: undefined, ...env } });

// Each test uses its own store, so the child processes run side by side.
describe.concurrent('orderwire migrate', () => {
  it('creates the default SQLite store, then finds nothing to apply', async () => {
    const first = await migrate([]);
    expect(first.code).toBe(0);
    const names = shippedMigrations('sqlite').map((m) => m.name);
    const last = names.at(-1)!;
    expect(first.stdout).toBe(`${names.map((n) => `applied ${n}\n`).join('')}sqlite store .orderwire/orderwire.sqlite: ${names.length} migration${names.length === 1 ? '' : 's'} applied, now at ${last}\n`);
    expect(existsSync(join(dir, '.orderwire', 'orderwire.sqlite'))).toBe(true);
    const again = await migrate([]);
    expect(again.stdout).toBe(`sqlite store .orderwire/orderwire.sqlite: up to date at ${last}, nothing to apply\n`);
  });

  it('takes the store from ORDERWIRE_STORE, and --store over it', async () => {
    const fromEnv = await migrate([], { ORDERWIRE_STORE: 'sqlite:env/o.sqlite' });
    const count = shippedMigrations('sqlite').length;
    expect(fromEnv.stdout).toContain(`sqlite store sqlite:env/o.sqlite: ${count} migrations applied`);
    expect(existsSync(join(dir, 'env', 'o.sqlite'))).toBe(true);
    const fromFlag = await migrate(['--store', 'flag.sqlite'], { ORDERWIRE_STORE: 'sqlite:env/o.sqlite' });
    expect(fromFlag.stdout).toContain(`sqlite store flag.sqlite: ${count} migrations applied`);
  });

  it('exits 2 with a coded error for a store it does not understand, showing no password', async () => {
    const result = await migrate(['--store', 'mysql://root:hunter2@db/orders']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error[STORE_SPEC_INVALID]');
    expect(result.stderr).not.toContain('hunter2');
  });

  it('documents --store in its help', async () => {
    const result = await migrate(['--help']);
    expect(result.stdout).toContain('--store <spec>');
    expect(result.stdout).toContain('ORDERWIRE_STORE');
  });

  it.skipIf(SKIP_PG)(`migrates PostgreSQL from ORDERWIRE_STORE without printing the password${SKIP_PG ? ` (${PG_SKIP_REASON})` : ''}`, async () => {
    const pgUrl = requirePostgres();
    const schema = testSchemaName('cli');
    schemas.push(schema);
    await createSchema(pgUrl, schema);
    const url = urlInSchema(pgUrl, schema);
    const password = new URL(url).password;
    const result = await migrate([], { ORDERWIRE_STORE: url });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^applied 001_initial\n(applied \d{3}_\w+\n)*postgres store postgres:\/\/orderwire:\*\*\*@/);
    expect(result.stdout).not.toContain(`:${password}@`);
    expect((await migrate([], { ORDERWIRE_STORE: url })).stdout).toContain('nothing to apply');
  });
});
