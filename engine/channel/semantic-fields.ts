/**
 * Semantic checks on value lists and action fields: list references and kinds, duplicate codes,
 * defaults that cannot be valid, and `ignored_when_registered` siblings.
 */
import type { CheckContext } from './check-context.ts';
import { entries } from './check-context.ts';
import type { RawField, RawListValue } from './compile.ts';
import type { NormalizedStatus } from './model.ts';
import { didYouMean, listOf } from '../documents/suggest.ts';

type Path = (string | number)[];

function checkCodes(ctx: CheckContext, values: readonly RawListValue[], path: Path, what: string): void {
  const seen = new Map<string, number>();
  values.forEach((v, i) => {
    const first = seen.get(v.code);
    if (first !== undefined) {
      ctx.report([...path, i, 'code'], 'value', 'CHANNEL_LIST_DUPLICATE_CODE', `code "${v.code}" appears twice in ${what} (values #${first + 1} and #${i + 1})`, 'keep each code once');
    } else {
      seen.set(v.code, i);
    }
  });
}

function defaultProblem(field: RawField, codes: readonly string[] | undefined): string | undefined {
  const d = field.default;
  if (d === undefined) return undefined;
  const want =
    field.type === 'boolean' ? typeof d === 'boolean' :
    field.type === 'integer' ? Number.isInteger(d) :
    field.type === 'number' ? typeof d === 'number' :
    field.type === 'amount' ? typeof d === 'number' && d >= 0 :
    typeof d === 'string';
  if (!want) {
    const kind = field.type === 'boolean' ? 'true or false' : field.type === 'integer' ? 'a whole number' : field.type === 'amount' ? 'a non-negative number' : field.type === 'number' ? 'a number' : 'a text';
    return `must be ${kind} for a field of type ${field.type}`;
  }
  if (codes && !field.free_values && !codes.includes(String(d))) return `is not one of the field's valid values (${listOf(codes)})`;
  return undefined;
}

function checkField(ctx: CheckContext, name: string, field: RawField, path: Path, used: Set<string>): void {
  const where = `field \`${name}\``;
  let codes: string[] | undefined;
  if (field.type === 'boolean' && field.values !== undefined) {
    ctx.report([...path, 'values'], 'key', 'CHANNEL_FIELD_VALUES_ON_BOOLEAN', `${where} is a boolean (true or false), so its \`values\` would be documented but never accepted`, 'remove `values`, or use type: enum with these values');
    if (typeof field.values === 'string') used.add(field.values);
    return;
  }
  if (typeof field.values === 'string') {
    const list = ctx.raw.lists?.[field.values];
    used.add(field.values);
    if (!list) {
      const names = Object.keys(ctx.raw.lists ?? {});
      ctx.report([...path, 'values'], 'value', 'CHANNEL_LIST_UNKNOWN', `${where} takes its values from list \`${field.values}\`, which \`lists\` does not define`, didYouMean(field.values, names) ?? (names.length > 0 ? `lists defined: ${listOf(names)}` : 'define it under `lists:`'));
    } else {
      codes = list.values.map((v) => v.code);
      const carrierField = field.type === 'carrier';
      if (carrierField !== (list.kind === 'carrier') || (field.type === 'reason' && list.kind !== 'reason')) {
        const need = carrierField ? 'a list of kind carrier' : field.type === 'reason' ? 'a list of kind reason' : 'a list of kind reason or enum';
        ctx.report([...path, 'values'], 'value', 'CHANNEL_LIST_KIND_MISMATCH', `${where} has type ${field.type} but list \`${field.values}\` is of kind ${list.kind}; it needs ${need}`, carrierField || list.kind === 'carrier' ? 'carrier fields and carrier lists go together: fix the field type or use another list' : `change the list's kind to ${field.type === 'reason' ? 'reason' : 'enum'}, or use another list`);
      }
    }
  } else if (Array.isArray(field.values)) {
    codes = field.values.map((v) => v.code);
    if (field.values.length === 0) ctx.report([...path, 'values'], 'value', 'CHANNEL_LIST_EMPTY', `${where} has an empty list of values, so no value could be valid`, 'list the valid values, or remove `values`');
    checkCodes(ctx, field.values, [...path, 'values'], `the values of ${where}`);
  }
  const problem = defaultProblem(field, codes);
  if (problem) {
    const hint = field.type === 'boolean' ? 'write true or false, without quotes' : codes && !field.free_values ? `use one of ${listOf(codes)}` : undefined;
    ctx.report([...path, 'default'], 'value', 'CHANNEL_FIELD_DEFAULT_INVALID', `the default of ${where} (${JSON.stringify(field.default)}) ${problem}`, hint);
  }
  if (field.type === 'file') {
    for (const key of ['content_types', 'max_bytes'] as const) {
      if (field[key] === undefined) ctx.report(path, 'key', 'CHANNEL_FILE_FIELD_LIMITS', `${where} is a file field without \`${key}\`: the channel must say which files the marketplace takes`, key === 'max_bytes' ? 'add `max_bytes:` (the largest file in bytes, from the marketplace\'s documentation)' : 'add `content_types: [application/pdf]` (the media types the marketplace takes)');
    }
  } else {
    for (const key of ['content_types', 'max_bytes'] as const) {
      if (field[key] !== undefined) ctx.report([...path, key], 'key', 'CHANNEL_FILE_FIELD_LIMITS', `${where} has \`${key}\` but is of type ${field.type}: only file fields take it`, 'remove it, or make the field `type: file`');
    }
  }
  if (field.min_length !== undefined && field.max_length !== undefined && field.min_length > field.max_length) {
    ctx.report([...path, 'min_length'], 'value', 'CHANNEL_FIELD_LENGTH_RANGE', `${where} has min_length ${field.min_length} greater than max_length ${field.max_length}: no value could be valid`, 'lower min_length or raise max_length');
  }
}

/** `ignored_when_registered` must name a sibling (with registered values) wherever the field applies. */
function checkSiblings(ctx: CheckContext): void {
  const reported = new Set<string>();
  for (const [action, spec] of entries(ctx.raw.actions)) {
    const statuses: (NormalizedStatus | undefined)[] = spec.when.length > 0 ? spec.when : [undefined];
    for (const status of statuses) {
      const override = status ? spec.by_status?.[status]?.fields : undefined;
      const effective = new Map<string, { field: RawField; path: Path }>();
      for (const [n, f] of Object.entries(spec.fields ?? {})) effective.set(n, { field: f, path: ['actions', action, 'fields', n] });
      for (const [n, f] of Object.entries(override ?? {})) effective.set(n, { field: f, path: ['actions', action, 'by_status', status!, 'fields', n] });
      for (const [name, { field, path }] of effective) {
        const sibling = field.ignored_when_registered;
        if (sibling === undefined) continue;
        const target = effective.get(sibling);
        const key = `${path.join('/')}`;
        if (reported.has(key)) continue;
        const inStatus = status ? ` at status \`${status}\`` : '';
        if (!target || sibling === name) {
          reported.add(key);
          const others = [...effective.keys()].filter((n) => n !== name);
          ctx.report([...path, 'ignored_when_registered'], 'value', 'CHANNEL_FIELD_SIBLING_MISSING', `field \`${name}\` of action \`${action}\` is ignored when \`${sibling}\` is registered, but action \`${action}\`${inStatus} has no other field \`${sibling}\``, didYouMean(sibling, others) ?? (others.length > 0 ? `fields of the action: ${listOf(others)}` : 'add the field, or remove `ignored_when_registered`'));
        } else if (target.field.values === undefined) {
          reported.add(key);
          ctx.report([...path, 'ignored_when_registered'], 'value', 'CHANNEL_FIELD_SIBLING_MISSING', `field \`${name}\` of action \`${action}\` is ignored when \`${sibling}\` is registered, but \`${sibling}\` has no \`values\`, so no value of it is registered`, `give \`${sibling}\` a list of registered values (values: <list>)`);
        }
      }
    }
  }
}

export function checkListsAndFields(ctx: CheckContext): void {
  const used = new Set<string>();
  for (const [action, spec] of entries(ctx.raw.actions)) {
    for (const [name, field] of Object.entries(spec.fields ?? {})) checkField(ctx, name, field, ['actions', action, 'fields', name], used);
    for (const [status, override] of entries(spec.by_status)) {
      for (const [name, field] of Object.entries(override.fields ?? {})) checkField(ctx, name, field, ['actions', action, 'by_status', status, 'fields', name], used);
    }
  }
  checkSiblings(ctx);
  for (const [name, list] of Object.entries(ctx.raw.lists ?? {})) {
    if (list.values.length === 0) ctx.report(['lists', name, 'values'], 'value', 'CHANNEL_LIST_EMPTY', `list \`${name}\` has no values, so no value could be valid`, 'list the valid values, or remove the list');
    checkCodes(ctx, list.values, ['lists', name, 'values'], `list \`${name}\``);
    if (!used.has(name)) ctx.report(['lists', name], 'key', 'CHANNEL_LIST_UNUSED', `list \`${name}\` is not used by any field`, 'reference it from a field (`values: ' + name + '`), or remove it');
  }
  checkCodes(ctx, ctx.raw.fulfillment?.modes ?? [], ['fulfillment', 'modes'], 'the fulfilment modes');
}
