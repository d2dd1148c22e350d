/**
 * COPY's text format (https://www.postgresql.org/docs/15/sql-copy.html, "Text Format"): one line
 * per row, columns separated by tabs, `\N` for NULL, and backslash, newline, carriage return and
 * tab escaped with a backslash. JSON texts from JSON.stringify hold no raw control characters,
 * so for them the escape is usually a scan that finds nothing to replace.
 */
const SPECIAL = /[\\\n\r\t]/;
const SPECIALS = /[\\\n\r\t]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export type CopyValue = string | number | boolean | null | undefined;

/** One value as a COPY text field: strings escaped, booleans as t/f, null and undefined as \N. */
export function copyField(value: CopyValue): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') return String(value);
  return SPECIAL.test(value) ? value.replace(SPECIALS, (c) => ESCAPES[c]!) : value;
}

/** One row as a COPY text line, newline included. */
export function copyRow(values: readonly CopyValue[]): string {
  let line = copyField(values[0]);
  for (let i = 1; i < values.length; i++) line += `\t${copyField(values[i])}`;
  return `${line}\n`;
}
