/** `orderwire token create|list|revoke` as a user runs them, against a real SQLite store. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../engine/api/tokens.ts';
import { openStore } from '../engine/store/open.ts';
import { runCli as run } from './helpers/cli-process.ts';

describe('orderwire token', () => {
  let dir: string;
  let config: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'orderwire-token-'));
    config = path.join(dir, 'orderwire.yaml');
    await writeFile(config, `store: orderwire.sqlite
accounts:
  - { id: worten-pt, channel: worten, base_url: "http://127.0.0.1:9", credentials: { api_key: { env: UNSET_WORTEN_KEY } } }
  - { id: cd-fr, channel: cdiscount, base_url: "http://127.0.0.1:9", credentials: { client_id: { env: UNSET_A }, client_secret: { env: UNSET_B }, seller_id: { env: UNSET_C } } }
`);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates a token shown once and stored only as a hash, lists it by prefix, and revokes it', async () => {
    const created = await run(['token', 'create', '--account', 'worten-pt', '--account', 'cd-fr', '--name', 'erp', '--config', config]);
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^ow_[A-Za-z0-9_-]{43}$/);
    const db = await readFile(path.join(dir, 'orderwire.sqlite'));
    const wal = await readFile(path.join(dir, 'orderwire.sqlite-wal')).catch(() => Buffer.alloc(0));
    expect(Buffer.concat([db, wal]).includes(token)).toBe(false);

    const listed = await run(['token', 'list', '--json', '--config', config]);
    const [record] = (JSON.parse(listed.stdout) as { items: Array<{ id: string; name: string; prefix: string; accounts: string[] }> }).items;
    expect(record).toMatchObject({ name: 'erp', accounts: ['worten-pt', 'cd-fr'], prefix: token.slice(0, 9) });
    expect(listed.stdout).not.toContain(token);
    const store = await openStore(path.join(dir, 'orderwire.sqlite'));
    try {
      expect((await store.findApiToken(hashToken(token)))?.id).toBe(record!.id);
      expect((await run(['token', 'revoke', record!.id, '--config', config])).code).toBe(0);
      expect(await store.findApiToken(hashToken(token))).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('refuses accounts that are not configured and unknown token ids, with their codes', async () => {
    const unknown = await run(['token', 'create', '--account', 'amazon-de', '--config', config]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('API_TOKEN_ACCOUNT_UNKNOWN');
    expect(unknown.stderr).toContain('worten-pt');
    const missing = await run(['token', 'revoke', 'nope', '--config', config]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('API_TOKEN_NOT_FOUND');
  });
});
