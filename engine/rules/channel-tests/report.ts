/** Reports of a channel test run: readable text for people, JUnit XML for CI. */
import path from 'node:path';
import type { Coverage, Location, RunSummary } from './model.ts';

function where(location: Location, cwd: string): string {
  return `${path.relative(cwd, location.file) || location.file}:${location.line}:${location.column}`;
}

function percent(c: Coverage): string {
  return c.total === 0 ? '100' : ((c.covered / c.total) * 100).toFixed(0);
}

export function coverageLines(c: Coverage): string[] {
  const lines = [`coverage ${c.channel}: ${c.covered}/${c.total} (status, action) pairs exercised (${percent(c)}%)`];
  const byStatus = new Map<string, string[]>();
  for (const m of c.missing) byStatus.set(m.status, [...(byStatus.get(m.status) ?? []), m.action]);
  for (const [status, actions] of byStatus) lines.push(`  not exercised at ${status}: ${actions.join(', ')}`);
  return lines;
}

export function textReport(summary: RunSummary, cwd = process.cwd()): string {
  const out: string[] = [];
  for (const { file, results } of summary.files) {
    out.push(`${path.relative(cwd, file.file) || file.file}${file.channel ? ` (${file.channel.id})` : ''}`);
    for (const p of file.problems) out.push(`  ✗ ${where(p, cwd)}: ${p.severity}[${p.code}]: ${p.message}`);
    for (const r of results) {
      if (r.passed) {
        out.push(`  ✓ ${r.testCase.name}`);
      } else {
        out.push(`  ✗ ${r.testCase.name} (${where(r.testCase.location, cwd)})`);
        for (const d of r.differences) out.push(`      ${d}`);
      }
    }
  }
  out.push('');
  for (const c of summary.coverage) out.push(...coverageLines(c));
  const invalid = summary.invalid > 0 ? `, ${summary.invalid} invalid file(s)` : '';
  out.push(`${summary.passed} passed, ${summary.failed} failed${invalid}`);
  return `${out.join('\n')}\n`;
}

// XML 1.0 cannot carry most control characters, even escaped: they are what this matches.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
    .replace(CONTROL_CHARACTERS, '');
}

export function junitReport(summary: RunSummary, cwd = process.cwd()): string {
  const tests = summary.passed + summary.failed;
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="orderwire channel tests" tests="${tests + summary.invalid}" failures="${summary.failed}" errors="${summary.invalid}">`,
  ];
  for (const { file, results } of summary.files) {
    const name = path.relative(cwd, file.file) || file.file;
    const failures = results.filter((r) => !r.passed).length;
    const errors = file.problems.length > 0 ? 1 : 0;
    out.push(`  <testsuite name="${xml(name)}" tests="${results.length + errors}" failures="${failures}" errors="${errors}">`);
    const cov = file.channel && summary.coverage.find((c) => c.channel === file.channel?.id);
    if (file.channel && cov) {
      out.push('    <properties>', `      <property name="channel" value="${xml(file.channel.id)}"/>`, `      <property name="coverage" value="${cov.covered}/${cov.total}"/>`, '    </properties>');
    }
    if (errors) {
      const text = file.problems.map((p) => `${where(p, cwd)}: ${p.code}: ${p.message}`).join('\n');
      out.push(`    <testcase classname="${xml(name)}" name="load ${xml(name)}">`, `      <error type="CHANNEL_TEST_INVALID" message="${xml(file.problems[0]!.message)}">${xml(text)}</error>`, '    </testcase>');
    }
    for (const r of results) {
      const attrs = `classname="${xml(file.channel?.id ?? name)}" name="${xml(r.testCase.name)}" file="${xml(name)}" line="${r.testCase.location.line}"`;
      if (r.passed) {
        out.push(`    <testcase ${attrs}/>`);
      } else {
        out.push(`    <testcase ${attrs}>`, `      <failure type="CHANNEL_TEST_FAILED" message="${xml(r.differences[0] ?? 'failed')}">${xml(r.differences.join('\n'))}</failure>`, '    </testcase>');
      }
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}
