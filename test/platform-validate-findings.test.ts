/**
 * `orderwire validate` on a broken platform file reports every problem in one run (issue 14):
 * schema, compile (templates, auth, requests) and cross-file findings side by side, each located
 * with its code, while a mistake that makes later checks moot (a misspelt action) is reported
 * once, not with its consequences. Loading keeps failing, with every finding in its message.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePlatform } from '../engine/connector/platform/load.ts';
import { runCli } from './helpers/cli-process.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const MIRAKL = path.join(ROOT, 'channels/platforms/mirakl.yaml');

interface JsonFinding { code: string; line: number; column: number; pointer: string; message: string; suggestion?: string }
interface JsonReport { files: { file: string; kind: string; valid: boolean; findings: JsonFinding[] }[] }

/** Three independent mistakes: a template typo, an unknown strategy option, a bad auth header. */
const MISTAKES = {
  template: ['tracking_number: ${request.data.tracking_number}', 'tracking_number: ${request.data.tracking_numbr}'],
  strategy: ['    page_size: 100\n', '    page_sise: 100\n'],
  auth: ['  header: Authorization\n', '  header: "Authorization:"\n'],
} as const;

let dir: string;
let mirakl: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'orderwire-platform-findings-'));
  await mkdir(path.join(dir, 'platforms'));
  // The channels of the platform beside it: `${request.data.x}` is checked against their fields.
  for (const name of ['worten.yaml', 'cdiscount.yaml']) await copyFile(path.join(ROOT, 'channels', name), path.join(dir, name));
  mirakl = await readFile(MIRAKL, 'utf8');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((l) => l.includes(needle.trim()));
  if (index < 0) throw new Error(`no line with ${needle}`);
  return index + 1;
}

function broken(mistakes: readonly (keyof typeof MISTAKES)[]): string {
  let text = mirakl;
  for (const m of mistakes) {
    const [from, to] = MISTAKES[m];
    expect(text.split(from).length, `${from} once in mirakl.yaml`).toBe(2);
    text = text.replace(from, to);
  }
  return text;
}

async function validate(text: string, extra: string[] = []): Promise<{ code: number | null; findings: JsonFinding[]; human: string }> {
  const file = path.join(dir, 'platforms', 'mirakl.yaml');
  await writeFile(file, text);
  const json = await runCli(['validate', file, '--format', 'json', ...extra]);
  const human = await runCli(['validate', file, ...extra]);
  expect(human.code).toBe(json.code);
  return { code: json.code, findings: (JSON.parse(json.stdout) as JsonReport).files[0]!.findings, human: human.stdout };
}

const EXPECTED = {
  template: (text: string) => expect.objectContaining({ code: 'PLATFORM_TEMPLATE_REFERENCE', line: lineOf(text, MISTAKES.template[1]), column: 26, pointer: '/actions/ship/0/body/tracking_number', suggestion: 'did you mean `tracking_number`?' }),
  strategy: (text: string) => expect.objectContaining({ code: 'SCHEMA_UNKNOWN_KEY', line: lineOf(text, MISTAKES.strategy[1]), column: 5, pointer: '/list_orders/pagination/page_sise', suggestion: 'did you mean `page_size`?' }),
  auth: (text: string) => expect.objectContaining({ code: 'PLATFORM_INCONSISTENT', line: lineOf(text, MISTAKES.auth[1]), column: 11, pointer: '/auth/header', message: expect.stringContaining('"Authorization:" is not an HTTP header name'), suggestion: 'did you mean `Authorization`?' }),
};

describe('orderwire validate on a platform file with several mistakes', () => {
  it('reports all three independent mistakes, located, in one run, and exits 1', async () => {
    const text = broken(['auth', 'strategy', 'template']);
    const { code, findings, human } = await validate(text);
    expect(code).toBe(1);
    expect(findings).toEqual([EXPECTED.auth(text), EXPECTED.strategy(text), EXPECTED.template(text)]);
    expect(human).toContain('1 file checked (1 platform): 3 errors');
    expect(human).toContain(`mirakl.yaml:${lineOf(text, MISTAKES.auth[1])}:11: error[PLATFORM_INCONSISTENT]`);
    expect(human).toContain(`mirakl.yaml:${lineOf(text, MISTAKES.strategy[1])}:5: error[SCHEMA_UNKNOWN_KEY]`);
    expect(human).toContain(`mirakl.yaml:${lineOf(text, MISTAKES.template[1])}:26: error[PLATFORM_TEMPLATE_REFERENCE]`);
  });

  it('reports each mistake alone as its own finding', async () => {
    for (const m of ['auth', 'strategy', 'template'] as const) {
      const text = broken([m]);
      const { code, findings } = await validate(text);
      expect(code, m).toBe(1);
      expect(findings, m).toEqual([EXPECTED[m](text)]);
    }
  });

  it('collects several compile problems of one file, even inside one request', async () => {
    // The path and the body of one request (OR23), and the path of the next one (OR24).
    const text = mirakl
      .replace('path: /api/orders/${order.marketplace_order_id}/tracking', 'path: /api/orders/${order.marketplace_orderid}/tracking')
      .replace('tracking_number: ${request.data.tracking_number}', 'tracking_number: ${reqest.data.tracking_number}')
      .replace('path: /api/orders/${order.marketplace_order_id}/ship', 'path: api/orders/${order.marketplace_order_id}/ship');
    const { code, findings } = await validate(text, ['--kind', 'platform']);
    expect(code).toBe(1);
    expect(findings).toEqual([
      expect.objectContaining({ code: 'PLATFORM_TEMPLATE_REFERENCE', line: lineOf(text, '${order.marketplace_orderid}'), pointer: '/actions/ship/0/path', suggestion: 'did you mean `marketplace_order_id`?' }),
      expect.objectContaining({ code: 'PLATFORM_TEMPLATE_REFERENCE', line: lineOf(text, '${reqest.data.tracking_number}'), pointer: '/actions/ship/0/body/tracking_number' }),
      expect.objectContaining({ code: 'PLATFORM_INCONSISTENT', line: lineOf(text, 'path: api/orders/'), pointer: '/actions/ship/1/path' }),
    ]);
  });

  it('reports a misspelt action once, not the effect check it leaves without an action', async () => {
    const lines = mirakl.split('\n');
    const at = lines.indexOf('  ship:');
    expect(at).toBeGreaterThan(0);
    lines[at] = '  shipp:';
    const text = lines.join('\n');
    const { findings } = await validate(text, ['--kind', 'platform']);
    expect(findings).toEqual([expect.objectContaining({ code: 'SCHEMA_UNKNOWN_KEY', line: at + 1, pointer: '/actions/shipp', suggestion: 'did you mean `ship`?' })]);
  });

  it('still fails loading (daemon, runtime) with every finding in one error', () => {
    const text = broken(['auth', 'strategy', 'template']);
    expect(() => parsePlatform(text, 'mirakl.yaml')).toThrow(expect.objectContaining({ code: 'PLATFORM_INVALID', message: expect.stringMatching(new RegExp(`2 problems:\\n.*:${lineOf(text, MISTAKES.auth[1])}:11: .*HTTP header name.*\\n.*page_sise`)) }));
    expect(parsePlatform(mirakl, 'mirakl.yaml').id).toBe('mirakl');
  });

  it('finds nothing in the shipped platform files', async () => {
    const result = await runCli(['validate', path.join(ROOT, 'channels/platforms'), '--format', 'json']);
    expect(result.code, result.stdout).toBe(0);
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(report.files.length).toBeGreaterThanOrEqual(4);
    for (const f of report.files) expect(f, f.file).toMatchObject({ kind: 'platform', valid: true, findings: [] });
  });
});
