/**
 * Loading channel test files: YAML with positions, checked against
 * schemas/channel-test.schema.json, each case's order built or read and checked against the
 * order schema. Every problem is located (file:line:column); a bad case does not stop the others.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { loadChannel } from '../../channel/load.ts';
import type { Channel } from '../../channel/model.ts';
import { OrderwireError, type ErrorCode } from '../../errors.ts';
import type { NormalizedOrder } from '../../order/model.ts';
import { orderProblems, schemaProblems, schemaValidator } from '../../order/schema.ts';
import { isNormalizedStatus, mappedStatuses } from '../../order/status.ts';
import { marketplaceStatusFor, syntheticOrder, type SyntheticLine } from '../../order/synthetic.ts';
import type { Expectation, Location, TestCase, TestFile, TestProblem } from './model.ts';

export const CHANNEL_TEST_SCHEMA_FILE = path.resolve(import.meta.dirname, '../../../schemas/channel-test.schema.json');
const testFileValidator = schemaValidator(CHANNEL_TEST_SCHEMA_FILE);

export const TEST_FILE_PATTERN = /\.test\.ya?ml$/;

interface RawCase {
  name: string;
  source?: string;
  marketplace_status?: string;
  status?: string;
  order?: unknown;
  order_file?: string;
  order_lines?: SyntheticLine[];
  order_patch?: Record<string, unknown>;
  action: { name: string; data?: Record<string, unknown>; lines?: unknown[] };
  expect: Expectation;
}

interface RawTestFile {
  channel?: string;
  account?: string;
  cases: RawCase[];
}

/** Test files named by `targets` (files, or folders searched recursively); sorted. */
export async function findTestFiles(targets: readonly string[]): Promise<string[]> {
  const out = new Set<string>();
  async function walk(dir: string): Promise<void> {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules' && !entry.name.startsWith('.')) await walk(full);
      else if (entry.isFile() && TEST_FILE_PATTERN.test(entry.name)) out.add(full);
    }
  }
  for (const target of targets) {
    const info = await stat(target).catch(() => undefined);
    if (!info) throw new OrderwireError('FILE_NOT_FOUND', `no such file or folder: ${target}`, { path: target });
    if (info.isDirectory()) await walk(target);
    else out.add(target);
  }
  return [...out].sort();
}

class Locator {
  private readonly file: string;
  private readonly doc: Document;
  private readonly lines: LineCounter;

  constructor(file: string, doc: Document, lines: LineCounter) {
    this.file = file;
    this.doc = doc;
    this.lines = lines;
  }

  at(offset: number): Location {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, column: col };
  }

  /** The deepest node on the JSON pointer's path that exists. */
  pointer(pointer: string): Location {
    const segments = pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    for (let n = segments.length; n >= 0; n--) {
      const keys = segments.slice(0, n).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
      const node = n === 0 ? this.doc.contents : this.doc.getIn(keys, true);
      const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
      if (range) return this.at(range[0]);
    }
    return { file: this.file, line: 1, column: 1 };
  }
}

function problem(location: Location, message: string, code: ErrorCode = 'CHANNEL_TEST_INVALID'): TestProblem {
  return { code, location, message };
}

async function resolveChannel(file: string, raw: RawTestFile): Promise<Channel> {
  const dir = path.dirname(file);
  if (raw.channel === undefined) return loadChannel(path.join(dir, path.basename(file).replace(TEST_FILE_PATTERN, '.yaml')));
  if (/\.ya?ml$/.test(raw.channel) || raw.channel.includes('/')) return loadChannel(path.resolve(dir, raw.channel));
  return loadChannel(raw.channel, dir);
}

async function readOrderFile(file: string, ref: string): Promise<unknown> {
  const full = path.resolve(path.dirname(file), ref);
  const text = await readFile(full, 'utf8').catch(() => {
    throw new Error(`cannot read order file ${ref} (${full})`);
  });
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new Error(`order file ${ref} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
}

/** A case whose order cannot be built; `key` names the case key to point at. */
class CaseOrderError extends Error {
  readonly key: string;

  constructor(key: string, message: string) {
    super(message);
    this.key = key;
  }
}

async function buildOrder(channel: Channel, file: string, raw: RawCase, index: number, account: string): Promise<NormalizedOrder> {
  let marketplaceStatus = raw.marketplace_status;
  if (raw.status !== undefined) {
    marketplaceStatus = isNormalizedStatus(raw.status) ? marketplaceStatusFor(channel, raw.status) : undefined;
    if (marketplaceStatus === undefined) throw new CaseOrderError('status', `status ${raw.status} is not mapped by ${channel.id} (its statuses: ${mappedStatuses(channel).join(', ')})`);
  }
  let order: unknown;
  let key: string;
  if (marketplaceStatus !== undefined) {
    order = {
      ...syntheticOrder(channel, marketplaceStatus, { account, marketplaceOrderId: `TEST-${index + 1}`, ...(raw.order_lines && { lines: raw.order_lines }) }),
      ...raw.order_patch,
    };
    key = raw.order_patch ? 'order_patch' : raw.order_lines ? 'order_lines' : raw.status !== undefined ? 'status' : 'marketplace_status';
  } else if (raw.order_file !== undefined) {
    key = 'order_file';
    order = await readOrderFile(file, raw.order_file).catch((err: Error) => {
      throw new CaseOrderError(key, err.message);
    });
  } else {
    key = 'order';
    order = raw.order;
  }
  const problems = orderProblems(order);
  if (problems.length > 0) throw new CaseOrderError(key, `not a valid order: ${problems.map((p) => `${p.pointer || '/'}: ${p.message}`).join('; ')}`);
  return order as NormalizedOrder;
}

/** Loads one test file; never throws for a bad file (problems are returned instead). */
export async function loadTestFile(file: string): Promise<TestFile> {
  const result: TestFile = { file, cases: [], problems: [] };
  const text = await readFile(file, 'utf8').catch((err: Error) => err);
  if (text instanceof Error) {
    result.problems.push(problem({ file, line: 1, column: 1 }, `cannot read the test file: ${text.message}`, 'FILE_UNREADABLE'));
    return result;
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const locate = new Locator(file, doc, lines);
  if (doc.errors.length > 0) {
    for (const e of doc.errors) result.problems.push(problem(locate.at(e.pos[0]), `YAML: ${e.message.split('\n')[0]}`));
    return result;
  }
  const raw = doc.toJS() as unknown;
  const validate = testFileValidator();
  // A problem inside a case rejects that case only; the others still run.
  const badCases = new Set<number>();
  if (!validate(raw)) {
    for (const p of schemaProblems(validate.errors)) {
      const message = p.keyword === 'oneOf' ? 'give the order with exactly one of marketplace_status, status, order or order_file' : p.message;
      result.problems.push(problem(locate.pointer(p.pointer), `${p.pointer || '/'}: ${message}`));
      const inCase = /^\/cases\/(\d+)(\/|$)/.exec(p.pointer);
      if (inCase) badCases.add(Number(inCase[1]));
      else return result;
    }
  }
  const testFile = raw as RawTestFile;
  try {
    result.channel = await resolveChannel(file, testFile);
  } catch (err) {
    const code = err instanceof OrderwireError ? err.code : 'CHANNEL_TEST_INVALID';
    result.problems.push(problem(locate.pointer(testFile.channel === undefined ? '' : '/channel'), `channel: ${(err as Error).message}`, code));
    return result;
  }
  const names = new Set<string>();
  for (const [i, rawCase] of testFile.cases.entries()) {
    if (badCases.has(i)) continue;
    const where = locate.pointer(`/cases/${i}`);
    if (names.has(rawCase.name)) result.problems.push(problem(locate.pointer(`/cases/${i}/name`), `case name "${rawCase.name}" is used twice`));
    names.add(rawCase.name);
    try {
      const order = await buildOrder(result.channel, file, rawCase, i, testFile.account ?? 'test');
      result.cases.push({
        name: rawCase.name,
        ...(rawCase.source !== undefined && { source: rawCase.source }),
        location: where,
        order,
        action: rawCase.action as TestCase['action'],
        expect: rawCase.expect,
      });
    } catch (err) {
      const key = err instanceof CaseOrderError ? `/${err.key}` : '';
      result.problems.push(problem(locate.pointer(`/cases/${i}${key}`), `case "${rawCase.name}": ${(err as Error).message}`));
    }
  }
  return result;
}
