/**
 * The generated object builder (object-mapping.ts) against the generic one it replaced, kept here as
 * the reference: a loop over every field's closure in sorted order, storing what is not absent.
 * Both run the platforms' own mappings on randomly damaged real records (Mirakl OR11, Octopia), and
 * random mappings on random values: the objects must be equal, key order included, and so must the
 * problem checkObject finds in them (looked for only when the generated build suspected one).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileExpression, type Evaluate, type Expression } from './expression.ts';
import { compileObjectMapping, type ItemFilter, type ObjectMapping, type TypeCheck } from './object-mapping.ts';
import { compilePath } from './path.ts';
import { checkObject, ORDER_TARGET, type TargetObject } from './targets.ts';

type Build = (scope: unknown, check?: TypeCheck) => unknown;

/** The builder as it was before it was generated: the reference. */
function referenceBuilder(spec: ObjectMapping, target: TargetObject, keepEmpty: boolean): Build {
  const fields: [string, Evaluate][] = [];
  for (const [name, value] of Object.entries(spec)) {
    if (name === 'from' || name === 'where' || value === undefined) continue;
    const field = target[name]!;
    if (field.kind === 'object') fields.push([name, referenceBuilder(value as ObjectMapping, field.fields, field.required)]);
    else if (field.kind === 'array') {
      const list = value as ObjectMapping;
      const items = compilePath(list.from!);
      const where = list.where as ItemFilter | undefined;
      const keep = where && ((item: unknown) => {
        const v = compilePath(where.path)(item);
        const matches = v !== undefined && v !== null && where.in.map(String).includes(String(v));
        return matches && (where.absent === undefined || (compilePath(where.absent)(item) ?? null) === null);
      });
      const item = referenceBuilder({ ...list, from: undefined, where: undefined }, field.item, true);
      fields.push([name, (scope) => {
        const found = items(scope);
        if (found === undefined || found === null) return [];
        const all = Array.isArray(found) ? found : typeof found === 'object' ? [found] : undefined;
        if (!all) return undefined;
        const out: unknown[] = [];
        for (const one of all) if (!keep || keep(one)) out.push(item(one));
        return out;
      }]);
    } else fields.push([name, compileExpression(value as Expression)]);
  }
  fields.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const from = typeof spec.from === 'string' ? compilePath(spec.from) : undefined;
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

/**
 * What a builder gives and the problem checkObject finds in it, or the message it throws: both
 * sides must agree on either. The generated builder's problem is looked for only when its build
 * suspected one, as the fields mapper does: an order it did not suspect must have none.
 */
function outcome(build: Build, scope: unknown, target: TargetObject, generated: boolean): unknown {
  try {
    const check: TypeCheck = { suspect: false };
    const value = generated ? build(scope, check) : build(scope);
    const problem = value === undefined || (generated && !check.suspect) ? undefined : checkObject(value as Record<string, unknown>, target);
    return { value, text: JSON.stringify(value), problem };
  } catch (err) {
    return { threw: (err as Error).message };
  }
}

const JUNK = [null, '', ' ', 0, -1.5, 12, 1e308, Number.NaN, Number.POSITIVE_INFINITY, '12.50', 'text', ' padded ', true, false, [], {}, [{}], ['x'], { a: 1 }, '2025-02-29T10:00:00Z', '2026-11-20T09:00:00.000Z', 'PRT', 'Portugal'];

/** Every path into a JSON value (objects and lists), the value itself excluded. */
function pathsOf(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) => [[...prefix, key], ...pathsOf(v, [...prefix, key])]);
}

/** The record with each chosen path's value replaced by junk, or deleted. */
function damaged(record: unknown, paths: string[][], changes: Array<[number, number]>): unknown {
  const copy = structuredClone(record) as Record<string, unknown>;
  for (const [p, j] of changes) {
    const path = paths[p % paths.length]!;
    let parent: unknown = copy;
    for (const key of path.slice(0, -1)) parent = parent !== null && typeof parent === 'object' ? (parent as Record<string, unknown>)[key] : undefined;
    if (parent === null || typeof parent !== 'object') continue;
    const key = path.at(-1)!;
    if (j === JUNK.length) delete (parent as Record<string, unknown>)[key];
    else (parent as Record<string, unknown>)[key] = structuredClone(JUNK[j]);
  }
  return copy;
}

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../../test/fixtures/marketplace/${name}`, import.meta.url), 'utf8'));
const platformMapping = (name: string): ObjectMapping => {
  const { type: _type, ...mapping } = (parse(readFileSync(new URL(`../../../channels/platforms/${name}.yaml`, import.meta.url), 'utf8')) as { mapping: ObjectMapping & { type?: string } }).mapping;
  return mapping;
};

describe('the generated object builder', () => {
  const cases: Array<[string, string, unknown[]]> = [
    ['mirakl', 'Mirakl OR11', [...(fixture('mirakl/or11-business-example.json') as { orders: unknown[] }).orders, ...(fixture('mirakl/or11-typed-example.json') as { orders: unknown[] }).orders]],
    ['octopia', 'Octopia', [fixture('octopia/order.json'), ...(fixture('octopia/orders-page.json') as { items: unknown[] }).items]],
  ];
  for (const [platform, shape, records] of cases) {
    it(`builds what the generic builder built, on damaged ${shape} records with the ${platform} mapping`, () => {
      const spec = platformMapping(platform);
      const generated = compileObjectMapping(spec, ORDER_TARGET, [], { keepEmpty: true });
      const reference = referenceBuilder(spec, ORDER_TARGET, true);
      for (const record of records) expect(outcome(generated, record, ORDER_TARGET, true)).toEqual(outcome(reference, record, ORDER_TARGET, false));
      const damage = fc.array(fc.tuple(fc.nat(), fc.nat({ max: JUNK.length })), { minLength: 1, maxLength: 12 });
      fc.assert(fc.property(fc.nat({ max: records.length - 1 }), damage, (r, changes) => {
        const record = damaged(records[r], pathsOf(records[r]), changes);
        expect(outcome(generated, record, ORDER_TARGET, true)).toStrictEqual(outcome(reference, record, ORDER_TARGET, false));
      }), { numRuns: 400 });
    });
  }

  it('builds what the generic builder built, for random mappings of bare paths, transforms and `from` on random values', () => {
    const TARGET: TargetObject = { a: { kind: 'string', required: true }, b: { kind: 'number', required: false }, c_d: { kind: 'date', required: false }, e: { kind: 'boolean', required: false } };
    const key = fc.constantFrom('x', 'y', '0', '1', '$k', 'k-1', 'length');
    const path = fc.oneof(fc.constant('.'), fc.array(key, { minLength: 1, maxLength: 3 }).map((keys) => keys.join('.')));
    const expression = fc.oneof(path, path.map((p) => ({ path: p, transform: 'number' })), path.map((p) => ({ path: p, transform: ['trim', 'upper'], default: 'none' })), fc.constant({ const: 'K' }));
    const mapping = fc.record({ a: expression, b: expression, c_d: expression, e: expression }, { requiredKeys: ['a'] });
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, fc.constantFrom(...JUNK), fc.dictionary(key, tie('node'), { maxKeys: 4 }), fc.array(tie('node'), { maxLength: 3 })),
    })).node;
    fc.assert(fc.property(mapping, fc.option(path, { nil: undefined }), fc.boolean(), value, (fields, from, keepEmpty, scope) => {
      const spec = { ...fields, ...(from !== undefined && { from }) } as ObjectMapping;
      const generated = compileObjectMapping(spec, TARGET, [], { keepEmpty });
      expect(outcome(generated, scope, TARGET, true)).toStrictEqual(outcome(referenceBuilder(spec, TARGET, keepEmpty), scope, TARGET, false));
    }), { numRuns: 1000 });
  });
});
