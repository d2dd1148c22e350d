/**
 * Value expressions of a platform mapping, compiled once into closures over the marketplace
 * record (no interpretation of the YAML per order). Forms:
 *   "a.b.c"                                  the value at a dotted path
 *   { path: a.b, transform: number, default: 0 }   path, named transform(s), default when absent
 *   { const: "EUR" }                         a constant
 *   { first: [expr, expr] }                  the first value that is not absent or ""
 *   { sum: order_lines, of: expr }           sum over the items of an array (numbers)
 *   { add: [expr, expr] }                    sum of several numbers (absent ones count 0)
 *   { join: [expr, expr], separator: " " }   non-empty texts joined
 *   { max: order_lines, of: expr }           the greatest value over the items of a list
 *   { cases: [{ when, then }], else: expr }  the `then` of the first case whose condition holds
 * A condition compares two values, on the record or on every / some item of a list:
 *   { equal: [expr, expr] }   { every: items, equal: [...] }   { some: items, equal: [...] }
 * (bol.com has no order status: it is told from the items' quantities shipped and cancelled).
 */
import { at, CompileError, type Pointer } from '../platform/compile-error.ts';
import { compilePath, type Getter } from './path.ts';
import { TRANSFORMS, type Transform } from './transforms.ts';

export type Expression =
  | string
  | { path: string; transform?: string | string[]; default?: unknown }
  | { const: unknown }
  | { first: Expression[] }
  | { sum: string; of?: Expression }
  | { add: Expression[] }
  | { join: Expression[]; separator?: string }
  | { max: string; of?: Expression }
  | { cases: { when: Condition; then: Expression }[]; else?: Expression };

/** Two values compared, on the record itself or on the items of a list (`every`, `some`). */
export type Condition = { equal: [Expression, Expression]; every?: string; some?: string };

export type Evaluate = (scope: unknown) => unknown;

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

/** A number from a marketplace value: numeric text accepted, absent is 0, anything else NaN. */
function toNumber(v: unknown): number {
  return typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : isAbsent(v) ? 0 : Number.NaN;
}

/** Money: keep sums free of binary noise (0.1 + 0.2). */
function roundSum(total: number): number {
  return Math.round(total * 1e6) / 1e6;
}

function compileTransforms(names: string | string[] | undefined, pointer: Pointer): Transform | undefined {
  if (names === undefined) return undefined;
  const list = typeof names === 'string' ? [names] : names;
  const fns = list.map((name, i) => {
    const fn = TRANSFORMS[name];
    if (!fn) throw new CompileError(typeof names === 'string' ? pointer : [...pointer, i], `unknown transform "${name}" (known: ${Object.keys(TRANSFORMS).join(', ')})`);
    return fn;
  });
  if (fns.length === 1) return fns[0];
  return (v) => fns.reduce((acc, fn) => fn(acc), v);
}

function compilePathExpression(path: string, transform: Transform | undefined, fallback: unknown, pointer: Pointer): Evaluate {
  const get: Getter = at(pointer, () => compilePath(path));
  const hasDefault = fallback !== undefined;
  if (!transform && !hasDefault) return (s) => {
    const v = get(s);
    return v === null ? undefined : v;
  };
  return (s) => {
    const raw = get(s);
    const v = transform && raw !== undefined && raw !== null ? transform(raw) : raw === null ? undefined : raw;
    return isAbsent(v) && hasDefault ? fallback : v;
  };
}

/** Equal as numbers when both read as numbers (12 and "12"), else as the same value. */
function same(a: unknown, b: unknown): boolean {
  if (isAbsent(a) || isAbsent(b)) return isAbsent(a) && isAbsent(b);
  const x = toNumber(a);
  const y = toNumber(b);
  return Number.isFinite(x) && Number.isFinite(y) ? x === y : a === b;
}

function compileCondition(condition: Condition, pointer: Pointer): (scope: unknown) => boolean {
  if (condition.every !== undefined && condition.some !== undefined) throw new CompileError(pointer, 'a condition takes `every` or `some`, not both');
  const [left, right] = condition.equal.map((e, i) => compileExpression(e, [...pointer, 'equal', i])) as [Evaluate, Evaluate];
  const holds = (item: unknown) => same(left(item), right(item));
  const over = condition.every ?? condition.some;
  if (over === undefined) return holds;
  const items = at([...pointer, condition.every !== undefined ? 'every' : 'some'], () => compilePath(over));
  // An empty or absent list satisfies neither: an order without items is neither all shipped nor partly.
  if (condition.every !== undefined) return (s) => {
    const list = items(s);
    return Array.isArray(list) && list.length > 0 && list.every(holds);
  };
  return (s) => {
    const list = items(s);
    return Array.isArray(list) && list.some(holds);
  };
}

export function compileExpression(expr: Expression, pointer: Pointer = []): Evaluate {
  if (typeof expr === 'string') return compilePathExpression(expr, undefined, undefined, pointer);
  if (expr === null || typeof expr !== 'object' || Array.isArray(expr)) throw new CompileError(pointer, 'an expression is a path or an object (path, const, first, sum, add, join, max, cases)');
  if ('const' in expr) {
    const value = expr.const;
    return () => value;
  }
  if ('path' in expr) {
    return compilePathExpression(expr.path, compileTransforms(expr.transform, [...pointer, 'transform']), expr.default, [...pointer, 'path']);
  }
  if ('first' in expr) {
    const parts = expr.first.map((e, i) => compileExpression(e, [...pointer, 'first', i]));
    return (s) => {
      for (const part of parts) {
        const v = part(s);
        if (!isAbsent(v)) return v;
      }
      return undefined;
    };
  }
  if ('sum' in expr) {
    const items = at([...pointer, 'sum'], () => compilePath(expr.sum));
    const of = expr.of === undefined ? (v: unknown) => v : compileExpression(expr.of, [...pointer, 'of']);
    return (s) => {
      const list = items(s);
      if (!Array.isArray(list)) return list === undefined || list === null ? 0 : undefined;
      let total = 0;
      for (const item of list) {
        const n = toNumber(of(item));
        if (!Number.isFinite(n)) return undefined;
        total += n;
      }
      return roundSum(total);
    };
  }
  if ('add' in expr) {
    const parts = expr.add.map((e, i) => compileExpression(e, [...pointer, 'add', i]));
    return (s) => {
      let total = 0;
      for (const part of parts) {
        const n = toNumber(part(s));
        if (!Number.isFinite(n)) return undefined;
        total += n;
      }
      return roundSum(total);
    };
  }
  if ('join' in expr) {
    const parts = expr.join.map((e, i) => compileExpression(e, [...pointer, 'join', i]));
    const separator = expr.separator ?? ' ';
    return (s) => {
      const texts: string[] = [];
      for (const part of parts) {
        const v = part(s);
        if (typeof v === 'string' ? v.trim() !== '' : typeof v === 'number') texts.push(String(v).trim());
      }
      return texts.length ? texts.join(separator) : undefined;
    };
  }
  if ('max' in expr) {
    const items = at([...pointer, 'max'], () => compilePath(expr.max));
    const of = expr.of === undefined ? (v: unknown) => v : compileExpression(expr.of, [...pointer, 'of']);
    // Numbers compare as numbers, texts as texts (ISO-8601 UTC dates from the datetime transform sort as text).
    return (s) => {
      const list = items(s);
      if (!Array.isArray(list)) return undefined;
      let best: unknown;
      for (const item of list) {
        const v = of(item);
        if (isAbsent(v)) continue;
        if (best === undefined || (typeof v === 'number' && typeof best === 'number' ? v > best : String(v) > String(best))) best = v;
      }
      return best;
    };
  }
  if ('cases' in expr) {
    const cases = expr.cases.map((c, i) => ({ when: compileCondition(c.when, [...pointer, 'cases', i, 'when']), then: compileExpression(c.then, [...pointer, 'cases', i, 'then']) }));
    const otherwise = expr.else === undefined ? () => undefined : compileExpression(expr.else, [...pointer, 'else']);
    return (s) => {
      for (const c of cases) if (c.when(s)) return c.then(s);
      return otherwise(s);
    };
  }
  throw new CompileError(pointer, 'unknown expression: expected one of path, const, first, sum, add, join, max, cases');
}
