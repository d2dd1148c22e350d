/**
 * The committed cuts of bol.com's and Kaufland's published OpenAPI documents are closed and
 * minimal: cutting a cut again keeps the same paths and exactly the same schemas. A schema the
 * Prism tests need but the cut dropped (a `$ref` reached only through another schema) makes the
 * cut throw; one kept without being referenced makes the schema sets differ.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cut as cutBol } from './fixtures/marketplace/bol/cut.ts';
import { cut as cutKaufland } from './fixtures/marketplace/kaufland/cut.ts';
import { referencedSchemas } from './fixtures/marketplace/schema-closure.ts';

const fixture = (p: string) => readFileSync(path.join(import.meta.dirname, 'fixtures/marketplace', p), 'utf8');
type Doc = { paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };

describe('published-spec cuts', () => {
  it('bol.com: the committed cut is its own cut', () => {
    const text = fixture('bol/retailer-v10-orders.openapi.json');
    const committed = JSON.parse(text) as Doc;
    const again = cutBol(text, text) as unknown as Doc;
    expect(Object.keys(again.paths)).toEqual(Object.keys(committed.paths));
    expect(Object.keys(again.components.schemas)).toEqual(Object.keys(committed.components.schemas).sort((a, b) => a.localeCompare(b)));
  });

  it('Kaufland: the committed cut is its own cut', () => {
    const text = fixture('kaufland/seller-api-v2-orders.openapi.json');
    const committed = JSON.parse(text) as Doc;
    const again = cutKaufland(text) as unknown as Doc;
    expect(Object.keys(again.paths)).toEqual(Object.keys(committed.paths));
    expect(Object.keys(again.components.schemas)).toEqual(Object.keys(committed.components.schemas).sort((a, b) => a.localeCompare(b)));
  });

  it('follows references through schemas, and names the one that is missing', () => {
    const paths = { '/a': { get: { responses: { 200: { content: { 'application/json': { schema: { $ref: '#/components/schemas/A' } } } } } } } };
    const all: Record<string, unknown> = { A: { properties: { b: { items: { $ref: '#/components/schemas/B' } } } }, B: { type: 'string' }, Unused: { type: 'number' } };
    expect(Object.keys(referencedSchemas(paths, (n) => all[n]))).toEqual(['A', 'B']);
    expect(() => referencedSchemas(paths, (n) => (n === 'B' ? undefined : all[n]))).toThrow('no schema B');
  });
});
