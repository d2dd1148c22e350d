/**
 * The schema layer of every file kind: a document through its JSON Schema (schemas.ts, one ajv
 * for all), and raw ajv errors ("must NOT have additional properties") turned into problems a
 * newcomer can act on: the key or value named, where it sits, a did-you-mean. A problem carries a
 * JSON pointer; `schemaFindings` locates each in the YAML source (file:line:column), and
 * `schemaProblems` serves documents that have no source (a normalized order in JSON).
 */
import type { ErrorObject } from 'ajv/dist/2020.js';
import type { ErrorCode } from '../errors.ts';
import { collapseAlternatives } from './alternatives.ts';
import { finding, type Finding } from './finding.ts';
import { dottedPath, fromPointer, toPointer } from './pointer.ts';
import { compiledSchema, type JsonSchema, type SchemaName } from './schemas.ts';
import { closest, didYouMean, listOf } from './suggest.ts';
import type { ParsedYaml } from './yaml.ts';

/** How messages name places of a document: each kind may speak its own language (channel/where.ts). */
export interface Namer {
  /** The node at `pointer` as the subject of a sentence ('' is the document: "the channel"). */
  nodeName(pointer: string): string;
  /** "in `auth`", "at the top level of the platform file": where a key sits. */
  inside(pointer: string): string;
}

/** Dotted paths: "`list_orders.pagination`", for kinds without a language of their own. */
export function plainNamer(document: string): Namer {
  return {
    nodeName: (pointer) => (pointer === '' ? document : `\`${dottedPath(pointer)}\``),
    inside: (pointer) => (pointer === '' ? `at the top level of ${document}` : `in \`${dottedPath(pointer)}\``),
  };
}

/** One problem of a document against its schema, not yet located in a source. */
export interface SchemaProblem {
  readonly code: ErrorCode;
  /** JSON pointer of the offending node ('' for the document itself). */
  readonly pointer: string;
  /** Point at the key (unknown or missing keys) or at the value. */
  readonly part: 'key' | 'value';
  readonly message: string;
  readonly suggestion?: string;
  /** The JSON Schema keyword that failed (required, type, enum, oneOf...). */
  readonly keyword: string;
  /** SCHEMA_MISSING_KEY: the key that is missing. */
  readonly missing?: string;
}

/** Problems of `data` against a shipped schema; [] when it conforms. */
export function schemaProblems(data: unknown, name: SchemaName, namer: Namer = plainNamer('the document')): SchemaProblem[] {
  const { schema, validate } = compiledSchema(name);
  if (validate(data)) return [];
  const collapsed = collapseAlternatives(validate.errors ?? []).filter((e) => e.keyword !== 'if');
  // A value of the wrong type also fails its enum or pattern: say only that the type is wrong.
  const wrongType = new Set(collapsed.filter((e) => e.keyword === 'type' && e.propertyName === undefined).map((e) => e.instancePath));
  const errors = collapsed.filter((e) => e.keyword === 'type' || e.propertyName !== undefined || !wrongType.has(e.instancePath));
  const out: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    const converted = convert(error, schema, namer);
    if (!converted) continue;
    const key = `${converted.code}|${converted.pointer}|${converted.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(converted);
  }
  return withoutMisspeltRequired(out);
}

/**
 * `credentail` unknown and `credential` missing are one mistake: keep the unknown key, whose
 * did-you-mean says the fix, and drop the missing key it stands for.
 */
function withoutMisspeltRequired(problems: SchemaProblem[]): SchemaProblem[] {
  const unknownByParent = new Map<string, string[]>();
  for (const p of problems) {
    if (p.code !== 'SCHEMA_UNKNOWN_KEY') continue;
    const segments = fromPointer(p.pointer);
    const parent = toPointer(segments.slice(0, -1));
    unknownByParent.set(parent, [...(unknownByParent.get(parent) ?? []), segments.at(-1)!]);
  }
  return problems.filter((p) => {
    if (p.code !== 'SCHEMA_MISSING_KEY' || p.missing === undefined) return true;
    const near = unknownByParent.get(p.pointer) ?? [];
    return !near.some((name) => closest(name, [p.missing!]) !== undefined);
  });
}

/** Located findings for everything the parsed document does against the schema; [] when it conforms. */
export function schemaFindings(parsed: ParsedYaml, name: SchemaName, namer?: Namer): Finding[] {
  return schemaProblems(parsed.data, name, namer).map((p) => finding(parsed.file, parsed.locate(p.pointer, p.part), p.code, p.message, p.pointer, p.suggestion));
}

/** Nouns for the shared vocabularies of the schema, keyed by their $defs name. */
const VOCABULARY: Record<string, string> = {
  normalizedStatus: 'a normalized status',
  actionName: 'an action name',
  linePolicy: 'a line policy',
  orderStatus: 'an order status',
  transformName: 'a transform',
};

function resolve(root: JsonSchema, node: JsonSchema | undefined): JsonSchema | undefined {
  if (node?.$ref?.startsWith('#/$defs/')) {
    const target = root.$defs?.[node.$ref.slice('#/$defs/'.length)];
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

function convert(error: ErrorObject, root: JsonSchema, namer: Namer): SchemaProblem | undefined {
  const { nodeName, inside } = namer;
  const at = (pointer: string, part: 'key' | 'value', code: ErrorCode, message: string, suggestion?: string): SchemaProblem =>
    ({ code, pointer, part, message, keyword: error.keyword, ...(suggestion !== undefined && { suggestion }) });
  const params = error.params as Record<string, unknown>;
  const parentSchema = resolve(root, error.parentSchema as JsonSchema | undefined);

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
      const owner = subject;
      return { ...at(pointer, 'key', 'SCHEMA_MISSING_KEY', `${owner} is missing the required key \`${missing}\`${what}`, `add \`${missing}:\` ${inside(pointer)}`), missing };
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
    case 'oneOf':
    case 'anyOf': {
      if (Array.isArray(params.passingSchemas)) {
        const rule = parentSchema?.description ? `: ${parentSchema.description}` : '';
        return at(pointer, 'value', 'SCHEMA_INVALID_VALUE', `${subject} fits more than one of the allowed forms, where exactly one is expected${rule}`);
      }
      // Collapsed by alternatives.ts: the value fits none of the allowed forms, which the message lists.
      return at(pointer, 'value', 'SCHEMA_INVALID_VALUE', `${subject} ${error.message ?? 'fits none of the allowed forms'}`);
    }
    case 'const': {
      const allowed = String((params as { allowedValue: unknown }).allowedValue);
      return at(pointer, 'value', 'SCHEMA_INVALID_VALUE', `${subject} must be \`${allowed}\`, not ${typeName(error.data)}`, `write ${allowed}`);
    }
    case 'false schema':
      return at(pointer, 'key', 'SCHEMA_UNKNOWN_KEY', `${subject} is not allowed here`, 'remove it');
    default:
      return at(pointer, 'value', 'SCHEMA_VIOLATION', `${subject} ${error.message ?? 'breaks the schema'} (schema rule ${error.schemaPath})`);
  }
}

function vocabulary(schemaPath: string): string | undefined {
  const m = /#\/\$defs\/([A-Za-z]+)\//.exec(schemaPath);
  return m ? VOCABULARY[m[1]!] : undefined;
}
