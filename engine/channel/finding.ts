/**
 * A finding: one problem in a channel file, located precisely enough for an editor, a CI
 * annotation or a newcomer reading the terminal. Every layer of validation (YAML, schema,
 * semantic checks, custom rules) speaks this one type.
 */
import { errorCatalogue, type ErrorCode } from '../errors.ts';

export type FindingSeverity = 'error' | 'warning';

export interface Finding {
  readonly file: string;
  /** 1-based start of the offending key or value. */
  readonly line: number;
  readonly column: number;
  /** 1-based end (exclusive column), same line as `line` for most findings. */
  readonly endLine: number;
  readonly endColumn: number;
  /** Stable code from the error catalogue (engine/errors.md). */
  readonly code: ErrorCode;
  readonly severity: FindingSeverity;
  readonly message: string;
  /** JSON pointer of the offending node in the document ('' for the whole document). */
  readonly pointer: string;
  /** How to fix it, when there is something concrete to say (a did-you-mean, a value to use). */
  readonly suggestion?: string;
  /** The located text is a secret (a credential written in a file): reports never quote it. */
  readonly secret?: true;
}

/** A source range, 1-based, end exclusive. */
export interface Range {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

export const START_OF_FILE: Range = Object.freeze({ line: 1, column: 1, endLine: 1, endColumn: 1 });

/** Builds a finding; its severity comes from the catalogue so a code always means the same. */
export function finding(
  file: string,
  range: Range,
  code: ErrorCode,
  message: string,
  pointer: string,
  suggestion?: string,
): Finding {
  const severity = errorCatalogue[code].severity;
  return Object.freeze({
    file,
    line: range.line,
    column: range.column,
    endLine: range.endLine,
    endColumn: range.endColumn,
    code,
    severity,
    message,
    pointer,
    ...(suggestion !== undefined && { suggestion }),
  });
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}

/** Source order, errors before warnings at the same place: the first finding is the one to fix first. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) ||
      a.code.localeCompare(b.code),
  );
}
