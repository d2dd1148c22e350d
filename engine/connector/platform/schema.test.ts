import { readFileSync } from 'node:fs';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { AUTH_TYPES } from '../auth/index.ts';
import { EFFECT_TYPES } from '../effects/index.ts';
import { PAGINATION_TYPES } from '../paginate/index.ts';
import { TRANSFORM_NAMES } from '../map/transforms.ts';
import { PLATFORM_SCHEMA_FILE } from './load.ts';

type Schema = Record<string, unknown>;
const schema = JSON.parse(readFileSync(PLATFORM_SCHEMA_FILE, 'utf8')) as Schema;

/** Every property schema and $defs entry, with where it is. */
function documented(node: unknown, where: string, out: Array<{ where: string; schema: Schema }>): void {
  if (node === null || typeof node !== 'object') return;
  const s = node as Schema;
  for (const [name, prop] of Object.entries((s.properties as Record<string, Schema> | undefined) ?? {})) {
    out.push({ where: `${where}.${name}`, schema: prop });
    documented(prop, `${where}.${name}`, out);
  }
  for (const [name, def] of Object.entries((s.$defs as Record<string, Schema> | undefined) ?? {})) {
    out.push({ where: `$defs.${name}`, schema: def });
    documented(def, `$defs.${name}`, out);
  }
  for (const key of ['items', 'additionalProperties', 'then', 'else']) documented(s[key], `${where}.${key}`, out);
  for (const key of ['oneOf', 'anyOf', 'allOf']) (s[key] as unknown[] | undefined)?.forEach((b, i) => documented(b, `${where}.${key}[${i}]`, out));
}

describe('schemas/platform.schema.json', () => {
  const all: Array<{ where: string; schema: Schema }> = [];
  documented(schema, '', all);

  it('documents every key: title, description and examples', () => {
    const missing = all.filter(({ schema: s }) => !s.title || !s.description || (!s.examples && !s.$ref)).map((x) => x.where);
    expect(missing).toEqual([]);
  });

  it('is strict: every object rejects unknown keys', () => {
    const open = all.filter(({ schema: s }) => s.type === 'object' && s.properties && s.additionalProperties !== false && !s.allOf).map((x) => x.where);
    expect(open).toEqual([]);
  });

  it('every example is valid against the schema it illustrates', () => {
    const ajv = new Ajv2020Module.default({ strict: false, allowUnionTypes: true });
    addFormatsModule.default(ajv);
    ajv.addSchema(schema);
    const invalid: string[] = [];
    let checked = 0;
    const walk = (node: unknown, pointer: string): void => {
      if (node === null || typeof node !== 'object') return;
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${pointer}/${i}`));
      const s = node as Schema;
      if (Array.isArray(s.examples)) {
        const validate = ajv.getSchema(`${String(schema.$id)}#${pointer}`)!;
        for (const example of s.examples) {
          checked++;
          if (!validate(example)) invalid.push(`${pointer}: ${JSON.stringify(example)}: ${ajv.errorsText(validate.errors)}`);
        }
      }
      for (const [key, value] of Object.entries(s)) if (key !== 'examples') walk(value, `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`);
    };
    walk(schema, '');
    expect(invalid).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  });

  it('lists exactly the strategies and transforms the engine registers', () => {
    const defs = schema.$defs as Record<string, { properties?: { type?: { enum?: string[] } }; enum?: string[] }>;
    expect(defs.auth?.properties?.type?.enum).toEqual([...AUTH_TYPES]);
    expect(defs.pagination?.properties?.type?.enum).toEqual([...PAGINATION_TYPES]);
    expect(defs.transformName?.enum).toEqual([...TRANSFORM_NAMES]);
    expect(defs.effect?.properties?.type?.enum).toEqual([...EFFECT_TYPES]);
  });
});
