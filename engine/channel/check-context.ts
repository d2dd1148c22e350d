/** What every semantic check receives: the schema-valid document and a way to report findings at a node. */
import type { ErrorCode } from '../errors.ts';
import type { RawChannel } from './compile.ts';
import { finding, type Finding } from '../documents/finding.ts';
import type { ParsedYaml } from '../documents/yaml.ts';
import { toPointer } from '../documents/pointer.ts';
import type { NormalizedStatus } from './model.ts';

export interface CheckContext {
  readonly raw: RawChannel;
  readonly parsed: ParsedYaml;
  /** Normalized statuses mapped by `statuses` or `line_statuses`. */
  readonly mapped: ReadonlySet<NormalizedStatus>;
  report(path: readonly (string | number)[], part: 'key' | 'value', code: ErrorCode, message: string, suggestion?: string): void;
}

export function checkContext(raw: RawChannel, parsed: ParsedYaml, out: Finding[]): CheckContext {
  const mapped = new Set([...Object.keys(raw.statuses), ...Object.keys(raw.line_statuses ?? {})] as NormalizedStatus[]);
  return {
    raw,
    parsed,
    mapped,
    report(path, part, code, message, suggestion) {
      const pointer = toPointer(path);
      out.push(finding(parsed.file, parsed.locate(pointer, part), code, message, pointer, suggestion));
    },
  };
}

/** Typed Object.entries for the partial records of the raw document. */
export function entries<K extends string, V>(record: Partial<Record<K, V>> | undefined): [K, V][] {
  return Object.entries(record ?? {}) as [K, V][];
}
