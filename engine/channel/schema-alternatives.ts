/**
 * oneOf/anyOf make ajv report every failed branch plus "must match exactly one schema": noise.
 * This keeps what the author most likely meant: when the value has the type of one branch, only
 * that branch's errors; when it matches no branch's type, one type error listing them all.
 */
import type { ErrorObject } from 'ajv/dist/2020.js';

const ALTERNATIVES = new Set(['oneOf', 'anyOf']);

function parentPath(schemaPath: string): string {
  return schemaPath.slice(0, schemaPath.lastIndexOf('/'));
}

/** Index of the branch an error came from, when its schemaPath says so (errors from a $ref do not). */
function branchOf(error: ErrorObject, alternativesPath: string): number | undefined {
  const rest = error.schemaPath.slice(alternativesPath.length + 1);
  if (!error.schemaPath.startsWith(alternativesPath + '/')) return undefined;
  const n = Number.parseInt(rest, 10);
  return Number.isNaN(n) ? undefined : n;
}

export function collapseAlternatives(errors: readonly ErrorObject[]): ErrorObject[] {
  const drop = new Set<number>();
  const add = new Map<number, ErrorObject>();
  errors.forEach((error, index) => {
    if (!ALTERNATIVES.has(error.keyword)) return;
    const at = error.instancePath;
    const siblingsPrefix = parentPath(error.schemaPath) + '/';
    // ajv appends branch errors right before the oneOf error; walk back over them.
    const members: number[] = [];
    for (let k = index - 1; k >= 0; k--) {
      const e = errors[k]!;
      if (drop.has(k)) continue;
      const inside = e.instancePath === at || e.instancePath.startsWith(at + '/');
      const sibling = e.schemaPath.startsWith(siblingsPrefix) && !e.schemaPath.startsWith(error.schemaPath + '/');
      if (!inside || sibling) break;
      members.push(k);
    }
    drop.add(index);
    const rootTypeErrors = members.filter((k) => errors[k]!.keyword === 'type' && errors[k]!.instancePath === at);
    const specific = members.filter((k) => !rootTypeErrors.includes(k));
    if (specific.length === 0) {
      // The value has none of the branches' types: one error naming them all.
      const types = [...new Set(rootTypeErrors.flatMap((k) => String((errors[k]!.params as { type: string | string[] }).type).split(',')))];
      for (const k of members) drop.add(k);
      add.set(index, { ...error, keyword: 'type', params: { type: types }, message: `must be ${types.join(' or ')}` });
      return;
    }
    // Keep the branch that got furthest: the one with errors beyond a type mismatch, fewest first.
    const byBranch = new Map<number | undefined, number[]>();
    for (const k of specific) {
      const b = branchOf(errors[k]!, error.schemaPath);
      byBranch.set(b, [...(byBranch.get(b) ?? []), k]);
    }
    const best = [...byBranch.values()].sort((x, y) => x.length - y.length)[0]!;
    for (const k of members) if (!best.includes(k)) drop.add(k);
  });
  const out: ErrorObject[] = [];
  errors.forEach((error, index) => {
    if (add.has(index)) out.push(add.get(index)!);
    else if (!drop.has(index)) out.push(error);
  });
  return out;
}
