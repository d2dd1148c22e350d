/**
 * ajv reports every failed branch of a oneOf (a value expression has seven forms): noise. This
 * keeps the branch the author meant, which is the branch whose type and required keys the value
 * has; when no branch fits, one error describing the allowed forms replaces them all.
 */
import type { ErrorObject } from 'ajv/dist/2020.js';

function inside(path: string, root: string): boolean {
  return path === root || path.startsWith(root + '/');
}

/** Which branch an error belongs to: its index under the oneOf, else the $ref'd schema it came from. */
function branchKey(error: ErrorObject, oneOfPath: string): string {
  if (error.schemaPath.startsWith(oneOfPath + '/')) return error.schemaPath.slice(oneOfPath.length + 1).split('/')[0]!;
  const m = /^#\/\$defs\/[^/]+/.exec(error.schemaPath);
  return m ? m[0] : error.schemaPath;
}

/** A branch is out of the question when the value lacks its type or one of its required keys. */
function disqualifies(error: ErrorObject, at: string): boolean {
  return error.instancePath === at && (error.keyword === 'type' || error.keyword === 'required' || error.keyword === 'const');
}

export function collapseOneOf(input: readonly ErrorObject[]): ErrorObject[] {
  const errors = [...input];
  for (let i = 0; i < errors.length; i++) {
    const alt = errors[i]!;
    if (alt.keyword !== 'oneOf' && alt.keyword !== 'anyOf') continue;
    let start = i;
    while (start > 0 && inside(errors[start - 1]!.instancePath, alt.instancePath)) start--;
    const members = errors.slice(start, i);
    const groups = new Map<string, ErrorObject[]>();
    for (const e of members) {
      const key = branchKey(e, alt.schemaPath);
      groups.set(key, [...(groups.get(key) ?? []), e]);
    }
    const meant = [...groups.values()].filter((g) => !g.some((e) => disqualifies(e, alt.instancePath))).sort((a, b) => a.length - b.length)[0];
    const schema = alt.parentSchema as { title?: string; description?: string } | undefined;
    const replacement: ErrorObject[] = meant ?? [
      { ...alt, keyword: 'oneOf', message: `is not a valid ${schema?.title?.toLowerCase() ?? 'value'}: ${schema?.description ?? 'see the schema'}` },
    ];
    errors.splice(start, i - start + 1, ...replacement);
    i = start + replacement.length - 1;
  }
  return errors;
}
