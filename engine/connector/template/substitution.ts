/**
 * The `substitution` template strategy: request paths, queries and JSON bodies written as plain
 * YAML values in which
 *   "${request.data.tracking_number}"   a whole string that is one reference keeps the value's type
 *   "/api/orders/${order.marketplace_order_id}/ship"   references inside text are substituted
 *   { $each: "${selected_lines}", as: line, $map: {...} }   one item per element of a list
 *   { $concat: [list, list] }            lists joined
 *   { $if: "${...}", then: x, else: y }  a branch (a missing branch leaves the key out)
 *   { $first: [x, y] }                   the first value that is present
 *   { $mul: [x, y] }                     a product of numbers (line price x quantity)
 *   { $round: x }                        a number to the cent (a tax scaled to part of a line)
 *   { $in: [x, [a, b]] }                 whether x is one of a, b (as texts): a `when:` on a
 *                                        line's status (Kaufland sends only units still to send)
 * Keys whose value ends up undefined are left out of objects. Compiled once into closures;
 * references are checked against the names in scope at compile time.
 */
import { OrderwireError } from '../../errors.ts';
import { CompileError, type Pointer } from '../platform/compile-error.ts';
import { didYouMean } from '../../documents/suggest.ts';
import { compileKeys, splitPath } from '../map/path.ts';

export type TemplateContext = Readonly<Record<string, unknown>>;
export type Render = (ctx: TemplateContext) => unknown;

export interface CompileOptions {
  /** Names a reference may start with (request, order, selected_lines, ...). */
  roots: ReadonlySet<string>;
  /** Encode substituted values for a URL path segment. */
  encode?: (value: string) => string;
  /**
   * Checks a reference's keys against what its root holds (the normalized order's schema, the
   * action request): a problem found here is a located PLATFORM_TEMPLATE_REFERENCE at load, not
   * a value silently missing from a request sent later.
   */
  checkReference?: (keys: readonly string[]) => { message: string; suggestion?: string } | undefined;
}

const WHOLE = /^\$\{([^{}]+)\}$/;
const PART = /\$\{([^{}]+)\}/g;
const OPERATORS = ['$each', '$concat', '$if', '$first', '$mul', '$round', '$in'] as const;

/** Falsy for templates: absent, false, 0, "", and the empty list. */
export function isTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return value !== undefined && value !== null && value !== false && value !== 0 && value !== '';
}

function compileReference(expr: string, opts: CompileOptions, pointer: Pointer): Render {
  const roots = opts.roots;
  let keys: string[];
  try {
    keys = splitPath(expr.trim());
  } catch (err) {
    throw new CompileError(pointer, (err as Error).message);
  }
  const [root, ...rest] = keys;
  if (root === undefined || !roots.has(root)) {
    throw new CompileError(pointer, `"\${${expr}}" refers to "${root ?? ''}", which is not in scope here (in scope: ${[...roots].join(', ')})`, 'PLATFORM_TEMPLATE_REFERENCE', root === undefined ? undefined : didYouMean(root, roots));
  }
  const problem = opts.checkReference?.(keys);
  if (problem) throw new CompileError(pointer, `"\${${expr}}": ${problem.message}`, 'PLATFORM_TEMPLATE_REFERENCE', problem.suggestion);
  const get = compileKeys(rest);
  return (ctx) => {
    const v = get(ctx[root]);
    return v === null ? undefined : v;
  };
}

function compileString(text: string, opts: CompileOptions, pointer: Pointer): Render {
  const whole = WHOLE.exec(text);
  if (whole) {
    const ref = compileReference(whole[1]!, opts, pointer);
    const encode = opts.encode;
    return encode ? (ctx) => {
      const v = ref(ctx);
      return v === undefined ? undefined : encode(String(v));
    } : ref;
  }
  if (!text.includes('${')) return () => text;
  const pieces: Array<string | { expr: string; ref: Render }> = [];
  let last = 0;
  for (const m of text.matchAll(PART)) {
    if (m.index > last) pieces.push(text.slice(last, m.index));
    pieces.push({ expr: m[1]!, ref: compileReference(m[1]!, opts, pointer) });
    last = m.index + m[0].length;
  }
  if (last < text.length) pieces.push(text.slice(last));
  const encode = opts.encode ?? ((s: string) => s);
  return (ctx) => {
    let out = '';
    for (const piece of pieces) {
      if (typeof piece === 'string') {
        out += piece;
        continue;
      }
      const v = piece.ref(ctx);
      if (v === undefined || (typeof v === 'object')) {
        throw new OrderwireError('CONNECTOR_TEMPLATE_VALUE_MISSING', `"${text}" needs \${${piece.expr}}, which is ${v === undefined ? 'absent' : 'not a text or number'}`, { template: text, reference: piece.expr });
      }
      out += encode(String(v));
    }
    return out;
  };
}

function compileOperator(op: (typeof OPERATORS)[number], node: Record<string, unknown>, opts: CompileOptions, pointer: Pointer): Render {
  const arg = node[op];
  const allowed: Record<string, readonly string[]> = { $each: ['$each', 'as', '$map'], $if: ['$if', 'then', 'else'] };
  for (const key of Object.keys(node)) {
    if (!(allowed[op] ?? [op]).includes(key)) throw new CompileError([...pointer, key], `"${key}" cannot sit beside ${op}`);
  }
  switch (op) {
    case '$each': {
      const as = node.as;
      if (typeof as !== 'string' || !/^[a-z_][a-z0-9_]*$/.test(as)) throw new CompileError([...pointer, 'as'], '$each needs `as: <name>` (lower case), the name of the current item in $map');
      if (!('$map' in node)) throw new CompileError(pointer, '$each needs `$map`, the template of one item');
      const list = compileTemplate(arg, opts, [...pointer, '$each']);
      const item = compileTemplate(node.$map, { ...opts, roots: new Set([...opts.roots, as]) }, [...pointer, '$map']);
      return (ctx) => {
        const items = list(ctx);
        if (items === undefined) return [];
        if (!Array.isArray(items)) throw new OrderwireError('CONNECTOR_TEMPLATE_VALUE_MISSING', `$each at ${pointer.join('.')} expects a list`, { pointer: pointer.join('.') });
        return items.map((value) => item({ ...ctx, [as]: value })).filter((v) => v !== undefined);
      };
    }
    case '$concat': {
      if (!Array.isArray(arg)) throw new CompileError([...pointer, op], '$concat takes a list of lists');
      const parts = arg.map((a, i) => compileTemplate(a, opts, [...pointer, op, i]));
      return (ctx) => parts.flatMap((p) => {
        const v = p(ctx);
        return v === undefined ? [] : Array.isArray(v) ? v : [v];
      });
    }
    case '$if': {
      const cond = compileTemplate(arg, opts, [...pointer, op]);
      const then = 'then' in node ? compileTemplate(node.then, opts, [...pointer, 'then']) : () => undefined;
      const otherwise = 'else' in node ? compileTemplate(node.else, opts, [...pointer, 'else']) : () => undefined;
      return (ctx) => (isTruthy(cond(ctx)) ? then(ctx) : otherwise(ctx));
    }
    case '$first': {
      if (!Array.isArray(arg)) throw new CompileError([...pointer, op], '$first takes a list');
      const parts = arg.map((a, i) => compileTemplate(a, opts, [...pointer, op, i]));
      return (ctx) => {
        for (const p of parts) {
          const v = p(ctx);
          if (v !== undefined && v !== '') return v;
        }
        return undefined;
      };
    }
    case '$round': {
      const value = compileTemplate(arg, opts, [...pointer, op]);
      return (ctx) => {
        const v = value(ctx);
        if (typeof v !== 'number') throw new OrderwireError('CONNECTOR_TEMPLATE_VALUE_MISSING', `$round at ${pointer.join('.')} needs a number, got ${JSON.stringify(v)}`, { pointer: pointer.join('.') });
        return Math.round(v * 100) / 100;
      };
    }
    case '$in': {
      if (!Array.isArray(arg) || arg.length !== 2 || !Array.isArray(arg[1])) throw new CompileError([...pointer, op], '$in takes [value, [candidates...]]: a value and the list it must be one of');
      const value = compileTemplate(arg[0], opts, [...pointer, op, 0]);
      const candidates = compileTemplate(arg[1], opts, [...pointer, op, 1]);
      const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);
      return (ctx) => {
        const v = text(value(ctx));
        return v !== undefined && (candidates(ctx) as unknown[]).some((c) => text(c) === v);
      };
    }
    case '$mul': {
      if (!Array.isArray(arg) || arg.length < 2) throw new CompileError([...pointer, op], '$mul takes a list of at least two numbers');
      const parts = arg.map((a, i) => compileTemplate(a, opts, [...pointer, op, i]));
      return (ctx) => {
        let product = 1;
        for (const p of parts) {
          const v = p(ctx);
          if (typeof v !== 'number') throw new OrderwireError('CONNECTOR_TEMPLATE_VALUE_MISSING', `$mul at ${pointer.join('.')} needs numbers, got ${JSON.stringify(v)}`, { pointer: pointer.join('.') });
          product *= v;
        }
        return Math.round(product * 1e6) / 1e6;
      };
    }
  }
}

export function compileTemplate(node: unknown, opts: CompileOptions, pointer: Pointer = []): Render {
  if (typeof node === 'string') return compileString(node, opts, pointer);
  if (node === null || typeof node !== 'object') return () => node;
  if (Array.isArray(node)) {
    const items = node.map((n, i) => compileTemplate(n, opts, [...pointer, i]));
    return (ctx) => items.map((r) => r(ctx)).filter((v) => v !== undefined);
  }
  const record = node as Record<string, unknown>;
  const op = OPERATORS.find((o) => o in record);
  if (op) return compileOperator(op, record, opts, pointer);
  const unknownOp = Object.keys(record).find((k) => k.startsWith('$'));
  if (unknownOp) throw new CompileError([...pointer, unknownOp], `unknown operator "${unknownOp}" (known: ${OPERATORS.join(', ')})`);
  const entries = Object.entries(record).map(([k, v]) => [k, compileTemplate(v, opts, [...pointer, k])] as const);
  return (ctx) => {
    const out: Record<string, unknown> = {};
    for (const [k, render] of entries) {
      const v = render(ctx);
      if (v !== undefined) out[k] = v;
    }
    return out;
  };
}
