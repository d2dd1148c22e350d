/**
 * oneOf/anyOf make ajv report every failed branch plus "must match exactly one schema": noise.
 * This keeps what the author most likely meant, for every schema of every file kind:
 *   - the branch the value fits (it has the branch's type, required keys and constants), with
 *     only that branch's own errors (the fewest, when several fit);
 *   - when the value has none of the branches' types, one type error listing them all;
 *   - otherwise one error saying the value is not a valid <title of the alternatives>, with
 *     their description (which lists the allowed forms).
 */
import type { ErrorObject } from 'ajv/dist/2020.js';

const ALTERNATIVES = new Set(['oneOf', 'anyOf']);

function inside(path: string, root: string): boolean {
  return path === root || path.startsWith(root + '/');
}

/** Which branch an error belongs to: its index under the alternatives, else the $ref'd schema it came from. */
function branchKey(error: ErrorObject, alternativesPath: string): string {
  if (error.schemaPath.startsWith(alternativesPath + '/')) return error.schemaPath.slice(alternativesPath.length + 1).split('/')[0]!;
  const m = /^#\/\$defs\/[^/]+/.exec(error.schemaPath);
  return m ? m[0] : error.schemaPath;
}

/** A branch is out of the question when the value lacks its type, one of its required keys or its constant. */
function disqualifies(error: ErrorObject, at: string): boolean {
  return error.instancePath === at && (error.keyword === 'type' || error.keyword === 'required' || error.keyword === 'const');
}

/** The branch errors ajv reported right before the alternatives error at `index`. */
function membersOf(errors: readonly ErrorObject[], index: number): number {
  const alt = errors[index]!;
  let start = index;
  while (start > 0) {
    const e = errors[start - 1]!;
    // An error of a keyword beside the oneOf (a `required` of the same object) is not a branch's
    // (schema paths restart at each $ref, so the schema object itself tells; ajv runs verbose).
    const sibling = e.parentSchema !== undefined && e.parentSchema === alt.parentSchema;
    if (!inside(e.instancePath, alt.instancePath) || sibling) break;
    start--;
  }
  return start;
}

function replacementFor(alt: ErrorObject, members: readonly ErrorObject[]): ErrorObject[] {
  const groups = new Map<string, ErrorObject[]>();
  for (const e of members) {
    const key = branchKey(e, alt.schemaPath);
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  const meant = [...groups.values()].filter((g) => !g.some((e) => disqualifies(e, alt.instancePath))).sort((a, b) => a.length - b.length)[0];
  if (meant) return meant;
  const rootTypes = members.filter((e) => e.keyword === 'type' && e.instancePath === alt.instancePath);
  if (rootTypes.length === groups.size && rootTypes.length > 0) {
    // The value has none of the branches' types: one error naming them all.
    const types = [...new Set(rootTypes.flatMap((e) => String((e.params as { type: string | string[] }).type).split(',')))];
    return [{ ...alt, keyword: 'type', params: { type: types }, message: `must be ${types.join(' or ')}` }];
  }
  const schema = alt.parentSchema as { title?: string; description?: string } | undefined;
  return [{ ...alt, params: { ...alt.params, collapsed: true }, message: `is not a valid ${schema?.title?.toLowerCase() ?? 'value'}${schema?.description ? `: ${schema.description}` : ''}` }];
}

export function collapseAlternatives(input: readonly ErrorObject[]): ErrorObject[] {
  const errors = [...input];
  for (let i = 0; i < errors.length; i++) {
    const alt = errors[i]!;
    if (!ALTERNATIVES.has(alt.keyword)) continue;
    const start = membersOf(errors, i);
    // Matching several branches of a oneOf reports no branch error: keep ajv's own message.
    if (start === i) continue;
    const replacement = replacementFor(alt, errors.slice(start, i));
    errors.splice(start, i - start + 1, ...replacement);
    i = start + replacement.length - 1;
  }
  return errors;
}
