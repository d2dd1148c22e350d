/**
 * Loading platform files through the document front end (engine/documents/): YAML with positions
 * -> schemas/platform.schema.json -> compile. Every problem is a located finding (file:line:column,
 * a catalogue code, the JSON pointer, a suggestion), all of them at once, in one OrderwireError
 * (PLATFORM_SYNTAX or PLATFORM_INVALID) whose `details.findings` carry the list. The compile step
 * collects every problem too (collect.ts), beside the schema's, skipping only what they make moot.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { finding, hasErrors, sortFindings, type Finding } from '../../documents/finding.ts';
import { DOCUMENT_KINDS } from '../../documents/kinds.ts';
import { fromPointer, toPointer } from '../../documents/pointer.ts';
import { plainNamer, schemaFindings } from '../../documents/schema-findings.ts';
import { schemaFile } from '../../documents/schemas.ts';
import { parseYaml } from '../../documents/yaml.ts';
import { OrderwireError } from '../../errors.ts';
import { compilePlatformReport } from './compile.ts';
import type { Platform, RawPlatform } from './model.ts';

export const PLATFORMS_DIR = path.resolve(import.meta.dirname, '../../../channels/platforms');
export const PLATFORM_SCHEMA_FILE = schemaFile('platform');

const KIND = DOCUMENT_KINDS.platform;
export const platformNamer = plainNamer(KIND.noun);

export interface PlatformValidation {
  /** The compiled platform, present when no finding is an error. */
  readonly platform?: Platform;
  /** The schema-valid document, present when the YAML and the schema found no error. */
  readonly raw?: RawPlatform;
  readonly findings: readonly Finding[];
}

/** Validates and compiles platform text (the file name is for findings); never throws for a bad file. */
export function validatePlatformText(text: string, file: string): PlatformValidation {
  const parsed = parseYaml(text, file, { emptyHint: KIND.emptyHint });
  const findings: Finding[] = [...parsed.findings];
  if (hasErrors(findings)) return { findings: sortFindings(findings) };
  const schema = schemaFindings(parsed, 'platform', platformNamer);
  findings.push(...schema);
  // Compiled even when the schema refused something: the parts it refused are skipped, the
  // rest (templates, references, effects, budgets) is checked, so one run shows every problem.
  const broken = schema.filter((f) => f.severity === 'error').map((f) => fromPointer(f.pointer));
  const raw = parsed.data as RawPlatform;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { findings: sortFindings(findings) };
  const { platform, errors } = compilePlatformReport(raw, file, broken);
  for (const err of errors) {
    const pointer = toPointer(err.pointer);
    findings.push(finding(file, parsed.locate(pointer), err.code, `${platformNamer.nodeName(pointer)}: ${err.message}`, pointer, err.suggestion));
  }
  if (broken.length > 0) return { findings: sortFindings(findings) };
  return { ...(platform && { platform }), raw, findings: sortFindings(findings) };
}

function fail(file: string, findings: readonly Finding[]): never {
  const errors = findings.filter((f) => f.severity === 'error');
  const code = errors.some((f) => f.code.startsWith('YAML_')) ? 'PLATFORM_SYNTAX' : 'PLATFORM_INVALID';
  const lines = errors.map((f) => `${f.file}:${f.line}:${f.column}: ${f.message}${f.suggestion ? ` (${f.suggestion})` : ''} [${f.code}]`);
  throw new OrderwireError(code, lines.length === 1 ? lines[0]! : `${file}: ${errors.length} problems:\n  ${lines.join('\n  ')}`, { file, findings });
}

/** Parses, validates and compiles platform text, or throws PLATFORM_SYNTAX / PLATFORM_INVALID with every finding. */
export function parsePlatform(text: string, file: string): Platform {
  const result = validatePlatformText(text, file);
  if (!result.platform) fail(file, result.findings);
  return result.platform;
}

/** The file of a platform: a path to a .yaml file as given, else <name>.yaml in `dir` (default: the shipped platforms). */
export function platformFile(nameOrFile: string, dir: string = PLATFORMS_DIR): string {
  return /\.ya?ml$/.test(nameOrFile) ? path.resolve(nameOrFile) : path.join(dir, `${nameOrFile}.yaml`);
}

/** A platform by name from channels/platforms/ (or `dir`), or a path to a .yaml file. */
export async function loadPlatform(nameOrFile: string, opts: { dir?: string } = {}): Promise<Platform> {
  const file = platformFile(nameOrFile, opts.dir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new OrderwireError('PLATFORM_NOT_FOUND', `platform "${nameOrFile}" has no file: ${file}`, { platform: nameOrFile, file });
    }
    throw new OrderwireError('FILE_UNREADABLE', `cannot read ${file}: ${(err as Error).message}`, { file });
  }
  return parsePlatform(text, file);
}
