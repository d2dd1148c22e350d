/**
 * Findings for machines: JSON (orderwire's own shape), GitHub Actions workflow commands (inline
 * annotations on pull requests) and SARIF 2.1.0 (code scanning, IDEs), whose rule ids are the
 * finding codes of the error catalogue.
 */
import { errorCatalogue, type ErrorCode } from '../../errors.ts';
import type { Finding } from '../finding.ts';
import { summarize, type FileReport } from './human.ts';

export function formatJson(reports: readonly FileReport[], display: (file: string) => string = (f) => f): string {
  const files = reports.map((r) => ({
    file: display(r.file),
    ...(r.kind !== undefined && { kind: r.kind }),
    valid: !r.findings.some((f) => f.severity === 'error'),
    findings: r.findings.map((f) => ({ ...f, file: display(f.file) })),
  }));
  return JSON.stringify({ files, summary: summarize(reports) }, null, 2) + '\n';
}

/** Escaping of workflow commands: data escapes %, CR, LF; properties also : and ,. */
function escapeData(text: string): string {
  return text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}
function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(':', '%3A').replaceAll(',', '%2C');
}

function messageWithHelp(f: Finding): string {
  return f.suggestion ? `${f.message} (${f.suggestion})` : f.message;
}

export function formatGithub(reports: readonly FileReport[], display: (file: string) => string = (f) => f): string {
  const lines: string[] = [];
  for (const r of reports) {
    for (const f of r.findings) {
      const props = `file=${escapeProperty(display(f.file))},line=${f.line},col=${f.column},endColumn=${f.endColumn},title=${escapeProperty(f.code)}`;
      lines.push(`::${f.severity} ${props}::${escapeData(messageWithHelp(f))}`);
    }
  }
  return lines.map((l) => l + '\n').join('');
}

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

export function formatSarif(reports: readonly FileReport[], display: (file: string) => string = (f) => f, version = '0.1.0'): string {
  const findings = reports.flatMap((r) => r.findings);
  const codes = [...new Set(findings.map((f) => f.code))].sort() as ErrorCode[];
  const rules = codes.map((code) => {
    const def = errorCatalogue[code];
    return {
      id: code,
      name: code.toLowerCase().replace(/(^|_)([a-z])/g, (_, _u, c: string) => c.toUpperCase()),
      shortDescription: { text: def.title },
      fullDescription: { text: def.help },
      help: { text: def.help },
      defaultConfiguration: { level: def.severity },
    };
  });
  const results = findings.map((f) => ({
    ruleId: f.code,
    ruleIndex: codes.indexOf(f.code),
    level: f.severity,
    message: { text: messageWithHelp(f) },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: display(f.file).replaceAll('\\', '/').replace(/^<stdin>$/, 'stdin') },
          region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: Math.max(f.endColumn, f.column) },
        },
      },
    ],
    properties: { pointer: f.pointer },
  }));
  const sarif = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'orderwire', version, rules } },
        // yaml positions are JavaScript string offsets.
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
