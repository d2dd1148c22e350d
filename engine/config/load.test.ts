import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OrderwireError } from '../errors.ts';
import { loadConfigFile, validateConfigText } from './load.ts';
import { resolveAccount } from '../sync/account.ts';
import { loadChannels } from '../channel/load.ts';

const valid = `
store: data/orders.sqlite
accounts:
  - id: worten-pt
    channel: worten
    base_url: https://worten.mirakl.net/
    credentials:
      api_key: { env: WORTEN_KEY }
    options:
      poll_every: PT5M
  - id: cd
    channel: cdiscount
    base_url: https://api.octopia-io.net/seller/v2
    auth_url: https://auth.octopia-io.net
    credentials:
      client_id: { env: CD_ID }
      client_secret: { env: CD_SECRET }
      seller_id: { env: CD_SELLER }
`;

async function codes(text: string): Promise<string[]> {
  const { findings } = await validateConfigText(text, '/etc/orderwire/orderwire.yaml');
  return findings.map((f) => `${f.code} ${f.line}:${f.column}`);
}

describe('configuration file', () => {
  it('loads a valid file with defaults and paths relative to the file', async () => {
    const { config, findings } = await validateConfigText(valid, '/etc/orderwire/orderwire.yaml');
    expect(findings).toEqual([]);
    expect(config?.store).toBe('/etc/orderwire/data/orders.sqlite');
    expect(config?.accounts[0]).toMatchObject({ id: 'worten-pt', importFulfilledOrders: false, pollEveryMs: 300_000, enabled: true });
    expect(config?.daemon.leaseTtlMs).toBe(60_000);
    expect(config?.deadlines).toEqual({ alertBeforeMs: { acceptance: 12 * 3_600_000, shipping: 24 * 3_600_000 }, checkEveryMs: 60_000 });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('takes the opt-in automatic refusal where the channel can refuse alone, and locates it where it cannot', async () => {
    const optIn = (channel: string) => `store: s.sqlite\naccounts:\n  - id: a\n    channel: ${channel}\n    base_url: https://x.example\n    credentials: { api_key: { env: K } }\n    options:\n      auto_refuse: { before_deadline: PT2H }\n`;
    const { config } = await validateConfigText(optIn('jardiland'), 'c.yaml');
    expect(config?.accounts[0]?.autoRefuseBeforeMs).toBe(2 * 3_600_000);
    const { findings } = await validateConfigText(optIn('decathlon'), 'c.yaml');
    expect(findings.map((f) => `${f.code} ${f.line}:${f.column}`)).toEqual(['CONFIG_AUTO_REFUSE_UNAVAILABLE 8:7']);
    expect(findings[0]!.message).toContain('`refuse` action is not allowed while an order waits for acceptance');
  });

  it('reads the deadline alert lead times, and locates one that is not a duration', async () => {
    const { config } = await validateConfigText(`${valid}deadlines:\n  alert_before: { shipping: PT2H }\n  check_every: PT30S\n`, 'c.yaml');
    expect(config?.deadlines).toEqual({ alertBeforeMs: { acceptance: 12 * 3_600_000, shipping: 2 * 3_600_000 }, checkEveryMs: 30_000 });
    expect(await codes(`${valid}deadlines:\n  alert_before: { acceptance: 2h }\n`)).toEqual(['SCHEMA_BAD_FORMAT 20:31']);
  });

  it('rejects a literal secret where an environment variable reference is expected', async () => {
    const { findings } = await validateConfigText(valid.replace('{ env: WORTEN_KEY }', 'abc123'), 'c.yaml');
    expect(findings.map((f) => `${f.code} ${f.line}:${f.column}`)).toEqual(['CONFIG_LITERAL_SECRET 8:16']);
    expect(findings[0]?.message).not.toContain('abc123');
  });

  it('rejects a PostgreSQL URL with a password written in the file', async () => {
    const found = await codes(valid.replace('data/orders.sqlite', 'postgres://u:hunter2@db/orders'));
    expect(found).toEqual(['CONFIG_LITERAL_SECRET 2:8']);
  });

  it('never prints a literal secret: the error of a file holding one stars the value out of the quoted line', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'orderwire-config-'));
    for (const [text, secret] of [
      [valid.replace('{ env: WORTEN_KEY }', '"sk-live-8d1f0c5e"'), 'sk-live-8d1f0c5e'],
      [valid.replace('{ env: CD_SECRET }', '8d1f0c5e77'), '8d1f0c5e77'],
      [valid.replace('data/orders.sqlite', 'postgres://u:hunter2secret@db/orders'), 'hunter2secret'],
    ] as const) {
      const file = path.join(dir, 'orderwire.yaml');
      await writeFile(file, text);
      const error = await loadConfigFile(file).then(() => undefined, (err: unknown) => err as OrderwireError);
      expect(error?.code).toBe('CONFIG_INVALID');
      expect(error?.message).toContain('error[CONFIG_LITERAL_SECRET]');
      expect(error?.message).toMatch(/\| .*\*{8,}/);
      expect(error?.message).not.toContain(secret);
      expect(JSON.stringify(error?.details)).not.toContain(secret);
    }
  });

  it('reads the webhook allow-list and locates an entry that is neither a host nor an address', async () => {
    const withHooks = `${valid}webhooks:\n  allowed_destinations: [erp.corp.example, "*.corp.example", 10.20.0.0/16, "::1"]\n  max_endpoints_per_token: 5\n`;
    const { config } = await validateConfigText(withHooks, 'c.yaml');
    expect(config?.webhooks).toEqual({ allowedDestinations: ['erp.corp.example', '*.corp.example', '10.20.0.0/16', '::1'], maxEndpointsPerToken: 5 });
    expect(await codes(withHooks.replace('10.20.0.0/16', '10.20.0.0/33'))).toEqual(['CONFIG_DESTINATION_INVALID 20:62']);
    expect((await validateConfigText(valid, 'c.yaml')).config?.webhooks).toEqual({ allowedDestinations: [], maxEndpointsPerToken: 20 });
  });

  it('keeps documents in a directory by default, or in the database; a directory with the database, or another store, is a located error', async () => {
    expect((await validateConfigText(valid, '/etc/orderwire/orderwire.yaml')).config?.documents).toEqual({ store: 'files', dir: '/etc/orderwire/data/documents' });
    const inDatabase = await validateConfigText(`${valid}documents:\n  store: database\n`, '/etc/orderwire/orderwire.yaml');
    expect(inDatabase.findings).toEqual([]);
    expect(inDatabase.config?.documents.store).toBe('database');
    const both = await validateConfigText(`${valid}documents:\n  store: database\n  dir: /var/lib/docs\n`, 'c.yaml');
    expect(both.config).toBeUndefined();
    expect(both.findings).toEqual([expect.objectContaining({ code: 'CONFIG_DOCUMENTS_DIR_UNUSED', line: 21, column: 3, pointer: '/documents/dir' })]);
    expect((await codes(`${valid}documents:\n  store: s3\n`))[0]).toMatch(/^SCHEMA_\w+ 20:10/);
  });

  it('locates an unknown channel with a suggestion', async () => {
    const { findings } = await validateConfigText(valid.replace('channel: worten', 'channel: wortem'), 'c.yaml');
    expect(findings[0]).toMatchObject({ code: 'CONFIG_UNKNOWN_CHANNEL', line: 5, column: 14 });
    expect(findings[0]?.suggestion).toContain('worten');
  });

  it('rejects duplicate account ids and unknown keys', async () => {
    expect(await codes(valid.replace('id: cd', 'id: worten-pt'))).toEqual(['CONFIG_DUPLICATE_ACCOUNT 11:9']);
    expect((await codes(valid.replace('    options:', '    optoins:')))[0]).toMatch(/^SCHEMA_UNKNOWN_KEY 9:5/);
  });

  it('takes per-account HTTP timeouts overriding the platform\'s, as durations', async () => {
    const text = valid.replace('      poll_every: PT5M', '      poll_every: PT5M\n      timeouts: { connect: PT2S, response: PT90S }');
    const { config, findings } = await validateConfigText(text, 'c.yaml');
    expect(findings).toEqual([]);
    expect(config?.accounts[0]?.timeouts).toEqual({ connect: 2_000, response: 90_000 });
    expect(config?.accounts[1]).not.toHaveProperty('timeouts');
    const channels = new Map((await loadChannels()).map((c) => [c.id, c]));
    expect(resolveAccount(config!.accounts[0]!, channels, { WORTEN_KEY: 'k' }).timeouts).toEqual({ connect: 2_000, response: 90_000 });
    expect((await codes(text.replace('PT90S', '90 seconds')))[0]).toMatch(/^SCHEMA_BAD_FORMAT/);
  });

  it('warns when an account polls more often than the channel allows', async () => {
    const { config, findings } = await validateConfigText(valid.replace('PT5M', 'PT10S'), 'c.yaml');
    expect(findings.map((f) => f.code)).toEqual(['CONFIG_POLL_TOO_FREQUENT']);
    expect(config).toBeDefined();
  });

  it('reads credentials from the environment only, and never echoes a value', async () => {
    const { config } = await validateConfigText(valid, 'c.yaml');
    const channels = new Map((await loadChannels()).map((c) => [c.id, c] as const));
    const worten = config!.accounts[0]!;
    const account = resolveAccount(worten, channels, { WORTEN_KEY: 's3cr3t' });
    expect(account.credentials).toEqual({ api_key: 's3cr3t' });
    expect(account.baseUrl).toBe('https://worten.mirakl.net');
    expect(account.pollEveryMs).toBe(300_000);
    let error: unknown;
    try {
      resolveAccount(config!.accounts[1]!, channels, { CD_ID: 'id-value' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(OrderwireError);
    expect((error as OrderwireError).code).toBe('CONFIG_SECRET_MISSING');
    expect((error as Error).message).toContain('CD_SECRET');
    expect((error as Error).message).not.toContain('id-value');
  });

  it('loadConfigFile throws CONFIG_INVALID with file:line:column in the message', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ow-config-'));
    const file = path.join(dir, 'orderwire.yaml');
    await writeFile(file, valid.replace('base_url: https://worten.mirakl.net/', 'base_url: 42'));
    await expect(loadConfigFile(file)).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('orderwire.yaml:6:15') });
    await expect(loadConfigFile(path.join(dir, 'missing.yaml'))).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
  });
});
