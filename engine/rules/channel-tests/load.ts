/**
 * Loading channel test files through the document front end (engine/documents/): YAML with
 * positions, schemas/channel-test.schema.json, then each case's order built or read and checked
 * against the order schema. Every problem is a located finding (file:line:column); a bad case does
 * not stop the others.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { loadChannel } from '../../channel/load.ts';
import type { Channel } from '../../channel/model.ts';
import { finding, type Finding } from '../../documents/finding.ts';
import { DOCUMENT_KINDS } from '../../documents/kinds.ts';
import { toPointer } from '../../documents/pointer.ts';
import { plainNamer, schemaFindings } from '../../documents/schema-findings.ts';
import { schemaFile } from '../../documents/schemas.ts';
import { parseYaml, type ParsedYaml } from '../../documents/yaml.ts';
import { OrderwireError, type ErrorCode } from '../../errors.ts';
import type { NormalizedOrder } from '../../order/model.ts';
import { orderProblems } from '../../order/schema.ts';
import { isNormalizedStatus, mappedStatuses } from '../../order/status.ts';
import { marketplaceStatusFor, syntheticOrder, type SyntheticLine } from '../../order/synthetic.ts';
import type { Expectation, Location, TestCase, TestFile } from './model.ts';

export const CHANNEL_TEST_SCHEMA_FILE = schemaFile('channel-test');
const KIND = DOCUMENT_KINDS['channel-test'];

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

/** A finding at a node of the test file, by its path. */
function problemAt(parsed: ParsedYaml, path: readonly (string | number)[], message: string, code: ErrorCode = 'CHANNEL_TEST_INVALID'): Finding {
  const pointer = toPointer(path);
  return finding(parsed.file, parsed.locate(pointer), code, message, pointer);
}

function locationOf(parsed: ParsedYaml, path: readonly (string | number)[]): Location {
  const at = parsed.locate(toPointer(path));
  return { file: parsed.file, line: at.line, column: at.column };
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
  if (problems.length > 0) throw new CaseOrderError(key, `not a valid order: ${problems.map((p) => p.message).join('; ')}`);
  return order as NormalizedOrder;
}

/** Loads one test file; never throws for a bad file (problems are returned instead). */
export async function loadTestFile(file: string): Promise<TestFile> {
  const text = await readFile(file, 'utf8').catch((err: Error) => err);
  if (text instanceof Error) {
    return { file, cases: [], problems: [finding(file, { line: 1, column: 1, endLine: 1, endColumn: 1 }, 'FILE_UNREADABLE', `cannot read the test file: ${text.message}`, '')] };
  }
  return loadTestText(text, file);
}

/** Loads a test file's text (the file name locates problems and resolves relative paths). */
export async function loadTestText(text: string, file: string): Promise<TestFile> {
  const result: TestFile = { file, cases: [], problems: [] };
  const parsed = parseYaml(text, file, { emptyHint: KIND.emptyHint });
  if (parsed.findings.some((f) => f.severity === 'error')) {
    result.problems.push(...parsed.findings);
    return result;
  }
  // A problem inside a case rejects that case only; the others still run.
  const badCases = new Set<number>();
  for (const f of schemaFindings(parsed, 'channel-test', plainNamer(KIND.noun))) {
    result.problems.push(f);
    const inCase = /^\/cases\/(\d+)(\/|$)/.exec(f.pointer);
    if (inCase) badCases.add(Number(inCase[1]));
    else return result;
  }
  const testFile = parsed.data as RawTestFile;
  try {
    result.channel = await resolveChannel(file, testFile);
  } catch (err) {
    const code = err instanceof OrderwireError ? err.code : 'CHANNEL_TEST_INVALID';
    result.problems.push(problemAt(parsed, testFile.channel === undefined ? [] : ['channel'], `channel: ${(err as Error).message}`, code));
    return result;
  }
  const names = new Set<string>();
  for (const [i, rawCase] of testFile.cases.entries()) {
    if (badCases.has(i)) continue;
    if (names.has(rawCase.name)) result.problems.push(problemAt(parsed, ['cases', i, 'name'], `case name "${rawCase.name}" is used twice`));
    names.add(rawCase.name);
    try {
      const order = await buildOrder(result.channel, file, rawCase, i, testFile.account ?? 'test');
      result.cases.push({
        name: rawCase.name,
        ...(rawCase.source !== undefined && { source: rawCase.source }),
        location: locationOf(parsed, ['cases', i]),
        order,
        action: rawCase.action as TestCase['action'],
        expect: rawCase.expect,
      });
    } catch (err) {
      const key = err instanceof CaseOrderError ? [err.key] : [];
      result.problems.push(problemAt(parsed, ['cases', i, ...key], `case "${rawCase.name}": ${(err as Error).message}`));
    }
  }
  return result;
}
