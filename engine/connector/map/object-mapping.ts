/**
 * Compiles a mapping object (target field -> expression, nested objects and lists with an
 * optional `from`) into one function that builds the target object, written at load for its
 * fields (see objectBuilder): at run time one store per field, nothing more.
 */
import { at, CompileError, type Pointer } from '../platform/compile-error.ts';
import { compileExpression, type Evaluate, type Expression } from './expression.ts';
import { compilePath, splitPath, type Getter } from './path.ts';
import { isUtcDate, type TargetField, type TargetObject } from './targets.ts';

/**
 * Keeps the items of a list whose value at `path` is one of `in` (compared as text) and, with
 * `absent`, that have no value at that second path.
 */
export interface ItemFilter {
  path: string;
  in: Array<string | number | boolean>;
  absent?: string;
}

/** A mapping object as written in the platform file. */
export type ObjectMapping = { from?: string; where?: ItemFilter } & { [field: string]: Expression | ObjectMapping | ItemFilter | undefined };

function compileFilter(where: unknown, pointer: Pointer): ((item: unknown) => boolean) | undefined {
  if (where === undefined) return undefined;
  const filter = where as ItemFilter;
  if (filter === null || typeof filter !== 'object' || typeof filter.path !== 'string' || !Array.isArray(filter.in)) {
    throw new CompileError(pointer, '`where` is {path, in: [values]}: the items whose value at path is one of the values');
  }
  const get = at([...pointer, 'path'], () => compilePath(filter.path));
  const wanted = new Set(filter.in.map(String));
  const matches = (item: unknown): boolean => {
    const v = get(item);
    return v !== undefined && v !== null && wanted.has(String(v));
  };
  if (filter.absent === undefined) return matches;
  if (typeof filter.absent !== 'string') throw new CompileError([...pointer, 'absent'], '`absent` is a path: the items with no value there');
  const other = at([...pointer, 'absent'], () => compilePath(filter.absent as string));
  return (item) => matches(item) && (other(item) ?? null) === null;
}

/**
 * What a build found about the types of what it built: `suspect` is set when a value may not
 * conform to its target field (wrong type, a required one absent). It is never left unset when a
 * value does not conform, so an order whose build left it unset needs no checkObject; one that set
 * it is checked to find (and word) the problem.
 */
export interface TypeCheck {
  suspect: boolean;
}

export type Build = (scope: unknown, check?: TypeCheck) => Record<string, unknown> | undefined;

/** A field: its name, its target, its closure, and the keys of its path when it is a bare path (read inline). */
type FieldBuilder = readonly [name: string, field: TargetField, build: Evaluate, path: readonly string[] | undefined];

function isMappingObject(value: unknown): value is ObjectMapping {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function compileField(name: string, field: TargetField, spec: unknown, pointer: Pointer): Evaluate {
  if (field.kind === 'object') {
    if (!isMappingObject(spec)) throw new CompileError(pointer, `${name} is an object: map its fields (${Object.keys(field.fields).join(', ')})`);
    const build = compileObjectMapping(spec, field.fields, pointer, { keepEmpty: field.required });
    return build;
  }
  if (field.kind === 'array') {
    if (!isMappingObject(spec) || typeof spec.from !== 'string') {
      throw new CompileError(pointer, `${name} is a list: give \`from\` (the path of the marketplace's list) and the fields of one item`);
    }
    const items = at([...pointer, 'from'], () => compilePath(spec.from as string));
    const keep = compileFilter(spec.where, [...pointer, 'where']);
    const item = compileObjectMapping({ ...spec, from: undefined, where: undefined }, field.item, pointer, { keepEmpty: true });
    return (scope: unknown, check?: TypeCheck) => {
      const found = items(scope);
      if (found === undefined || found === null) return [];
      // An object where a list is expected is a list of one (Octopia: a cancelled line is its own refund).
      const list = Array.isArray(found) ? found : typeof found === 'object' ? [found] : undefined;
      if (!list) return undefined;
      const out: Array<Record<string, unknown> | undefined> = [];
      for (const source of list) if (!keep || keep(source)) out.push(item(source, check));
      return out;
    };
  }
  return compileExpression(spec as Expression, pointer);
}

/**
 * `keepEmpty`: return {} rather than undefined when no field has a value (required objects, list
 * items). Optional objects with nothing in them are left out of the order.
 */
export function compileObjectMapping(spec: ObjectMapping, target: TargetObject, pointer: Pointer, opts: { keepEmpty: boolean }): Build {
  const fields: FieldBuilder[] = [];
  for (const [name, value] of Object.entries(spec)) {
    if (name === 'from' || name === 'where' || value === undefined) continue;
    const field = Object.hasOwn(target, name) ? target[name] : undefined;
    if (!field) throw new CompileError([...pointer, name], `unknown field "${name}" (expected one of: from, ${Object.keys(target).join(', ')})`);
    const build = compileField(name, field, value, [...pointer, name]);
    // A bare path of a value field (compiled above, so a valid one): the builder reads it itself.
    const path = typeof value === 'string' && field.kind !== 'object' && field.kind !== 'array' ? splitPath(value) : undefined;
    fields.push([name, field, build, path]);
  }
  for (const [name, field] of Object.entries(target)) {
    if (field.required && !(name in spec)) throw new CompileError(pointer, `missing required field "${name}"`);
  }
  // Built with its keys in sorted order, whatever order the platform file lists them in: the
  // store's canonical JSON of such an object is one JSON.stringify (store/shared/canonical-json.ts).
  fields.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const from = typeof spec.from === 'string' ? at([...pointer, 'from'], () => compilePath(spec.from as string)) : undefined;
  const required = Object.values(target).some((field) => field.required);
  return objectBuilder(fields, from, opts.keepEmpty, required);
}

/**
 * The type test of a value `v` built for a field (what checkObject asks of it), as code; objects
 * and list items are tested by their own builders. Empty for what checkObject does not check.
 */
function typeTest(field: TargetField): string {
  switch (field.kind) {
    case 'string':
      return "typeof v !== 'string' || v === ''";
    case 'number':
      return "typeof v !== 'number' || !Number.isFinite(v)";
    case 'boolean':
      return "typeof v !== 'boolean'";
    case 'date':
      return "typeof v !== 'string' || !isUtcDate(v)";
    case 'array':
      return '!Array.isArray(v)';
    default:
      return '';
  }
}

/**
 * The closure that builds one target object, as a function written for its fields: one named
 * store per field, so the object takes the same shape every time; a bare path read inline (what
 * compilePath's getter and the path expression do: a step into objects only, null is absent);
 * other fields call their own closure from a call site of their own; and each value's type tested
 * where it is built (TypeCheck). This replaces a loop through every field's closure storing under
 * a key that varies, then a walk of the whole order to check it: the hot path of a sync, once per
 * object of every order. The code holds only the target's field names (fixed in targets.ts) and a
 * path's keys (checked by splitPath: letters, digits, _, $, -), each written as a JSON string.
 */
function objectBuilder(fields: readonly FieldBuilder[], from: Getter | undefined, keepEmpty: boolean, required: boolean): Build {
  const body = fields.map(([name, field, , path], i) => {
    const test = typeTest(field);
    const store = `{ out[${JSON.stringify(name)}] = v; any = true;${test ? ` if (${test}) check.suspect = true;` : ''} }`;
    const absent = field.required ? ' else check.suspect = true;' : '';
    if (path === undefined) return `v = f${i}(source, check); if (v !== undefined) ${store}${absent}`;
    const steps = path.map((key) => `v = v !== null && typeof v === 'object' ? v[${JSON.stringify(key)}] : undefined;`);
    return `v = source; ${steps.join(' ')} if (v !== undefined && v !== null) ${store}${absent}`;
  });
  const params = fields.map((_, i) => `f${i}`);
  const make = new Function('from', 'keepEmpty', 'required', 'isUtcDate', 'unchecked', ...params, `return function build(scope, check = unchecked()) {
  const source = from === undefined ? scope : from(scope);
  if (source === undefined || source === null) {
    if (keepEmpty && required) check.suspect = true;
    return keepEmpty ? {} : undefined;
  }
  const out = {};
  let any = false;
  let v;
  ${body.join('\n  ')}
  return any || keepEmpty ? out : undefined;
};`) as (from: Getter | undefined, keepEmpty: boolean, required: boolean, isUtcDate: (text: string) => boolean, unchecked: () => TypeCheck, ...builds: Evaluate[]) => Build;
  return make(from, keepEmpty, required, isUtcDate, () => ({ suspect: false }), ...fields.map(([, , build]) => build));
}
