/**
 * The vocabulary (action kinds, normalized statuses) is declared once, in engine/vocabulary/:
 * every list derived from it (the JSON Schemas, the generated channel types, the API's OpenAPI
 * document, the error catalogue, the store) equals the declaration, no source file spells the
 * list again, and a kind added to the declaration of a copy of the engine is accepted end to end
 * (`npm run generated`, `orderwire validate` of a channel and a platform using it,
 * `orderwire check`, the store) with no other change.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { SCHEMA_NAMES, schemaFile } from '../engine/documents/schemas.ts';
import { errorCatalogue } from '../engine/errors.ts';
import { openStore } from '../engine/store/open.ts';
import { ACTION_NAMES } from '../engine/vocabulary/action-kinds.ts';
import { withVocabulary, VOCABULARY } from '../engine/vocabulary/schemas.ts';
import { NORMALIZED_STATUSES, ORDER_STATUSES } from '../engine/vocabulary/statuses.ts';
import { startApiHarness } from './helpers/api-server.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');

/** Every array in a JSON document that holds a vocabulary word, and every object keyed by action kinds. */
function derivedLists(doc: unknown, word: string, at = ''): { at: string; list: string[] }[] {
  if (Array.isArray(doc)) {
    const here = doc.every((v) => typeof v === 'string') && doc.includes(word) ? [{ at, list: doc as string[] }] : [];
    return [...here, ...doc.flatMap((v, i) => derivedLists(v, word, `${at}/${i}`))];
  }
  if (typeof doc !== 'object' || doc === null) return [];
  const entries = Object.entries(doc);
  const keyed = entries.some(([k]) => k === word) && entries.every(([, v]) => typeof v === 'object') ? [{ at: `${at} (keys)`, list: entries.map(([k]) => k) }] : [];
  return [...keyed, ...entries.flatMap(([k, v]) => derivedLists(v, word, `${at}/${k}`))];
}

/** The examples of a schema show a few kinds, never the whole list: only enums and keyed objects count. */
function outsideExamples(found: { at: string; list: string[] }[]): { at: string; list: string[] }[] {
  return found.filter((f) => !/\/(examples|default)(\/|$)/.test(f.at));
}

describe('every list derived from the vocabulary equals the declaration', () => {
  it('JSON Schemas: every enum of action kinds or statuses, and the platform keyed by kind', async () => {
    const seen: string[] = [];
    for (const name of SCHEMA_NAMES) {
      const schema = JSON.parse(await readFile(schemaFile(name), 'utf8')) as Record<string, unknown>;
      // What `npm run generated` writes is what the file holds.
      expect(withVocabulary(name, schema)).toEqual(schema);
      for (const { at, list } of outsideExamples(derivedLists(schema, 'cancel_lines'))) {
        seen.push(`${name}${at}`);
        expect(list, `${name}${at}`).toEqual([...ACTION_NAMES]);
      }
      for (const { at, list } of outsideExamples(derivedLists(schema, 'waiting_acceptance'))) {
        if (at.endsWith('(keys)')) continue; // examples of a status map name a few statuses
        seen.push(`${name}${at}`);
        expect([[...NORMALIZED_STATUSES], [...ORDER_STATUSES]], `${name}${at}`).toContainEqual(list);
      }
    }
    // The places engine/vocabulary/schemas.ts writes to, at least: channel, description, test, order, platform.
    expect(seen).toEqual(expect.arrayContaining([
      'channel/$defs/actionName/enum',
      'channel/$defs/normalizedStatus/enum',
      'channel-description/$defs/actionName/enum',
      'channel-test/$defs/verdictStatus/enum',
      'order/$defs/orderStatus/enum',
      'platform/properties/actions/properties (keys)',
      'platform/properties/effects/properties (keys)',
    ]));
  });

  it('the generated channel types name exactly the declared kinds', async () => {
    const types = await readFile(path.join(ROOT, 'engine/channel/channel-file.generated.ts'), 'utf8');
    expect(/export type ActionName = (.*);/.exec(types)?.[1]).toBe(ACTION_NAMES.map((n) => JSON.stringify(n)).join(' | '));
  });

  it('the OpenAPI document: every enum of kinds or statuses is the declaration', async () => {
    const h = await startApiHarness();
    try {
      const doc = (await h.call('GET', '/openapi.json')).body as { paths: Record<string, { get?: { parameters?: { name: string; in: string; schema: { enum?: string[] } }[] } }> };
      // Where the console reads the statuses of its orders filter (engine/console/web/pages/orders.js).
      expect(doc.paths['/v1/orders']!.get!.parameters!.find((p) => p.name === 'status' && p.in === 'query')!.schema.enum).toEqual([...ORDER_STATUSES]);
      const kinds = derivedLists(doc, 'cancel_lines').filter((f) => !f.at.includes('example'));
      expect(kinds.length).toBeGreaterThanOrEqual(2);
      for (const { at, list } of kinds) expect(list, at).toEqual([...ACTION_NAMES]);
      const statuses = derivedLists(doc, 'waiting_acceptance').filter((f) => !f.at.includes('example') && !f.at.endsWith('(keys)'));
      expect(statuses.length).toBeGreaterThanOrEqual(1);
      for (const { at, list } of statuses) expect([[...NORMALIZED_STATUSES], [...ORDER_STATUSES]], at).toContainEqual(list);
    } finally {
      await h.close();
    }
  });

  it('the error catalogue names every kind', () => {
    const help = errorCatalogue.ACTION_UNKNOWN.help;
    for (const name of ACTION_NAMES) expect(help).toContain(name);
  });

  it('no engine source or current schema spells the list of kinds or statuses again', async () => {
    const spelled = /['"]refuse['"],\s*['"]ship['"]|['"]closed['"],\s*['"]refused['"]/;
    const offenders: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(path.join(ROOT, dir), { withFileTypes: true })) {
        const rel = `${dir}/${entry.name}`;
        if (entry.isDirectory()) {
          if (rel !== 'engine/vocabulary' && rel !== 'engine/store/migrations') await walk(rel);
        } else if (/\.(ts|js)$/.test(entry.name) && !entry.name.endsWith('.generated.ts') && !entry.name.endsWith('.test.ts')) {
          if (spelled.test(await readFile(path.join(ROOT, rel), 'utf8'))) offenders.push(rel);
        }
      }
    };
    await walk('engine');
    expect(offenders).toEqual([]);
  });
});

describe('the store keeps no copy of the vocabulary in SQL', () => {
  it('SQLite: after the migrations, an action of any kind and an order of any status pass the table constraints', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'orderwire-vocabulary-'));
    const file = path.join(dir, 'store.sqlite');
    try {
      const store = await openStore(file);
      await store.migrate();
      await store.close();
      const { DatabaseSync } = await import('node:sqlite');
      const db = new DatabaseSync(file);
      const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name IN ('orders', 'actions')").all() as { name: string; sql: string }[];
      expect(tables.map((t) => t.name).sort()).toEqual(['actions', 'orders']);
      for (const t of tables) {
        expect(t.sql, t.name).not.toMatch(/'cancel_lines'|'refunded'/);
      }
      db.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** A kind added to a copy of the engine: one entry in the declaration, then `npm run generated`. */
describe('adding an action kind touches the declaration only (plus the platform requests that deliver it)', () => {
  let copy: string;
  const node = (args: string[], cwd = copy) => run(process.execPath, ['--disable-warning=ExperimentalWarning', ...args], { cwd, timeout: 120_000 }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

  beforeAll(async () => {
    copy = await mkdtemp(path.join(tmpdir(), 'orderwire-new-kind-'));
    for (const dir of ['engine', 'schemas', 'channels']) await cp(path.join(ROOT, dir), path.join(copy, dir), { recursive: true });
    await cp(path.join(ROOT, 'package.json'), path.join(copy, 'package.json'));
    await symlink(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'));
    await symlink(path.join(ROOT, 'packages'), path.join(copy, 'packages'));

    const declaration = path.join(copy, 'engine/vocabulary/action-kinds.ts');
    const text = await readFile(declaration, 'utf8');
    const edited = text.replace(/\n\} as const satisfies/, "\n  hold: { summary: 'put the order on hold', reaches: ['accepted'], partly: 'reaches', movesMoney: false },\n} as const satisfies");
    expect(edited).not.toBe(text);
    await writeFile(declaration, edited);

    // The platform requests that deliver it (and how a read-back proves it): the only other change.
    const platformFile = path.join(copy, 'channels/platforms/mirakl.yaml');
    const platform = parseDocument(await readFile(platformFile, 'utf8'));
    platform.setIn(['actions', 'hold'], platform.createNode([{ endpoint: 'OR99', method: 'PUT', path: '/api/orders/${order.marketplace_order_id}/hold' }]));
    platform.setIn(['effects', 'hold'], platform.createNode({ type: 'status', reached: ['WAITING_DEBIT_PAYMENT'], before: ['WAITING_ACCEPTANCE'] }));
    await writeFile(platformFile, platform.toString());

    const channel = parseDocument(await readFile(path.join(ROOT, 'test/fixtures/channels/valid/base.yaml'), 'utf8'));
    channel.set('id', 'holdtest');
    channel.setIn(['actions', 'hold'], channel.createNode({ when: ['waiting_acceptance'] }));
    await writeFile(path.join(copy, 'hold-channel.yaml'), channel.toString());
  }, 180_000);

  afterAll(async () => {
    if (copy) await rm(copy, { recursive: true, force: true });
  });

  it('the copy regenerates its schemas and types, then validates and checks the new kind', async () => {
    const generated = await node(['engine/codegen/generate.ts']);
    expect(generated.stderr).toBe('');
    expect(generated.code).toBe(0);
    expect(generated.stdout).toContain('wrote schemas/channel.schema.json');
    expect(generated.stdout).toContain('wrote schemas/platform.schema.json');
    const schema = JSON.parse(await readFile(path.join(copy, 'schemas/channel.schema.json'), 'utf8')) as { $defs: { actionName: { enum: string[] } } };
    expect(schema.$defs.actionName.enum).toEqual([...ACTION_NAMES, 'hold']);
    expect(await readFile(path.join(copy, 'engine/channel/channel-file.generated.ts'), 'utf8')).toContain(`${JSON.stringify(ACTION_NAMES.at(-1))} | "hold"`);
    // The copy's own check agrees its generated files are current.
    expect((await node(['engine/codegen/generate.ts', '--check'])).code).toBe(0);

    const validated = await node(['engine/cli/orderwire.ts', 'validate', 'hold-channel.yaml', 'channels/platforms/mirakl.yaml']);
    expect(validated.stdout + validated.stderr).toContain('2 files checked');
    expect(validated.code).toBe(0);

    const checked = await node(['engine/cli/orderwire.ts', 'check', 'hold-channel.yaml', '--status', 'waiting_acceptance', '--action', 'hold', '--json']);
    expect(checked.code).toBe(0);
    expect(JSON.parse(checked.stdout)).toMatchObject({ allowed: true, request: { action: 'hold' } });
  }, 300_000);

  it('the same channel is refused by the engine without the new kind, at the line that uses it', async () => {
    const rejected = await node([path.join(ROOT, 'engine/cli/orderwire.ts'), 'validate', 'hold-channel.yaml', '--format', 'json']);
    expect(rejected.code).toBe(1);
    const report = JSON.parse(rejected.stdout) as { files: { findings: { pointer: string; line: number }[] }[] };
    expect(report.files[0]!.findings).toEqual(expect.arrayContaining([expect.objectContaining({ pointer: expect.stringContaining('/actions/hold') })]));
  }, 120_000);
});

it('the vocabulary used by the schema generator is the declared one', () => {
  expect(Object.keys(VOCABULARY.actions)).toEqual([...ACTION_NAMES]);
  expect(VOCABULARY.statuses).toEqual(NORMALIZED_STATUSES);
});
