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
  | { join: Expression[]; separator?: string };

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

export function compileExpression(expr: Expression, pointer: Pointer = []): Evaluate {
  if (typeof expr === 'string') return compilePathExpression(expr, undefined, undefined, pointer);
  if (expr === null || typeof expr !== 'object' || Array.isArray(expr)) throw new CompileError(pointer, 'an expression is a path or an object (path, const, first, sum, add, join)');
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
  throw new CompileError(pointer, 'unknown expression: expected one of path, const, first, sum, add, join');
}
