/**
 * Loading platform files: YAML with positions -> schemas/platform.schema.json (ajv, strict, all
 * errors) -> compile. Every problem is reported as file:line:column with the key path, all of
 * them at once, in one OrderwireError (PLATFORM_SYNTAX or PLATFORM_INVALID) whose details carry
 * the list.
 */
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020Module, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { OrderwireError } from '../../errors.ts';
import { parseYaml, type ParsedYaml } from '../../channel/parse.ts';
import { dottedPath, toPointer } from '../../channel/pointer.ts';
import { CompileError } from './compile-error.ts';
import { compilePlatform } from './compile.ts';
import { collapseOneOf } from './schema-errors.ts';
import type { Platform, RawPlatform } from './model.ts';

const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;

export const PLATFORMS_DIR = path.resolve(import.meta.dirname, '../../../channels/platforms');
export const PLATFORM_SCHEMA_FILE = path.resolve(import.meta.dirname, '../../../schemas/platform.schema.json');

export interface PlatformFinding {
  file: string;
  line: number;
  column: number;
  /** JSON pointer of the offending node. */
  pointer: string;
  message: string;
}

let validator: ValidateFunction | undefined;

export function platformValidator(): ValidateFunction {
  if (!validator) {
    const schema = JSON.parse(readFileSync(PLATFORM_SCHEMA_FILE, 'utf8')) as object;
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true });
    addFormats(ajv);
    validator = ajv.compile(schema);
  }
  return validator;
}

function describe(error: ErrorObject): { pointer: string; message: string } {
  const where = dottedPath(error.instancePath) || '(top level)';
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = (error.params as { additionalProperty: string }).additionalProperty;
      return { pointer: `${error.instancePath}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`, message: `${where}: unknown key "${key}"` };
    }
    case 'required':
      return { pointer: error.instancePath, message: `${where}: missing required key "${(error.params as { missingProperty: string }).missingProperty}"` };
    case 'enum':
      return { pointer: error.instancePath, message: `${where}: must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}` };
    case 'pattern': {
      const schema = error.parentSchema as { title?: string; description?: string } | undefined;
      return { pointer: error.instancePath, message: `${where}: ${JSON.stringify(error.data)} is not a valid ${schema?.title?.toLowerCase() ?? 'value'}${schema?.description ? ` (${schema.description})` : ''}` };
    }
    case 'oneOf':
    case 'anyOf':
      return { pointer: error.instancePath, message: `${where}: ${error.message ?? 'matches no allowed form'}` };
    case 'const':
      return { pointer: error.instancePath, message: `${where}: must be ${JSON.stringify((error.params as { allowedValue: unknown }).allowedValue)}` };
    default:
      return { pointer: error.instancePath, message: `${where}: ${error.message ?? 'is invalid'}` };
  }
}

function schemaFindings(parsed: ParsedYaml): PlatformFinding[] {
  const validate = platformValidator();
  if (validate(parsed.data)) return [];
  // A failed oneOf reports every branch: keep the branch the author most likely meant.
  const errors = collapseOneOf(validate.errors ?? []);
  const specific = errors.filter((e) => e.keyword !== 'if');
  const seen = new Set<string>();
  const out: PlatformFinding[] = [];
  for (const error of specific.length ? specific : errors) {
    const { pointer, message } = describe(error);
    if (seen.has(message)) continue;
    seen.add(message);
    const at = parsed.locate(pointer, error.keyword === 'additionalProperties' ? 'key' : 'value');
    out.push({ file: parsed.file, line: at.line, column: at.column, pointer, message });
  }
  return out;
}

function fail(code: 'PLATFORM_SYNTAX' | 'PLATFORM_INVALID', findings: PlatformFinding[]): never {
  const lines = findings.map((f) => `${f.file}:${f.line}:${f.column}: ${f.message}`);
  throw new OrderwireError(code, lines.length === 1 ? lines[0]! : `${findings.length} problems:\n  ${lines.join('\n  ')}`, { findings });
}

/** Parses, validates and compiles platform text (the file name is for messages). */
export function parsePlatform(text: string, file: string): Platform {
  const parsed = parseYaml(text, file);
  const syntax = parsed.findings.filter((f) => f.severity === 'error');
  if (syntax.length) fail('PLATFORM_SYNTAX', syntax.map((f) => ({ file, line: f.line, column: f.column, pointer: f.pointer, message: f.message })));
  const findings = schemaFindings(parsed);
  if (findings.length) fail('PLATFORM_INVALID', findings);
  try {
    return compilePlatform(parsed.data as RawPlatform, file);
  } catch (err) {
    if (!(err instanceof CompileError)) throw err;
    const pointer = toPointer(err.pointer);
    const at = parsed.locate(pointer);
    return fail('PLATFORM_INVALID', [{ file, line: at.line, column: at.column, pointer, message: `${dottedPath(pointer) || '(top level)'}: ${err.message}` }]);
  }
}

/** A platform by name from channels/platforms/ (or `dir`), or a path to a .yaml file. */
export async function loadPlatform(nameOrFile: string, opts: { dir?: string } = {}): Promise<Platform> {
  const file = /\.ya?ml$/.test(nameOrFile) ? path.resolve(nameOrFile) : path.join(opts.dir ?? PLATFORMS_DIR, `${nameOrFile}.yaml`);
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
