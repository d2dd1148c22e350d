/**
 * Every JSON Schema of schemas/ in one ajv instance (draft 2020-12, strict, all errors, verbose so
 * each error carries the failing value and its schema), each compiled once per process on first
 * use. Channel, platform, config and channel-test files and normalized orders are all checked
 * here; the findings machinery (schema-findings.ts) turns the errors into located findings.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020Module, { type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { dateTimeFormat } from './date-time-format.ts';

const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;

/** The schemas/ folder of the installation. */
export const SCHEMAS_DIR = path.resolve(import.meta.dirname, '../../schemas');

/** The schemas orderwire ships, by the name of their file (`channel` is schemas/channel.schema.json). */
export type SchemaName = 'channel' | 'platform' | 'config' | 'channel-test' | 'order' | 'channel-description';

export const SCHEMA_NAMES: readonly SchemaName[] = ['channel', 'platform', 'config', 'channel-test', 'order', 'channel-description'];

export type JsonSchema = Record<string, unknown> & {
  $id?: string;
  $defs?: Record<string, JsonSchema>;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  description?: string;
  title?: string;
  $ref?: string;
  enum?: unknown[];
};

export function schemaFile(name: SchemaName): string {
  return path.join(SCHEMAS_DIR, `${name}.schema.json`);
}

export interface CompiledSchema {
  readonly name: SchemaName;
  readonly schema: JsonSchema;
  readonly validate: ValidateFunction;
}

let ajv: InstanceType<typeof Ajv2020> | undefined;
const schemas = new Map<SchemaName, JsonSchema>();
const compiled = new Map<SchemaName, CompiledSchema>();

function instance(): InstanceType<typeof Ajv2020> {
  if (ajv) return ajv;
  // strictRequired off: `oneOf: [{ required: [a] }, ...]` names properties defined beside it.
  ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true, verbose: true });
  addFormats(ajv);
  // Same answers as ajv-formats' date-time, without its allocations for canonical instants.
  ajv.addFormat('date-time', dateTimeFormat);
  const known = new Set(readdirSync(SCHEMAS_DIR).filter((f) => f.endsWith('.schema.json')).map((f) => f.replace(/\.schema\.json$/, '')));
  for (const name of SCHEMA_NAMES) {
    if (!known.has(name)) throw new Error(`schemas/${name}.schema.json is missing`);
    const schema = JSON.parse(readFileSync(schemaFile(name), 'utf8')) as JsonSchema;
    schemas.set(name, schema);
    ajv.addSchema(schema, name);
  }
  return ajv;
}

/** The parsed JSON Schema document. */
export function schemaDocument(name: SchemaName): JsonSchema {
  instance();
  return schemas.get(name)!;
}

/** A schema and its validator, compiled on first use and kept for the process. */
export function compiledSchema(name: SchemaName): CompiledSchema {
  let entry = compiled.get(name);
  if (!entry) {
    const validate = instance().getSchema(name);
    if (!validate) throw new Error(`schema ${name} did not compile`);
    entry = Object.freeze({ name, schema: schemas.get(name)!, validate });
    compiled.set(name, entry);
  }
  return entry;
}

/** The `$defs` entry (or any JSON pointer) of a schema, `$ref`s left as they are. */
export function schemaAt(name: SchemaName, pointer: string): JsonSchema | undefined {
  let node: unknown = schemaDocument(name);
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  }
  return node as JsonSchema | undefined;
}
