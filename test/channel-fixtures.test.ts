/**
 * Every file of test/fixtures/channels/invalid/ declares on its first line the finding it must
 * produce: `# expect: CODE line:column`. That finding must be the first error reported, at exactly
 * that place, and the channel must not load.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isErrorCode } from '../engine/errors.ts';
import { validateChannelFile } from '../engine/channel/validate.ts';

const DIR = path.resolve(import.meta.dirname, 'fixtures/channels/invalid');
const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();

function expectation(file: string): { code: string; line: number; column: number } {
  const first = readFileSync(path.join(DIR, file), 'utf8').split('\n')[0]!;
  const m = /^# expect: ([A-Z_]+) (\d+):(\d+)$/.exec(first);
  if (!m) throw new Error(`${file}: first line must be "# expect: CODE line:column", got ${first}`);
  return { code: m[1]!, line: Number(m[2]), column: Number(m[3]) };
}

describe('invalid channel fixtures', () => {
  it('has at least 30 fixtures, each expecting a catalogue code', () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
    for (const file of files) expect(isErrorCode(expectation(file).code), file).toBe(true);
  });

  it('covers every layer: YAML, schema, semantic checks and rules', () => {
    const codes = new Set(files.map((f) => expectation(f).code));
    for (const prefix of ['YAML_', 'SCHEMA_', 'CHANNEL_WINDOW_', 'CHANNEL_LIST_', 'CHANNEL_RULE_', 'CHANNEL_STATUS_']) {
      expect([...codes].some((c) => c.startsWith(prefix)), prefix).toBe(true);
    }
  });

  it.each(files)('%s: first error has the declared code and position', async (file) => {
    const want = expectation(file);
    const result = await validateChannelFile(path.join(DIR, file));
    expect(result.channel).toBeUndefined();
    const firstError = result.findings.find((f) => f.severity === 'error');
    expect(firstError, JSON.stringify(result.findings, null, 2)).toBeDefined();
    expect({ code: firstError!.code, line: firstError!.line, column: firstError!.column }).toEqual(want);
    expect(firstError!.file).toBe(path.join(DIR, file));
    expect(firstError!.message.length).toBeGreaterThan(20);
    expect(firstError!.endLine).toBeGreaterThanOrEqual(firstError!.line);
  });
});
