import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, parseStoreSpec } from './open.ts';
import { shippedMigrations } from './migrations.ts';
import { redactStoreUrl } from './redact.ts';

const dir = mkdtempSync(join(tmpdir(), 'orderwire-open-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('store specs', () => {
  it('name SQLite by path or sqlite:PATH and PostgreSQL by URL', () => {
    expect(parseStoreSpec('.orderwire/orderwire.sqlite')).toEqual({ kind: 'sqlite', file: '.orderwire/orderwire.sqlite' });
    expect(parseStoreSpec('sqlite:data/o.db')).toEqual({ kind: 'sqlite', file: 'data/o.db' });
    expect(parseStoreSpec('sqlite:///var/lib/o.db')).toEqual({ kind: 'sqlite', file: '/var/lib/o.db' });
    expect(parseStoreSpec('postgres://u:p@db:5432/orderwire')).toEqual({ kind: 'postgres', url: 'postgres://u:p@db:5432/orderwire' });
    expect(parseStoreSpec('postgresql://db/orderwire').kind).toBe('postgres');
  });

  it('reject empty specs and other schemes without showing a password', () => {
    expect(() => parseStoreSpec('  ')).toThrow(expect.objectContaining({ code: 'STORE_SPEC_INVALID' }));
    expect(() => parseStoreSpec('sqlite:')).toThrow(expect.objectContaining({ code: 'STORE_SPEC_INVALID' }));
    let message = '';
    try {
      parseStoreSpec('mysql://root:hunter2@db/orders');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('unsupported scheme');
    expect(message).not.toContain('hunter2');
  });

  it('redact passwords and secret-looking query parameters', () => {
    expect(redactStoreUrl('postgres://orderwire:s3cr3t@db:5432/ow?sslmode=require&password=x')).toBe('postgres://orderwire:***@db:5432/ow?sslmode=require&password=***');
    expect(redactStoreUrl('postgres://db/ow')).toBe('postgres://db/ow');
    expect(redactStoreUrl('/var/lib/orderwire.sqlite')).toBe('/var/lib/orderwire.sqlite');
  });
});

describe('openStore', () => {
  it('creates the SQLite file and its folder', async () => {
    const store = await openStore(join(dir, 'nested', 'deeper', 'o.sqlite'));
    expect(store.kind).toBe('sqlite');
    expect(await store.migrate()).toEqual(shippedMigrations('sqlite').map((m) => m.name));
    await store.close();
  });

  it('fails with STORE_UNAVAILABLE on a file that is not a database', async () => {
    const file = join(dir, 'not-a-db.sqlite');
    writeFileSync(file, 'this is not SQLite, just text long enough to have a header'.repeat(20));
    await expect(openStore(`sqlite:${file}`)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });

  it('fails with STORE_UNAVAILABLE, password redacted, when PostgreSQL cannot be reached', async () => {
    const port = await closedPort();
    const err = await openStore(`postgres://orderwire:TopSecret42@127.0.0.1:${port}/orderwire`).then(
      () => new Error('opened a store on a closed port'),
      (e: unknown) => e as Error,
    );
    expect(err).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(err.message).toContain(`127.0.0.1:${port}`);
    expect(err.message).not.toContain('TopSecret42');
    expect(JSON.stringify(err)).not.toContain('TopSecret42');
  });
});
