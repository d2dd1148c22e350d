/**
 * One document front end for every file kind: `orderwire validate` tells a file's kind from the
 * file itself and reports located findings (file:line:column, code, pointer, suggestion) for
 * platforms, configurations and channel tests as it does for channels, in every output format.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { channelFiles, loadChannels } from '../engine/channel/load.ts';
import { detectKind, kindOfText, modelineKind } from '../engine/documents/kinds.ts';
import { runCli, runCliInProcess as cli } from './helpers/cli-process.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const MIRAKL = path.join(ROOT, 'channels/platforms/mirakl.yaml');
const BASE = path.join(ROOT, 'test/fixtures/channels/valid/base.yaml');

interface JsonReport {
  files: { file: string; kind: string; valid: boolean; findings: { code: string; line: number; column: number; pointer: string; message: string; suggestion?: string }[] }[];
}

function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((l) => l.includes(needle));
  if (index < 0) throw new Error(`no line with ${needle}`);
  return index + 1;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'orderwire-documents-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  process.exitCode = undefined;
});

describe('orderwire validate on a platform file', () => {
  it('reports a broken platform file as a platform, with located findings in every format', async () => {
    const mirakl = await readFile(MIRAKL, 'utf8');
    const text = mirakl.replace('  credential: api_key\n', '  credentail: api_key\n');
    const file = path.join(dir, 'broken-platform.yaml');
    await writeFile(file, text);

    const json = await cli('validate', file, '--format', 'json');
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as JsonReport;
    expect(report.files[0]).toMatchObject({ kind: 'platform', valid: false });
    const line = lineOf(text, 'credentail: api_key');
    // One mistake, one finding: the misspelt key, not also the required key it stands for.
    expect(report.files[0]!.findings).toEqual([
      expect.objectContaining({ code: 'SCHEMA_UNKNOWN_KEY', line, column: 3, pointer: '/auth/credentail', message: 'unknown key `credentail` in `auth`', suggestion: 'did you mean `credential`?' }),
    ]);

    const human = await cli('validate', file);
    expect(human.stdout).toContain(`:${line}:3: error[SCHEMA_UNKNOWN_KEY] unknown key \`credentail\` in \`auth\``);
    expect(human.stdout).toContain('= help: did you mean `credential`?');
    expect(human.stdout).toContain('1 file checked (1 platform): 1 error');

    const github = await cli('validate', file, '--format', 'github');
    expect(github.stdout).toContain(`line=${line},col=3,`);
    expect(github.stdout).toContain('title=SCHEMA_UNKNOWN_KEY::unknown key `credentail` in `auth` (did you mean `credential`?)');

    const sarif = JSON.parse((await cli('validate', file, '--format', 'sarif')).stdout) as { runs: { results: { ruleId: string; locations: { physicalLocation: { region: { startLine: number; startColumn: number } } }[] }[] }[] };
    expect(sarif.runs[0]!.results[0]).toMatchObject({ ruleId: 'SCHEMA_UNKNOWN_KEY', locations: [{ physicalLocation: { region: { startLine: line, startColumn: 3 } } }] });
  });

  it('locates what compiling finds (a request path, a template reference) with its own code', async () => {
    const mirakl = await readFile(MIRAKL, 'utf8');
    const cases: [string, string, string, string][] = [
      ['path: /api/orders/${order.marketplace_order_id}/ship', 'path: api/orders/${order.marketplace_order_id}/ship', 'PLATFORM_INCONSISTENT', 'a request path starts with /'],
      ['tracking_number: ${request.data.tracking_number}', 'tracking_number: ${reqest.data.tracking_number}', 'PLATFORM_TEMPLATE_REFERENCE', '"reqest", which is not in scope here'],
    ];
    for (const [from, to, code, message] of cases) {
      const text = mirakl.replace(from, to);
      const file = path.join(dir, `compile-${code}.yaml`);
      await writeFile(file, text);
      const report = JSON.parse((await cli('validate', file, '--kind', 'platform', '--format', 'json')).stdout) as JsonReport;
      expect(report.files[0]!.findings).toEqual([expect.objectContaining({ code, line: lineOf(text, to), message: expect.stringContaining(message) })]);
    }
  });
});

describe('a channel against its platform', () => {
  it('refuses a marketplace status its platform does not send, case included, with the closest one', async () => {
    const base = await readFile(BASE, 'utf8');
    const text = base.replace('  shipped: [SHIPPED]', '  shipped: [SHIPED, Shipping]');
    expect(text).not.toBe(base);
    const file = path.join(dir, 'base.yaml');
    await writeFile(file, text);
    const report = JSON.parse((await cli('validate', file, '--format', 'json')).stdout) as JsonReport;
    const line = lineOf(text, '[SHIPED, Shipping]');
    expect(report.files[0]!.findings).toEqual([
      expect.objectContaining({ code: 'CHANNEL_STATUS_UNKNOWN_TO_PLATFORM', line, column: 13, pointer: '/statuses/shipped/0', suggestion: 'did you mean `SHIPPED`?' }),
      expect.objectContaining({ code: 'CHANNEL_STATUS_UNKNOWN_TO_PLATFORM', line, column: 21, pointer: '/statuses/shipped/1', suggestion: 'did you mean `SHIPPING`?' }),
    ]);
    expect(report.files[0]!.findings[0]!.message).toContain('platform `mirakl` sends no status `SHIPED`');
  });

  it('reads the vocabulary of a platform file beside the channel; a platform without one accepts any spelling', async () => {
    const own = path.join(dir, 'own-platform');
    await mkdir(path.join(own, 'platforms'), { recursive: true });
    const mirakl = await readFile(MIRAKL, 'utf8');
    const channel = (await readFile(BASE, 'utf8')).replace('platform: mirakl', 'platform: acme').replace('  shipped: [SHIPPED]', '  shipped: [Shipped]');
    await writeFile(path.join(own, 'base.yaml'), channel);
    await writeFile(path.join(own, 'platforms/acme.yaml'), mirakl.replace('id: mirakl', 'id: acme'));
    const strict = JSON.parse((await cli('validate', path.join(own, 'base.yaml'), '--format', 'json')).stdout) as JsonReport;
    expect(strict.files[0]!.findings.map((f) => [f.code, f.suggestion])).toEqual([['CHANNEL_STATUS_UNKNOWN_TO_PLATFORM', 'did you mean `SHIPPED`?']]);
    await writeFile(path.join(own, 'platforms/acme.yaml'), mirakl.replace('id: mirakl', 'id: acme').replace(/^statuses: .*\n/m, ''));
    const lax = JSON.parse((await cli('validate', path.join(own, 'base.yaml'), '--format', 'json')).stdout) as JsonReport;
    expect(lax.files[0]!.findings).toEqual([]);
  });
});

describe('template references of a platform, checked at validate time', () => {
  it('refuses `${request.data.x}` that no channel of the platform declares for the action, located, with the closest field', async () => {
    const own = path.join(dir, 'fit');
    await mkdir(path.join(own, 'platforms'), { recursive: true });
    for (const name of ['worten.yaml', 'cdiscount.yaml']) await writeFile(path.join(own, name), await readFile(path.join(ROOT, 'channels', name), 'utf8'));
    const text = (await readFile(MIRAKL, 'utf8')).replace('tracking_number: ${request.data.tracking_number}', 'tracking_number: ${request.data.tracking_numbr}');
    const file = path.join(own, 'platforms/mirakl.yaml');
    await writeFile(file, text);
    const report = JSON.parse((await cli('validate', file, '--format', 'json')).stdout) as JsonReport;
    expect(report.files[0]!.findings).toEqual([
      expect.objectContaining({ code: 'PLATFORM_TEMPLATE_REFERENCE', line: lineOf(text, 'tracking_numbr'), column: 26, suggestion: 'did you mean `tracking_number`?', message: expect.stringContaining('no channel of platform `mirakl` declares a field `tracking_numbr` for action `ship`') }),
    ]);
  });

  it('refuses `${order.x}` that the normalized order does not have, nested objects included', async () => {
    const mirakl = await readFile(MIRAKL, 'utf8');
    for (const [from, to, suggestion] of [
      ['/api/orders/${order.marketplace_order_id}/ship', '/api/orders/${order.marketplace_orderid}/ship', 'did you mean `marketplace_order_id`?'],
      ['${order.currency}', '${order.totals.grand_totl}', undefined],
      ['${order.marketplace_order_id}/ship', '${request.dat.x}/ship', 'did you mean `data`?'],
    ] as const) {
      expect(mirakl).toContain(from);
      const text = mirakl.replace(from, to);
      const file = path.join(dir, 'order-ref.yaml');
      await writeFile(file, text);
      const report = JSON.parse((await cli('validate', file, '--kind', 'platform', '--format', 'json')).stdout) as JsonReport;
      expect(report.files[0]!.findings).toEqual([expect.objectContaining({ code: 'PLATFORM_TEMPLATE_REFERENCE', line: lineOf(text, to), ...(suggestion && { suggestion }) })]);
    }
  });
});

describe('orderwire validate on configurations and channel tests', () => {
  it('checks a configuration by its modeline, with the config schema and semantic checks', async () => {
    const text = [
      '# yaml-language-server: $schema=../schemas/config.schema.json',
      'accounts:',
      '  - id: a',
      '    channel: wortn',
      '    base_url: https://example.test',
      '    credentials:',
      '      api_key: { env: A_KEY }',
      '    optons: {}',
      '',
    ].join('\n');
    const file = path.join(dir, 'deploy.yaml');
    await writeFile(file, text);
    const report = JSON.parse((await cli('validate', file, '--format', 'json')).stdout) as JsonReport;
    expect(report.files[0]).toMatchObject({ kind: 'config', valid: false });
    expect(report.files[0]!.findings).toEqual([expect.objectContaining({ code: 'SCHEMA_UNKNOWN_KEY', line: 8, column: 5, suggestion: 'did you mean `options`?' })]);
    // Once the schema passes, the semantic checks: an unknown channel, with a did-you-mean.
    await writeFile(file, text.replace('    optons: {}\n', ''));
    const again = JSON.parse((await cli('validate', file, '--format', 'json')).stdout) as JsonReport;
    expect(again.files[0]!.findings).toEqual([expect.objectContaining({ code: 'CONFIG_UNKNOWN_CHANNEL', line: 4, column: 14, suggestion: 'did you mean `worten`?' })]);
  });

  it('checks a channel test file by its name: schema, channel and cases, located', async () => {
    const file = path.join(dir, 'base.test.yaml');
    await writeFile(file, `channel: ${BASE}\ncases:\n  - name: one\n    status: waiting_acceptance\n    action: { name: accept, dat: {} }\n    expect: { allowed: true }\n`);
    const report = JSON.parse((await cli('validate', file, '--format', 'json')).stdout) as JsonReport;
    expect(report.files[0]).toMatchObject({ kind: 'channel-test', valid: false });
    expect(report.files[0]!.findings).toEqual([expect.objectContaining({ code: 'SCHEMA_UNKNOWN_KEY', line: 5, column: 29, suggestion: 'did you mean `data`?' })]);
  });
});

describe('the kind of a file', () => {
  it('comes from the modeline first, then the name and place, then the keys, else channel', () => {
    expect(modelineKind('# yaml-language-server: $schema=../../schemas/platform.schema.json\nid: x\n')).toBe('platform');
    expect(modelineKind('# a comment\n# yaml-language-server: $schema=https://orderwire.dev/schemas/config.schema.json\n')).toBe('config');
    expect(modelineKind('id: x\n# yaml-language-server: $schema=platform.schema.json\n')).toBeUndefined();
    expect(detectKind('channels/platforms/acme.yaml', 'id: acme\n')).toEqual({ kind: 'platform', by: 'file name' });
    expect(detectKind('channels/worten.test.yml', 'cases: []\n')).toEqual({ kind: 'channel-test', by: 'file name' });
    expect(detectKind('deploy/orderwire.yaml', 'accounts: []\n')).toEqual({ kind: 'config', by: 'file name' });
    expect(detectKind('channels/platforms/x.yaml', '# yaml-language-server: $schema=../../schemas/channel.schema.json\n')).toEqual({ kind: 'channel', by: 'modeline' });
    expect(kindOfText('prod.yaml', 'store: x.sqlite\naccounts: []\n')).toEqual({ kind: 'config', by: 'content' });
    expect(kindOfText('x.yaml', 'auth: {}\nlist_orders: {}\n')).toEqual({ kind: 'platform', by: 'content' });
    expect(kindOfText('x.yaml', 'id: x\nplatform: mirakl\n')).toEqual({ kind: 'channel', by: 'default' });
  });

  it('keeps a configuration saved in the channels folder out of the channels', async () => {
    const channels = path.join(dir, 'own-channels');
    await mkdir(channels, { recursive: true });
    await writeFile(path.join(channels, 'base.yaml'), await readFile(BASE, 'utf8'));
    await writeFile(path.join(channels, 'orderwire.yaml'), 'accounts: []\n');
    await writeFile(path.join(channels, 'prod.yml'), '# yaml-language-server: $schema=../schemas/config.schema.json\naccounts: []\n');
    expect((await channelFiles(channels)).map((f) => path.basename(f))).toEqual(['base.yaml']);
    expect((await loadChannels(channels)).map((c) => c.id)).toEqual(['base']);
  });
});

describe('the CLI from outside the repository', () => {
  it('validates a folder of ones own, with a configuration whose channels_dir names it, run from that folder', async () => {
    const project = await mkdtemp(path.join(tmpdir(), 'orderwire-outside-'));
    try {
      await mkdir(path.join(project, 'my-channels'), { recursive: true });
      const worten = await readFile(path.join(ROOT, 'channels/worten.yaml'), 'utf8');
      await writeFile(path.join(project, 'my-channels/myshop.yaml'), worten.replace(/^id: worten$/m, 'id: myshop'));
      const config = ['channels_dir: my-channels', 'accounts:', '  - id: shop-1', '    channel: myshop', '    base_url: https://myshop.example', '    credentials:', '      api_key: { env: MYSHOP_KEY }', ''].join('\n');
      await writeFile(path.join(project, 'orderwire.yaml'), config);
      const ok = await runCli(['validate', '.', '--format', 'json'], { cwd: project });
      expect(ok.stderr).toBe('');
      const report = JSON.parse(ok.stdout) as JsonReport;
      expect(report.files.map((f) => [path.relative(project, path.resolve(project, f.file)), f.kind, f.valid])).toEqual([
        ['my-channels/myshop.yaml', 'channel', true],
        ['orderwire.yaml', 'config', true],
      ]);
      expect(ok.code).toBe(0);
      // The channel is found through channels_dir only: without it, the shipped channels have no myshop.
      await writeFile(path.join(project, 'orderwire.yaml'), config.replace('channels_dir: my-channels\n', ''));
      const bad = await runCli(['validate', 'orderwire.yaml', '--format', 'json'], { cwd: project });
      expect(bad.code).toBe(1);
      expect((JSON.parse(bad.stdout) as JsonReport).files[0]!.findings.map((f) => f.code)).toEqual(['CONFIG_UNKNOWN_CHANNEL']);
    } finally {
      await rm(project, { recursive: true, force: true });
    }
  });
});

