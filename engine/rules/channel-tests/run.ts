/**
 * Running channel test cases: each case's verdict against its expectation, with every difference
 * spelled out, and the coverage of the channel's (status, action) pairs.
 */
import type { Channel } from '../../channel/model.ts';
import { mappedStatuses } from '../../order/status.ts';
import { validateAction, type ValidationResult } from '../validate.ts';
import type { CaseResult, Coverage, Expectation, FileResult, RunSummary, TestCase, TestFile } from './model.ts';

function codes(list: readonly { code: string }[]): string[] {
  return list.map((f) => f.code).sort();
}

function sameCodes(expected: readonly string[], actual: readonly string[]): boolean {
  const a = [...expected].sort();
  return a.length === actual.length && a.every((c, i) => c === actual[i]);
}

function json(value: unknown): string {
  return JSON.stringify(value) ?? 'undefined';
}

/** Differences between an expected subset and an actual value, as `path: expected X, got Y`. */
export function subsetDifferences(expected: unknown, actual: unknown, at: string): string[] {
  if (typeof expected === 'object' && expected !== null && !Array.isArray(expected)) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return [`${at}: expected an object like ${json(expected)}, got ${json(actual)}`];
    return Object.entries(expected).flatMap(([key, value]) => subsetDifferences(value, (actual as Record<string, unknown>)[key], `${at}.${key}`));
  }
  return json(expected) === json(actual) ? [] : [`${at}: expected ${json(expected)}, got ${json(actual)}`];
}

function describeFindings(label: string, list: ValidationResult['errors']): string[] {
  return list.map((f) => `  ${label} ${f.code}${f.field ? ` ${f.field}` : ''}: ${f.message}`);
}

export function compare(expect: Expectation, verdict: ValidationResult): string[] {
  const out: string[] = [];
  if (expect.allowed !== verdict.allowed) out.push(`expected the action to be ${expect.allowed ? 'allowed' : 'denied'}, it was ${verdict.allowed ? 'allowed' : 'denied'}`);
  if (expect.status !== undefined && expect.status !== verdict.status) out.push(`expected status ${expect.status}, got ${verdict.status}`);
  const errors = codes(verdict.errors);
  const expectedErrors = expect.errors ?? (expect.allowed ? [] : undefined);
  if (expectedErrors !== undefined && !sameCodes(expectedErrors, errors)) {
    out.push(`expected errors [${[...expectedErrors].sort().join(', ')}], got [${errors.join(', ')}]`, ...describeFindings('error', verdict.errors));
  } else if (out.length > 0) {
    out.push(...describeFindings('error', verdict.errors));
  }
  const warnings = codes(verdict.warnings);
  if (expect.warnings !== undefined && !sameCodes(expect.warnings, warnings)) {
    out.push(`expected warnings [${[...expect.warnings].sort().join(', ')}], got [${warnings.join(', ')}]`, ...describeFindings('warning', verdict.warnings));
  }
  if (expect.request !== undefined) out.push(...subsetDifferences(expect.request, verdict.request, 'request'));
  return out;
}

export async function runCase(channel: Channel, testCase: TestCase): Promise<CaseResult> {
  const verdict = await validateAction(channel, testCase.order, testCase.action);
  const differences = compare(testCase.expect, verdict);
  return { testCase, passed: differences.length === 0, differences, verdict };
}

/** Every mapped status x every action of the channel that no result exercises. */
export function coverage(channel: Channel, results: readonly CaseResult[]): Coverage {
  const seen = new Set(results.map((r) => `${r.verdict.status}\u0000${r.testCase.action.name}`));
  const missing: Coverage['missing'] = [];
  let total = 0;
  for (const status of mappedStatuses(channel)) {
    for (const action of Object.keys(channel.actions)) {
      total++;
      if (!seen.has(`${status}\u0000${action}`)) missing.push({ status, action });
    }
  }
  return { channel: channel.id, total, covered: total - missing.length, missing };
}

export async function runTestFiles(files: readonly TestFile[]): Promise<RunSummary> {
  const results: FileResult[] = [];
  // Several test files may test one channel: coverage is per channel file, over all of them.
  const byChannel = new Map<string, { channel: Channel; results: CaseResult[] }>();
  for (const file of files) {
    const fileResults: CaseResult[] = [];
    if (file.channel) {
      for (const testCase of file.cases) fileResults.push(await runCase(file.channel, testCase));
      const key = file.channel.file ?? file.channel.id;
      const entry = byChannel.get(key) ?? { channel: file.channel, results: [] };
      entry.results.push(...fileResults);
      byChannel.set(key, entry);
    }
    results.push({ file, results: fileResults });
  }
  const all = results.flatMap((f) => f.results);
  return {
    files: results,
    coverage: [...byChannel.values()].map((e) => coverage(e.channel, e.results)),
    passed: all.filter((r) => r.passed).length,
    failed: all.filter((r) => !r.passed).length,
    invalid: files.filter((f) => f.problems.length > 0).length,
  };
}
