/**
 * The YAML layer of every file kind: parse keeping source positions, so every later finding can
 * say file:line:column. Duplicate keys and syntax errors become findings here;
 * `locate(pointer)` maps a JSON pointer back to the key or the value it names.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { finding, START_OF_FILE, type Finding, type Range } from './finding.ts';
import { fromPointer, toPointer } from './pointer.ts';

export interface ParsedYaml {
  readonly file: string;
  readonly text: string;
  /** The document as plain data (undefined when the YAML is broken). */
  readonly data: unknown;
  /** YAML_* findings; empty when the text is well-formed. */
  readonly findings: Finding[];
  /** Range of the key (for `part: 'key'`) or the value named by `pointer`; the nearest existing ancestor if absent. */
  locate(pointer: string, part?: 'key' | 'value'): Range;
  /** Source text of a 1-based line, without its line break ('' past the end). */
  lineText(line: number): string;
}

/** Advice for the YAML errors newcomers meet most; the parser's own message says what, this says how. */
const SYNTAX_HINTS: Record<string, string> = {
  TAB_AS_INDENT: 'indent with spaces, never tabs',
  BAD_INDENT: 'align the line with its siblings (same number of spaces) and close any open [ or {',
  MULTIPLE_DOCS: 'an orderwire file holds one document: remove the `---` separator and what follows, or move it to its own file',
  BLOCK_AS_IMPLICIT_KEY: 'a value that contains ": " must be quoted, e.g. note: "Cancel: manual"',
  MISSING_CHAR: 'close the quote or bracket opened before this point',
  UNEXPECTED_TOKEN: 'check the indentation and quoting of this line',
  BAD_SCALAR_START: 'quote values that start with a special character such as @, ` or %',
  MULTILINE_IMPLICIT_KEY: 'a key must fit on one line; check for a missing colon on the line above',
  DUPLICATE_KEY: 'remove one of the two keys, or merge their contents',
};

/** Parser messages that speak of the parser's API rather than the file. */
const SYNTAX_MESSAGES: Record<string, string> = {
  MULTIPLE_DOCS: 'the file holds more than one YAML document (a `---` line starts a second one)',
};

type Segment = string;

function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  return String(key);
}

export interface ParseOptions {
  /** What an empty file should start with, for the YAML_EMPTY finding (default: a channel's first keys). */
  readonly emptyHint?: string;
}

export function parseYaml(text: string, file: string, options: ParseOptions = {}): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, keepSourceTokens: true });
  const lines = text.split(/\r?\n/);

  const toRange = (start: number, end: number): Range => {
    const a = lineCounter.linePos(start);
    const b = lineCounter.linePos(Math.max(end, start));
    return { line: a.line, column: a.col, endLine: b.line, endColumn: b.col };
  };
  const nodeRange = (node: unknown): Range | undefined => {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range ? toRange(range[0], range[1]) : undefined;
  };

  const findings: Finding[] = [...duplicateKeyFindings(doc, file, nodeRange)];
  for (const error of doc.errors) {
    if (error.code === 'DUPLICATE_KEY') continue; // reported above with both locations
    const hint = SYNTAX_HINTS[error.code];
    const message = SYNTAX_MESSAGES[error.code] ?? error.message;
    findings.push(finding(file, toRange(error.pos[0], error.pos[1]), 'YAML_SYNTAX', `YAML syntax: ${message}`, '', hint));
  }
  for (const warning of doc.warnings) {
    findings.push(finding(file, toRange(warning.pos[0], warning.pos[1]), 'YAML_WARNING', `YAML: ${warning.message}`, ''));
  }

  let data: unknown;
  if (!findings.some((f) => f.severity === 'error')) {
    try {
      data = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      findings.push(finding(file, START_OF_FILE, 'YAML_SYNTAX', `YAML: ${(err as Error).message}`, '', 'define every anchor (&name) before its alias (*name)'));
    }
    if (data === null || data === undefined) {
      if (!findings.some((f) => f.severity === 'error')) {
        findings.push(finding(file, START_OF_FILE, 'YAML_EMPTY', 'the file holds no YAML document (it is empty or only comments)', '', options.emptyHint ?? 'start with `id:`, `name:` and `platform:`; see channels/README.md'));
      }
      data = undefined;
    }
  }

  /** Walks the document along the pointer; returns the deepest pair/node reached. */
  const walk = (segments: Segment[]): { key?: unknown; value: unknown; complete: boolean } => {
    let current: unknown = doc.contents;
    let key: unknown;
    for (const seg of segments) {
      if (isAlias(current)) current = current.resolve(doc);
      if (isMap(current)) {
        const pair = current.items.find((p) => isPair(p) && keyText(p.key) === seg);
        if (!pair) return { key, value: current, complete: false };
        key = pair.key;
        current = pair.value ?? pair.key;
      } else if (isSeq(current)) {
        const item = current.items[Number(seg)];
        if (!/^\d+$/.test(seg) || item === undefined) return { key, value: current, complete: false };
        key = undefined;
        current = item;
      } else {
        return { key, value: current, complete: false };
      }
    }
    return { key, value: current, complete: true };
  };

  return {
    file,
    text,
    data,
    findings,
    locate(pointer, part = 'value') {
      const reached = walk(fromPointer(pointer));
      const target = part === 'key' || !reached.complete ? (reached.key ?? reached.value) : reached.value;
      const range = nodeRange(target) ?? nodeRange(reached.key) ?? nodeRange(doc.contents) ?? START_OF_FILE;
      return firstLineOnly(range, lines);
    },
    lineText(line) {
      return lines[line - 1] ?? '';
    },
  };
}

/** Block values span many lines; a finding underlines where they start, up to the end of that line. */
function firstLineOnly(range: Range, lines: string[]): Range {
  if (range.endLine === range.line) return range;
  const text = lines[range.line - 1] ?? '';
  return { line: range.line, column: range.column, endLine: range.line, endColumn: Math.max(range.column + 1, text.trimEnd().length + 1) };
}

function duplicateKeyFindings(doc: Document, file: string, nodeRange: (node: unknown) => Range | undefined): Finding[] {
  const out: Finding[] = [];
  const visitNode = (node: unknown, path: Segment[]): void => {
    if (isAlias(node)) return;
    if (isMap(node)) {
      const seen = new Map<string, Range | undefined>();
      for (const pair of node.items) {
        const name = keyText(pair.key);
        const range = nodeRange(pair.key);
        const first = seen.get(name);
        if (seen.has(name)) {
          const where = first ? ` (first defined on line ${first.line})` : '';
          out.push(finding(file, range ?? START_OF_FILE, 'YAML_DUPLICATE_KEY', `duplicate key \`${name}\`${where}: YAML keeps only one of them, so the other would be silently lost`, toPointer([...path, name]), SYNTAX_HINTS.DUPLICATE_KEY));
        } else {
          seen.set(name, range);
        }
        visitNode(pair.value, [...path, name]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => visitNode(item, [...path, String(i)]));
    }
  };
  visitNode(doc.contents as Node | null, []);
  return out;
}
