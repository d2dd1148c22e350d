/**
 * Compiles a mapping object (target field -> expression, nested objects and lists with an
 * optional `from`) into one closure that builds the target object. Each field becomes a
 * [name, closure] pair: at run time it is a loop over an array, nothing more.
 */
import { at, CompileError, type Pointer } from '../platform/compile-error.ts';
import { compileExpression, type Evaluate, type Expression } from './expression.ts';
import { compilePath } from './path.ts';
import type { TargetField, TargetObject } from './targets.ts';

/** A mapping object as written in the platform file. */
export type ObjectMapping = { from?: string } & { [field: string]: Expression | ObjectMapping | undefined };

export type Build = (scope: unknown) => Record<string, unknown> | undefined;

type FieldBuilder = readonly [name: string, build: Evaluate];

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
    const item = compileObjectMapping({ ...spec, from: undefined }, field.item, pointer, { keepEmpty: true });
    return (scope) => {
      const list = items(scope);
      if (!Array.isArray(list)) return list === undefined || list === null ? [] : undefined;
      const out = new Array<Record<string, unknown> | undefined>(list.length);
      for (let i = 0; i < list.length; i++) out[i] = item(list[i]);
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
    if (name === 'from' || value === undefined) continue;
    const field = target[name];
    if (!field) throw new CompileError([...pointer, name], `unknown field "${name}" (expected one of: from, ${Object.keys(target).join(', ')})`);
    fields.push([name, compileField(name, field, value, [...pointer, name])]);
  }
  for (const [name, field] of Object.entries(target)) {
    if (field.required && !(name in spec)) throw new CompileError(pointer, `missing required field "${name}"`);
  }
  const from = typeof spec.from === 'string' ? at([...pointer, 'from'], () => compilePath(spec.from as string)) : undefined;
  const keepEmpty = opts.keepEmpty;
  return (scope) => {
    const source = from ? from(scope) : scope;
    if (source === undefined || source === null) return keepEmpty ? {} : undefined;
    const out: Record<string, unknown> = {};
    let any = false;
    for (const [name, build] of fields) {
      const v = build(source);
      if (v !== undefined) {
        out[name] = v;
        any = true;
      }
    }
    return any || keepEmpty ? out : undefined;
  };
}
