/**
 * `orderwire validate | schema | describe | doc`: exit codes and every output format. Most cases
 * call the CLI entry point in-process (fast); a few run it as a child process, as users do.
 */
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { describeChannel } from '../engine/channel/describe.ts';
import { renderChannelDoc } from '../engine/channel/doc.ts';
import { loadChannel } from '../engine/channel/load.ts';
import { runCli, runCliInProcess } from './helpers/cli-process.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const INVALID = path.join(ROOT, 'test/fixtures/channels/invalid');
const BASE = path.join(ROOT, 'test/fixtures/channels/valid/base.yaml');
const rel = (p: string) => path.relative(process.cwd(), p);

const cli = runCliInProcess;

/** Runs the CLI as a child process, like `npx orderwire ...`. */
const spawnCli = (args: string[], input?: string) => runCli(args, { cwd: ROOT, input: input ?? '' });

/** The structure SARIF 2.1.0 consumers rely on (a minimal check of the spec's required parts). */
function checkSarif(doc: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (doc.version !== '2.1.0') problems.push('version');
  if (typeof doc.$schema !== 'string') problems.push('$schema');
  const runs = doc.runs as { tool: { driver: { name: string; rules: { id: string; shortDescription: { text: string }; defaultConfiguration: { level: string } }[] } }; results: Record<string, unknown>[] }[];
  if (!Array.isArray(runs) || runs.length !== 1) return [...problems, 'runs'];
  const { tool, results } = runs[0]!;
  if (!tool?.driver?.name) problems.push('tool.driver.name');
  const ids = tool.driver.rules.map((r) => r.id);
  if (new Set(ids).size !== ids.length) problems.push('duplicate rule ids');
  for (const rule of tool.driver.rules) if (!rule.shortDescription?.text || !['error', 'warning', 'note'].includes(rule.defaultConfiguration?.level)) problems.push(`rule ${rule.id}`);
  for (const r of results) {
    const region = (r.locations as { physicalLocation: { artifactLocation: { uri: string }; region: Record<string, number> } }[])[0]!.physicalLocation;
    if (!ids.includes(r.ruleId as string) || ids[r.ruleIndex as number] !== r.ruleId) problems.push(`ruleId ${String(r.ruleId)}`);
    if (!['error', 'warning', 'note', 'none'].includes(r.level as string)) problems.push('level');
    if (typeof (r.message as { text?: string }).text !== 'string') problems.push('message.text');
    if (!region.artifactLocation.uri || !(region.region.startLine! >= 1 && region.region.startColumn! >= 1 && region.region.endColumn! >= region.region.startColumn!)) problems.push('region');
  }
  return problems;
}

afterEach(() => {
  process.exitCode = undefined;
});

describe('orderwire validate', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'orderwire-validate-'));
    const base = await readFile(BASE, 'utf8');
    await mkdir(path.join(dir, 'nested', 'platforms'), { recursive: true });
    await writeFile(path.join(dir, 'good.yaml'), base.replace('id: base', 'id: good'));
    await writeFile(path.join(dir, 'nested', 'warned.yml'), base.replace('id: base', 'id: elsewhere'));
    await writeFile(path.join(dir, 'good.test.yaml'), 'cases: {}\n');
    await writeFile(path.join(dir, 'nested', 'platforms', 'acme.yaml'), 'not: a channel\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('validates channels/ by default, every kind of file in it, and exits 0', async () => {
    const r = await cli('validate');
    expect(r.code).toBe(0);
    for (const file of ['cdiscount.yaml', 'worten.yaml', 'cdiscount.test.yaml', 'worten.test.yaml', 'platforms/mirakl.yaml', 'platforms/octopia.yaml']) {
      expect(r.stdout).toContain(`channels/${file}: ok\n`);
    }
    const top = (await readdir(path.join(ROOT, 'channels'))).filter((f) => f.endsWith('.yaml'));
    const tests = top.filter((f) => f.endsWith('.test.yaml')).length;
    const platforms = (await readdir(path.join(ROOT, 'channels', 'platforms'))).filter((f) => f.endsWith('.yaml')).length;
    const total = top.length + platforms;
    expect(r.stdout).toContain(`${total} files checked (${tests} channel tests, ${top.length - tests} channels, ${platforms} platforms): 0 errors, 0 warnings (all valid)`);
  });

  it('walks folders and validates each file as its kind: channels, channel tests, platforms/', async () => {
    const r = await cli('validate', dir, '--format', 'json');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { files: { file: string; kind: string; valid: boolean; findings: { code: string }[] }[]; summary: Record<string, number> };
    expect(report.files.map((f) => [path.basename(f.file), f.kind, f.valid])).toEqual([
      ['good.test.yaml', 'channel-test', false],
      ['good.yaml', 'channel', true],
      ['acme.yaml', 'platform', false],
      ['warned.yml', 'channel', true],
    ]);
    expect(report.files[0]!.findings.map((f) => f.code)).toEqual(['SCHEMA_WRONG_TYPE']);
    expect(report.files[2]!.findings.map((f) => f.code)).toContain('SCHEMA_UNKNOWN_KEY');
    expect(report.files[3]!.findings.map((f) => f.code)).toEqual(['CHANNEL_ID_MISMATCH']);
    expect(report.summary).toMatchObject({ warnings: 1, files: 4, invalidFiles: 2 });
    // --kind forces the kind: the platform file read as a channel.
    const forced = JSON.parse((await cli('validate', path.join(dir, 'nested', 'platforms', 'acme.yaml'), '--kind', 'channel', '--format', 'json')).stdout) as { files: { kind: string }[] };
    expect(forced.files[0]!.kind).toBe('channel');
  });

  it('shows the finding, the source line, a caret under the range and the fix (human)', async () => {
    const file = path.join(INVALID, 'schema-unknown-key-action.yaml');
    const r = await cli('validate', file, BASE);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${rel(file)}:47:5: error[SCHEMA_UNKNOWN_KEY] unknown key \`feilds\` in action \`refund\`\n   |\n47 |     feilds:\n   |     ^^^^^^\n   = help: did you mean \`fields\`?`);
    expect(r.stdout).toContain(`${rel(BASE)}: ok`);
    expect(r.stdout).toContain('2 files checked (2 channels): 1 error, 0 warnings (1 file invalid)');
  });

  it('prints GitHub workflow annotations', async () => {
    const file = path.join(INVALID, 'schema-bad-duration.yaml');
    const r = await cli('validate', file, '--format', 'github');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(`::error file=${rel(file)},line=7,col=25,endColumn=28,title=SCHEMA_BAD_DURATION::\`retrieval.incremental.every\` is not a fixed ISO-8601 duration: "15m" (did you mean \`PT15M\`?)\n`);
  });

  it('prints valid SARIF 2.1.0 whose rule ids are the finding codes', async () => {
    const r = await cli('validate', INVALID, '--format', 'sarif');
    expect(r.code).toBe(1);
    const sarif = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(checkSarif(sarif)).toEqual([]);
    const run = (sarif.runs as { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string }[] }[])[0]!;
    expect(run.tool.driver.rules.map((x) => x.id)).toEqual(expect.arrayContaining(['YAML_SYNTAX', 'SCHEMA_UNKNOWN_KEY', 'CHANNEL_RULE_UNKNOWN_OPERATOR']));
    expect(run.results.length).toBeGreaterThanOrEqual(54);
  });

  it('exits 2 on usage errors: unknown format, missing path', async () => {
    expect((await cli('validate', '--format', 'xml')).code).toBe(2);
    const missing = await cli('validate', path.join(dir, 'nope.yaml'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('error[FILE_NOT_FOUND]');
    const empty = await mkdtemp(path.join(tmpdir(), 'orderwire-empty-'));
    expect((await cli('validate', empty)).code).toBe(2);
    await rm(empty, { recursive: true });
  });

  it('documents every option in --help', async () => {
    const r = await cli('validate', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--format <format>.*human.*json.*github.*sarif/s);
  });

  it('reads standard input for - (child process) and exits 1 on errors', async () => {
    const ok = await spawnCli(['validate', '-'], await readFile(BASE, 'utf8'));
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.stdout).toContain('<stdin>: ok');
    const bad = await spawnCli(['validate', '-', '--format', 'github'], 'id: x\n');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('::error file=<stdin>,line=1,col=1,');
    expect(bad.stdout).toContain('title=SCHEMA_MISSING_KEY');
  });

  it('exits 2 for a missing file as a child process too', async () => {
    expect((await spawnCli(['validate', 'no/such/file.yaml'])).code).toBe(2);
  });
});

describe('orderwire schema, describe, doc', () => {
  it('schema prints the channel JSON Schema', async () => {
    const r = await cli('schema');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(await readFile(path.join(ROOT, 'schemas/channel.schema.json'), 'utf8'));
    expect((await cli('schema', 'platform')).stdout).toBe(await readFile(path.join(ROOT, 'schemas/platform.schema.json'), 'utf8'));
    expect((await cli('schema', 'nope')).code).toBe(2);
  });

  it('describe --json prints describeChannel output; without --json a summary', async () => {
    const json = await cli('describe', 'cdiscount', '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(JSON.stringify(describeChannel(await loadChannel('cdiscount')))));
    const text = await cli('describe', path.join(ROOT, 'channels/worten.yaml'));
    expect(text.stdout).toContain('Worten (worten), platform mirakl');
  });

  it('doc prints the Markdown page, or the description as JSON', async () => {
    const md = await cli('doc', 'worten');
    expect(md.code).toBe(0);
    expect(md.stdout).toBe(renderChannelDoc(await loadChannel('worten')));
    const json = await cli('doc', 'worten', '--format', 'json');
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse((await cli('describe', 'worten', '--json')).stdout));
  });

  it('describe and doc: an invalid channel prints its findings and exits 1; an unknown one exits 2', async () => {
    const invalid = await cli('doc', path.join(INVALID, 'list-unknown.yaml'));
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toBe('');
    expect(invalid.stderr).toContain('error[CHANNEL_LIST_UNKNOWN]');
    expect(invalid.stderr).toContain('= help: did you mean `reasons`?');
    const unknown = await cli('describe', 'nosuchchannel');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('error[CHANNEL_NOT_FOUND]');
  });
});
