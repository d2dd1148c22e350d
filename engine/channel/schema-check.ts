/**
 * The schema layer: schemas/channel.schema.json through ajv (draft 2020-12, all errors, strict),
 * compiled once per process. Raw ajv errors ("must NOT have additional properties") are turned
 * into findings a newcomer can act on: the key or value named, where it sits, a did-you-mean.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020Module, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { ErrorCode } from '../errors.ts';
import { collapseAlternatives } from './schema-alternatives.ts';
import { finding, type Finding } from './finding.ts';
import type { ParsedYaml } from './parse.ts';
import { fromPointer, toPointer } from './pointer.ts';
import { didYouMean, listOf } from './suggest.ts';
import { inside, nodeName } from './where.ts';

const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;

export const CHANNEL_SCHEMA_FILE = path.resolve(import.meta.dirname, '../../schemas/channel.schema.json');

type Schema = Record<string, unknown> & { properties?: Record<string, Schema>; description?: string; title?: string; $ref?: string };

const compiled = new Map<string, { schema: Schema; validate: ValidateFunction }>();

/**
 * A JSON Schema file and its validator, compiled on first use and kept for the process. Every
 * orderwire YAML file (channel, platform, config) goes through the same findings machinery.
 */
export function schemaValidator(file: string): { schema: Schema; validate: ValidateFunction } {
  let entry = compiled.get(file);
  if (!entry) {
    const schema = JSON.parse(readFileSync(file, 'utf8')) as Schema;
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true });
    addFormats(ajv);
    entry = { schema, validate: ajv.compile(schema) };
    compiled.set(file, entry);
  }
  return entry;
}

/** The channel JSON Schema and its validator. */
export function channelValidator(): { schema: Schema; validate: ValidateFunction } {
  return schemaValidator(CHANNEL_SCHEMA_FILE);
}

/** Findings for everything the document does against the schema; [] when it conforms. */
export function schemaFindings(parsed: ParsedYaml, against: { schema: Schema; validate: ValidateFunction } = channelValidator()): Finding[] {
  const { schema, validate } = against;
  if (validate(parsed.data)) return [];
  const collapsed = collapseAlternatives(validate.errors ?? []);
  // A value of the wrong type also fails its enum or pattern: say only that the type is wrong.
  const wrongType = new Set(collapsed.filter((e) => e.keyword === 'type' && e.propertyName === undefined).map((e) => e.instancePath));
  const errors = collapsed.filter((e) => e.keyword === 'type' || e.propertyName !== undefined || !wrongType.has(e.instancePath));
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    const converted = convert(error, parsed, schema);
    if (!converted) continue;
    const key = `${converted.code}|${converted.pointer}|${converted.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(converted);
  }
  return out;
}

/** Nouns for the shared vocabularies of the schema, keyed by their $defs name. */
const VOCABULARY: Record<string, string> = {
  normalizedStatus: 'a normalized status',
  actionName: 'an action name',
  linePolicy: 'a line policy',
};

function resolve(root: Schema, node: Schema | undefined): Schema | undefined {
  if (node?.$ref?.startsWith('#/$defs/')) {
    const target = (root.$defs as Record<string, Schema>)[node.$ref.slice('#/$defs/'.length)];
    return { ...target, ...node };
  }
  return node;
}

function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'nothing (an empty value)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the text "${value}"`;
  if (typeof value === 'boolean') return `\`${String(value)}\``;
  return `the number ${String(value)}`;
}

const EXPECTED: Record<string, string> = {
  object: 'a mapping (indented `key: value` lines)',
  array: 'a list (`[a, b]` or `- a` lines)',
  string: 'a text',
  integer: 'a whole number',
  number: 'a number',
  boolean: '`true` or `false`',
  null: 'empty',
};

function expected(types: string | string[]): string {
  const list = Array.isArray(types) ? types : String(types).split(',');
  return list.map((t) => EXPECTED[t] ?? t).join(' or ');
}

function typeSuggestion(want: string[], value: unknown): string | undefined {
  if (want.includes('string') && (typeof value === 'number' || typeof value === 'boolean')) return `quote it: "${String(value)}"`;
  if (value === null || value === undefined) return 'give it a value, or remove the key';
  if (want.includes('array') && !Array.isArray(value) && typeof value !== 'object') return `write it as a list: [${String(value)}]`;
  if (want.includes('boolean') && typeof value === 'string' && /^(yes|no|on|off|true|false)$/i.test(value)) {
    return `write ${/^(yes|on|true)$/i.test(value) ? 'true' : 'false'} without quotes`;
  }
  return undefined;
}

/** A guess at the ISO-8601 form of a duration written loosely ("15m", "1 day", "P1M"). */
export function guessDuration(text: string): string | undefined {
  if (/^P(\d+)M$/.test(text)) return `months have no fixed length: write PT${text.slice(1)} for minutes, or days such as P30D`;
  if (/^P(\d+)Y$/.test(text)) return `years have no fixed length: write days instead, such as P${Number(text.slice(1, -1)) * 365}D`;
  const m = /^\s*(\d+)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?|d|days?|w|weeks?)\s*$/i.exec(text);
  if (m) {
    const [, n, unit] = m;
    const u = unit!.toLowerCase()[0]!;
    const iso = u === 's' ? `PT${n}S` : u === 'm' ? `PT${n}M` : u === 'h' ? `PT${n}H` : u === 'd' ? `P${n}D` : `P${n}W`;
    return `did you mean \`${iso}\`?`;
  }
  if (/^pt?\d/i.test(text) && text !== text.toUpperCase()) return `write it in capitals: \`${text.toUpperCase()}\``;
  return 'write it as an ISO-8601 duration such as PT15M (15 minutes), PT1H (one hour) or P1D (one day)';
}

function convert(error: ErrorObject, parsed: ParsedYaml, root: Schema): Finding | undefined {
  const file = parsed.file;
  const at = (pointer: string, part: 'key' | 'value', code: ErrorCode, message: string, suggestion?: string): Finding =>
    finding(file, parsed.locate(pointer, part), code, message, pointer, suggestion);
  const params = error.params as Record<string, unknown>;
  const parentSchema = resolve(root, error.parentSchema as Schema | undefined);

  // Errors about an object's key names (propertyNames): point at the key itself.
  if (error.propertyName !== undefined) {
    const pointer = toPointer([...fromPointer(error.instancePath), error.propertyName]);
    const name = error.propertyName;
    if (error.keyword === 'enum') {
      const allowed = (params.allowedValues as string[]) ?? [];
      const noun = vocabulary(error.schemaPath) ?? 'an allowed key';
      return at(pointer, 'key', 'SCHEMA_INVALID_VALUE', `\`${name}\` ${inside(error.instancePath)} is not ${noun}; allowed: ${listOf(allowed)}`, didYouMean(name, allowed));
    }
    if (error.keyword === 'pattern') {
      const lower = name.toLowerCase().replace(/[^a-z0-9_]/g, '_');
      return at(pointer, 'key', 'SCHEMA_BAD_FORMAT', `name \`${name}\` ${inside(error.instancePath)} must be lower case letters, digits and _, starting with a letter`, `rename it \`${lower}\` (and every reference to it)`);
    }
    return at(pointer, 'key', 'SCHEMA_VIOLATION', `key \`${name}\` ${inside(error.instancePath)}: ${error.message ?? 'is not allowed'}`);
  }

  const pointer = error.instancePath;
  const subject = nodeName(pointer);
  switch (error.keyword) {
    case 'propertyNames':
      return undefined; // reported through the nested error, which names the key
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = Object.keys(parentSchema?.properties ?? {});
      const hint = didYouMean(key, known) ?? (known.length > 0 ? `keys allowed here: ${listOf(known)}` : undefined);
      return at(toPointer([...fromPointer(pointer), key]), 'key', 'SCHEMA_UNKNOWN_KEY', `unknown key \`${key}\` ${inside(pointer)}`, hint);
    }
    case 'required': {
      const missing = String(params.missingProperty);
      const property = resolve(root, parentSchema?.properties?.[missing]);
      const what = property?.description ? ` (${property.description.replace(/\.$/, '')})` : '';
      const owner = pointer === '' ? 'the channel' : subject;
      return at(pointer, 'key', 'SCHEMA_MISSING_KEY', `${owner} is missing the required key \`${missing}\`${what}`, `add \`${missing}:\` ${inside(pointer)}`);
    }
    case 'type': {
      const want = Array.isArray(params.type) ? (params.type as string[]) : String(params.type).split(',');
      return at(pointer, 'value', 'SCHEMA_WRONG_TYPE', `${subject} must be ${expected(want)}, not ${typeName(error.data)}`, typeSuggestion(want, error.data));
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const noun = vocabulary(error.schemaPath) ?? `an allowed value for ${subject}`;
      const value = String(error.data);
      return at(pointer, 'value', 'SCHEMA_INVALID_VALUE', `\`${value}\` is not ${noun}${noun.startsWith('an allowed') ? '' : ` (${subject})`}; allowed: ${listOf(allowed)}`, didYouMean(value, allowed));
    }
    case 'pattern': {
      if (error.schemaPath.includes('/$defs/duration/')) {
        return at(pointer, 'value', 'SCHEMA_BAD_DURATION', `${subject} is not a fixed ISO-8601 duration: "${String(error.data)}"`, guessDuration(String(error.data)));
      }
      const rule = parentSchema?.description ? `: ${parentSchema.description.replace(/\.$/, '')}` : ` (pattern ${String(params.pattern)})`;
      const value = String(error.data);
      const suggestion = value.trim() !== value ? 'remove the spaces around it' : /[A-Z]/.test(value) ? `write it in lower case: \`${value.toLowerCase()}\`` : undefined;
      return at(pointer, 'value', 'SCHEMA_BAD_FORMAT', `${subject} "${value}" is not in the required form${rule}`, suggestion);
    }
    case 'format': {
      const format = String(params.format);
      const what = format === 'uri' ? 'an absolute URL' : format === 'regex' ? 'a valid regular expression' : `a valid ${format}`;
      const suggestion = format === 'uri' && !/^[a-z]+:/i.test(String(error.data)) ? `start it with https://, e.g. https://${String(error.data)}` : undefined;
      return at(pointer, 'value', 'SCHEMA_BAD_FORMAT', `${subject} must be ${what}, got "${String(error.data)}"`, suggestion);
    }
    case 'minItems':
    case 'minProperties':
    case 'minLength': {
      const limit = Number(params.limit);
      if (limit <= 1) {
        const fill = error.keyword === 'minItems' ? 'list at least one item' : error.keyword === 'minProperties' ? 'add at least one entry' : 'write a text';
        return at(pointer, 'value', 'SCHEMA_EMPTY', `${subject} is empty`, `${fill}, or remove the key`);
      }
      return at(pointer, 'value', 'SCHEMA_OUT_OF_RANGE', `${subject} ${error.message ?? 'is too short'}`);
    }
    case 'maxProperties':
      if (fromPointer(pointer).at(-1) === 'conditions' || fromPointer(pointer).at(-2) === 'not') {
        return at(pointer, 'key', 'SCHEMA_OUT_OF_RANGE', `${subject} must hold exactly one of \`all\`, \`any\` or \`not\``, 'nest the others inside it, e.g. all: [ { any: [...] }, ... ]');
      }
      return at(pointer, 'value', 'SCHEMA_OUT_OF_RANGE', `${subject} ${error.message ?? 'has too many entries'}`);
    case 'uniqueItems': {
      // ajv's i/j order depends on its loop; point at the later one, the repetition.
      const [first, again] = [Math.min(Number(params.i), Number(params.j)), Math.max(Number(params.i), Number(params.j))];
      const item = (error.data as unknown[])[again];
      return at(toPointer([...fromPointer(pointer), again]), 'value', 'SCHEMA_DUPLICATE_ITEM', `${subject} lists ${JSON.stringify(item)} twice (items #${first + 1} and #${again + 1})`, 'remove the repetition');
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'maxLength':
    case 'maxItems':
      return at(pointer, 'value', 'SCHEMA_OUT_OF_RANGE', `${subject} ${error.message ?? 'is out of range'}`);
    default:
      return at(pointer, 'value', 'SCHEMA_VIOLATION', `${subject} ${error.message ?? 'breaks the schema'} (schema rule ${error.schemaPath})`);
  }
}

function vocabulary(schemaPath: string): string | undefined {
  const m = /#\/\$defs\/([A-Za-z]+)\//.exec(schemaPath);
  return m ? VOCABULARY[m[1]!] : undefined;
}
