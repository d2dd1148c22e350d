/**
 * Channel test files. Every case of the shipped channels/*.test.yaml runs here as a vitest case
 * (so the seed documents' statements are part of `npm test`), their coverage must be complete,
 * and the runner itself is tested: differences, located problems, coverage gaps, JUnit.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS_DIR, loadChannel } from '../engine/channel/load.ts';
import { actionErrors } from '../engine/errors/action.ts';
import { CHANNEL_TEST_SCHEMA_FILE, findTestFiles, loadTestFile } from '../engine/rules/channel-tests/load.ts';
import type { RunSummary, TestFile } from '../engine/rules/channel-tests/model.ts';
import { junitReport, textReport } from '../engine/rules/channel-tests/report.ts';
import { runCase, runTestFiles } from '../engine/rules/channel-tests/run.ts';
import { LIBRARY_CHANNELS } from './helpers/library.ts';

const shipped: TestFile[] = await Promise.all((await findTestFiles([CHANNELS_DIR])).map(loadTestFile));

describe.each(shipped.map((f) => [path.basename(f.file), f] as const))('%s', (_name, file) => {
  it('loads without problems', () => {
    expect(file.problems).toEqual([]);
    expect(file.cases.length).toBeGreaterThan(40);
  });

  it.each(file.cases.map((c) => [c.name, c] as const))('%s', async (_caseName, testCase) => {
    const result = await runCase(file.channel!, testCase);
    expect(result.differences).toEqual([]);
  });

  it('exercises every (status, action) pair of the channel', async () => {
    const summary = await runTestFiles([file]);
    expect(summary.coverage).toEqual([expect.objectContaining({ missing: [], covered: summary.coverage[0]!.total })]);
  });

  it('has a case for every marketplace status of the source table', () => {
    const used = new Set(file.cases.map((c) => c.order.marketplace_status));
    expect([...file.channel!.statusIndex.keys()].filter((s) => !used.has(s))).toEqual([]);
  });
});

it('ships a test file for each shipped channel', () => {
  expect(shipped.map((f) => f.channel?.id).sort()).toEqual(LIBRARY_CHANNELS);
});

it('offers exactly the codes a verdict can carry in the test file schema', () => {
  const schema = JSON.parse(readFileSync(CHANNEL_TEST_SCHEMA_FILE, 'utf8')) as { $defs: { code: { enum: string[] } } };
  const verdictCodes = Object.keys(actionErrors).filter((c) => !c.startsWith('CHANNEL_TEST_') && c !== 'ORDER_STATUS_UNKNOWN');
  expect([...schema.$defs.code.enum].sort()).toEqual([...verdictCodes, 'INTERNAL'].sort());
});

it('puts the yaml-language-server modeline at the top of each shipped test file', () => {
  for (const file of shipped) expect(readFileSync(file.file, 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../schemas/channel-test.schema.json');
});

describe('the runner', () => {
  let dir: string;
  const write = async (name: string, text: string) => {
    const file = path.join(dir, name);
    await writeFile(file, text);
    return file;
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'orderwire-channel-tests-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('explains what differs when a case fails', async () => {
    const file = await write('differs.test.yaml', `channel: ${path.join(CHANNELS_DIR, 'worten.yaml')}
cases:
  - name: expects the wrong verdict
    marketplace_status: SHIPPED
    action: { name: refund, data: { reason: "99" } }
    expect: { allowed: true, status: refunded, warnings: [ACTION_FIELD_IGNORED], request: { data: { reason: { code: "99" } } } }
`);
    const summary = await runTestFiles([await loadTestFile(file)]);
    const [result] = summary.files[0]!.results;
    expect(result!.passed).toBe(false);
    expect(result!.differences).toEqual([
      'expected the action to be allowed, it was denied',
      'expected status refunded, got shipped',
      'expected errors [], got [ACTION_FIELD_VALUE_NOT_ALLOWED]',
      expect.stringMatching(/^ {2}error ACTION_FIELD_VALUE_NOT_ALLOWED data.reason: "99" is not a valid/),
      'expected warnings [ACTION_FIELD_IGNORED], got []',
      'request: expected an object like {"data":{"reason":{"code":"99"}}}, got null',
    ]);
    expect(textReport(summary, dir)).toContain('✗ expects the wrong verdict (differs.test.yaml:3:5)');
  });

  it('compares error codes as a multiset, in any order', async () => {
    const worten = await loadChannel('worten');
    const [testCase] = (await loadTestFile(path.join(CHANNELS_DIR, 'worten.test.yaml'))).cases.filter((c) => c.name === 'every problem of a refund is reported at once');
    const reordered = { ...testCase!, expect: { ...testCase!.expect, errors: [...testCase!.expect.errors!].reverse() } };
    expect((await runCase(worten, reordered)).passed).toBe(true);
    const doubled = { ...testCase!, expect: { ...testCase!.expect, errors: [...testCase!.expect.errors!, 'ACTION_LINE_UNKNOWN'] } };
    expect((await runCase(worten, doubled)).passed).toBe(false);
  });

  it('locates schema problems at file:line:column and still runs the valid cases', async () => {
    const file = await write('located.test.yaml', `channel: ${path.join(CHANNELS_DIR, 'cdiscount.yaml')}
cases:
  - name: fine
    status: waiting_acceptance
    action: { name: accept }
    expect: { allowed: true }
  - name: two orders
    status: shipped
    marketplace_status: Shipped
    action: { name: refund }
    expect: { allowed: false, errors: [ACTION_FIELD_REQUIRED] }
  - name: bad code
    status: shipped
    action: { name: refund }
    expect: { allowed: false, errors: [NOT_A_CODE] }
`);
    const loaded = await loadTestFile(file);
    expect(loaded.problems.map((p) => [p.code, p.location.line, p.location.column, p.message])).toEqual([
      ['CHANNEL_TEST_INVALID', 7, 5, '/cases/1: give the order with exactly one of marketplace_status, status, order or order_file'],
      ['CHANNEL_TEST_INVALID', 15, 40, expect.stringContaining('/cases/2/expect/errors/0: must be one of')],
    ]);
    expect(loaded.cases.map((c) => c.name)).toEqual(['fine']);
    const summary = await runTestFiles([loaded]);
    expect(summary).toMatchObject({ passed: 1, failed: 0, invalid: 1 });
  });

  it('reports cases whose order cannot be built, where they are', async () => {
    const file = await write('orders.test.yaml', `channel: ${path.join(CHANNELS_DIR, 'cdiscount.yaml')}
cases:
  - name: status not used by the channel
    status: closed
    action: { name: accept }
    expect: { allowed: true }
  - name: missing order file
    order_file: nowhere.json
    action: { name: accept }
    expect: { allowed: true }
  - name: patch breaks the order
    marketplace_status: Shipped
    order_patch: { delivered_by_marketplace: "yes" }
    action: { name: refund }
    expect: { allowed: false, errors: [ACTION_FIELD_REQUIRED] }
  - name: patch breaks the order
    marketplace_status: Shipped
    action: { name: refund }
    expect: { allowed: false, errors: [ACTION_FIELD_REQUIRED] }
`);
    const loaded = await loadTestFile(file);
    expect(loaded.problems.map((p) => `${p.location.line}:${p.location.column} ${p.message}`)).toEqual([
      expect.stringMatching(/^4:13 case "status not used by the channel": status closed is not mapped by cdiscount \(its statuses: new, waiting_acceptance/),
      expect.stringMatching(/^8:17 case "missing order file": cannot read order file nowhere.json/),
      '13:18 case "patch breaks the order": not a valid order: /delivered_by_marketplace: must be boolean',
      '16:11 case name "patch breaks the order" is used twice',
    ]);
  });

  it('reports a channel that does not load and a YAML syntax error', async () => {
    const noChannel = await loadTestFile(await write('nochannel.test.yaml', 'cases:\n  - { name: a, status: new, action: { name: accept }, expect: { allowed: true } }\n'));
    expect(noChannel.problems).toEqual([expect.objectContaining({ code: 'CHANNEL_NOT_FOUND', message: expect.stringContaining('nochannel.yaml') })]);
    const broken = await loadTestFile(await write('broken.test.yaml', 'cases:\n  - name: a\n   status: new\n'));
    expect(broken.problems[0]).toMatchObject({ code: 'CHANNEL_TEST_INVALID', location: { line: 3 } });
    expect(broken.problems[0]!.message).toMatch(/^YAML: /);
  });

  it('lists the (status, action) pairs no case exercises', async () => {
    const file = await write('partial.test.yaml', `channel: ${path.join(CHANNELS_DIR, 'cdiscount.yaml')}
cases:
  - name: only one
    marketplace_status: Shipped
    action: { name: refund, data: { refund_reason: ClientClaim } }
    expect: { allowed: true }
`);
    const summary = await runTestFiles([await loadTestFile(file)]);
    expect(summary.coverage[0]).toMatchObject({ channel: 'cdiscount', total: 35, covered: 1 });
    expect(summary.coverage[0]!.missing).toContainEqual({ status: 'shipped', action: 'ship' });
    expect(summary.coverage[0]!.missing).not.toContainEqual({ status: 'shipped', action: 'refund' });
    const text = textReport(summary, dir);
    expect(text).toContain('coverage cdiscount: 1/35 (status, action) pairs exercised (3%)');
    expect(text).toContain('not exercised at shipped: accept, refuse, ship, cancel');
  });

  it('writes JUnit XML with failures, load errors and escaped text', async () => {
    const failing = await write('junit.test.yaml', `channel: ${path.join(CHANNELS_DIR, 'worten.yaml')}
cases:
  - name: passes
    marketplace_status: SHIPPED
    action: { name: refund, data: { reason: "15" } }
    expect: { allowed: true }
  - name: fails <&> "quoted"
    marketplace_status: SHIPPED
    action: { name: refund }
    expect: { allowed: true }
`);
    const invalid = await write('junit-invalid.test.yaml', 'cases: []\n');
    const summary: RunSummary = await runTestFiles([await loadTestFile(failing), await loadTestFile(invalid)]);
    const xml = junitReport(summary, dir);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="orderwire channel tests" tests="3" failures="1" errors="1">')).toBe(true);
    expect(xml).toContain('<testcase classname="worten" name="passes" file="junit.test.yaml" line="3"/>');
    expect(xml).toContain('name="fails &lt;&amp;&gt; &quot;quoted&quot;"');
    expect(xml).toContain('<failure type="CHANNEL_TEST_FAILED" message="expected the action to be allowed, it was denied">');
    expect(xml).toContain('<error type="CHANNEL_TEST_INVALID"');
    expect(xml.match(/<testsuite /g)).toHaveLength(2);
    expect(xml.match(/<\/testsuite>/g)).toHaveLength(2);
    expect(xml.trimEnd().endsWith('</testsuites>')).toBe(true);
  });
});
