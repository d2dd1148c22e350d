/**
 * Fact paths of custom rules (`path: $.delivered_by_marketplace`). json-rules-engine resolves them
 * with JSONPath, whose function form signals its result by throwing an Error, stack trace included:
 * a few microseconds per lookup, on every validation. Plain paths ($.a.b[0].c), which are what
 * channel files use, are resolved directly with the same result; anything else goes to JSONPath.
 */
import { JSONPath } from 'jsonpath-plus';

const PLAIN = /^\$(?:\.[A-Za-z_$][\w$]*|\[\d+\])*$/;
const SEGMENT = /\.([A-Za-z_$][\w$]*)|\[(\d+)\]/g;

type Step = string | number;
const plainPaths = new Map<string, Step[] | null>();

function steps(path: string): Step[] | null {
  let parsed = plainPaths.get(path);
  if (parsed === undefined) {
    parsed = PLAIN.test(path) ? [...path.matchAll(SEGMENT)].map((m) => (m[1] !== undefined ? m[1] : Number(m[2]))) : null;
    plainPaths.set(path, parsed);
  }
  return parsed;
}

export function resolvePath(value: object, path: string): unknown {
  const plain = steps(path);
  if (plain === null) return JSONPath({ path, json: value, wrap: false });
  let current: unknown = value;
  for (const step of plain) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, step)) return undefined;
    current = (current as Record<Step, unknown>)[step];
  }
  return current;
}
