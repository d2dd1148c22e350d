/**
 * Findings for people: `file:line:col: severity[CODE] message`, the source line with the range
 * underlined, and the fix suggestion, in the style of compilers newcomers already know.
 */
import type { Finding } from '../finding.ts';

export interface FileReport {
  readonly file: string;
  /** Source text, to quote the offending line (absent when the file could not be read). */
  readonly text?: string;
  readonly findings: readonly Finding[];
}

function underline(line: string, f: Finding): string {
  const start = Math.max(1, f.column);
  const end = f.endLine === f.line && f.endColumn > start ? f.endColumn : Math.max(start + 1, line.trimEnd().length + 1);
  // Keep tabs so the carets stay aligned under the source text.
  const pad = [...line.slice(0, start - 1)].map((c) => (c === '\t' ? '\t' : ' ')).join('');
  return pad + '^'.repeat(Math.max(1, end - start));
}

/** The line with the finding's range starred out, for findings that locate a secret. */
function masked(line: string, f: Finding): string {
  const start = Math.max(0, f.column - 1);
  const end = f.endLine === f.line && f.endColumn > f.column ? f.endColumn - 1 : line.length;
  return line.slice(0, start) + '*'.repeat(Math.max(0, Math.min(end, line.length) - start)) + line.slice(end);
}

export function formatFinding(f: Finding, text?: string, displayFile = f.file): string {
  const out = [`${displayFile}:${f.line}:${f.column}: ${f.severity}[${f.code}] ${f.message}`];
  const source = text?.split(/\r?\n/)[f.line - 1];
  const line = source !== undefined && f.secret ? masked(source, f) : source;
  if (line !== undefined && line.trim() !== '') {
    const gutter = String(f.line).length;
    out.push(`${' '.repeat(gutter + 1)}|`);
    out.push(`${f.line} | ${line}`);
    out.push(`${' '.repeat(gutter + 1)}| ${underline(line, f)}`);
  }
  if (f.suggestion) out.push(`${' '.repeat(String(f.line).length + 1)}= help: ${f.suggestion}`);
  return out.join('\n');
}

export function summarize(reports: readonly FileReport[]): { errors: number; warnings: number; files: number; invalidFiles: number } {
  let errors = 0;
  let warnings = 0;
  let invalidFiles = 0;
  for (const r of reports) {
    const e = r.findings.filter((f) => f.severity === 'error').length;
    errors += e;
    warnings += r.findings.length - e;
    if (e > 0) invalidFiles++;
  }
  return { errors, warnings, files: reports.length, invalidFiles };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function formatHuman(reports: readonly FileReport[], display: (file: string) => string = (f) => f): string {
  const blocks: string[] = [];
  const ok: string[] = [];
  for (const r of reports) {
    if (r.findings.length === 0) ok.push(`${display(r.file)}: ok`);
    for (const f of r.findings) blocks.push(formatFinding(f, r.text, display(f.file)));
  }
  if (ok.length > 0) blocks.push(ok.join('\n'));
  const s = summarize(reports);
  const verdict = s.errors > 0 ? `${plural(s.invalidFiles, 'file')} invalid` : 'all valid';
  blocks.push(`${plural(s.files, 'channel file')} checked: ${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')} (${verdict})`);
  return blocks.join('\n\n') + '\n';
}
