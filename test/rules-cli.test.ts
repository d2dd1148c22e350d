/**
 * `orderwire check` and `orderwire test`: verdicts, JSON output, exit codes (0 allowed/passed,
 * 1 denied/failed, 2 usage or channel error). Most cases run the CLI in-process; one runs it as a
 * child process, as users do.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliInProcess } from './helpers/cli-process.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const FIXTURES = path.join(ROOT, 'test/fixtures/orders');

const cli = runCliInProcess;

const spawnCli = (args: string[]) => runCli(args, { cwd: ROOT });

describe('orderwire check', () => {
  it('allows an action and prints the request (--json)', async () => {
    const { code, stdout } = await cli('check', 'worten', '--status', 'waiting_shipment', '--action', 'ship', '--data', '{"tracking_number":"1Z9","carrier":"ups","tracking_url":"https://x.example/1Z9"}', '--json');
    expect(code).toBe(0);
    const verdict = JSON.parse(stdout) as Record<string, unknown>;
    expect(Object.keys(verdict)).toEqual(['allowed', 'status', 'errors', 'warnings', 'request']);
    expect(verdict).toMatchObject({
      allowed: true,
      status: 'waiting_shipment',
      errors: [],
      warnings: [{ code: 'ACTION_FIELD_IGNORED', field: 'data.tracking_url' }],
      request: { channel: 'worten', action: 'ship', status: 'waiting_shipment', lines: null, data: { tracking_number: '1Z9', carrier: { code: 'UPS', registered: true } } },
    });
  });

  it('denies with exit 1 and says what is wrong, where it is allowed and what to do instead', async () => {
    const { code, stdout } = await cli('check', 'cdiscount', '--marketplace-status', 'WaitingAcceptance', '--action', 'refund', '--data', '{"reason":"VendorRejection"}');
    expect(code).toBe(1);
    expect(stdout).toContain('DENIED: refund on cdiscount order CHECK-1 at waiting_acceptance (marketplace status "WaitingAcceptance")');
    expect(stdout).toContain('error[ACTION_NOT_ALLOWED_IN_STATUS] action: refund is not allowed at waiting_acceptance on Cdiscount');
    expect(stdout).toContain('refund is allowed at: accepted, waiting_shipment, shipped');
  });

  it('reports every problem and the did-you-mean', async () => {
    const { code, stdout } = await cli('check', 'cdiscount', '--status', 'waiting_shipment', '--action', 'refund', '--data', '{"reason":"VendorRejection"}', '--lines', '1', '--json');
    expect(code).toBe(1);
    const verdict = JSON.parse(stdout) as { errors: Array<{ code: string; message: string }>; request: unknown };
    expect(verdict.errors.map((e) => e.code)).toEqual(['ACTION_FIELD_UNKNOWN', 'ACTION_FIELD_REQUIRED', 'ACTION_LINES_NOT_ACCEPTED']);
    expect(verdict.errors[0]!.message).toContain('did you mean refund_reason?');
    expect(verdict.request).toBeNull();
  });

  it('suggests refuse for cancel before acceptance', async () => {
    const { code, stdout } = await cli('check', 'cdiscount', '--status', 'waiting_acceptance', '--action', 'cancel');
    expect(code).toBe(1);
    expect(stdout).toContain('hint: use refuse');
  });

  it('checks a full order from a file, on some of its lines', async () => {
    const { code, stdout } = await cli('check', 'worten', '--order', path.join(FIXTURES, 'worten-two-lines-waiting-acceptance.json'), '--action', 'accept', '--lines', 'WRT-000123-A-1', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ request: { lines: ['WRT-000123-A-1'], refused_lines: ['WRT-000123-A-2'] }, warnings: [{ code: 'ACTION_RULE_WARNING' }] });
  });

  it('takes a channel file path', async () => {
    const { code } = await cli('check', path.join(ROOT, 'channels/worten.yaml'), '--marketplace-status', 'SHIPPED', '--action', 'refund', '--data', '{"reason":"15"}');
    expect(code).toBe(0);
  });

  it.each<[string, string[], RegExp]>([
    ['an unknown channel', ['check', 'amazon', '--status', 'new', '--action', 'accept'], /error\[CHANNEL_NOT_FOUND\]/],
    ['bad JSON in --data', ['check', 'worten', '--status', 'shipped', '--action', 'refund', '--data', '{reason:15}'], /error\[USAGE\]: --data is not valid JSON/],
    ['--data that is not an object', ['check', 'worten', '--status', 'shipped', '--action', 'refund', '--data', '[1]'], /--data must be a JSON object/],
    ['an unknown normalized status', ['check', 'cdiscount', '--status', 'closed', '--action', 'accept'], /unknown status "closed" for cdiscount; its statuses: new, waiting_acceptance/],
    ['a marketplace status in the wrong letter case', ['check', 'worten', '--marketplace-status', 'Shipping', '--action', 'ship'], /"SHIPPING" differs only in letter case/],
    ['no order', ['check', 'worten', '--action', 'accept'], /exactly one of --marketplace-status, --status or --order/],
    ['two orders', ['check', 'worten', '--status', 'shipped', '--marketplace-status', 'SHIPPED', '--action', 'refund'], /exactly one of/],
    ['no action', ['check', 'worten', '--status', 'shipped'], /--action/],
    ['empty line ids', ['check', 'worten', '--status', 'shipped', '--action', 'refund', '--lines', '1,,2'], /--lines takes line ids/],
    ['an order file that is not an order', ['check', 'worten', '--order', path.join(ROOT, 'package.json'), '--action', 'accept'], /is not a normalized order[\s\S]*unknown key `name` at the top level of the order/],
  ])('exits 2 on %s', async (_what, args, message) => {
    const { code, stderr } = await cli(...args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('documents every option in --help', async () => {
    const { code, stdout } = await cli('check', '--help');
    expect(code).toBe(0);
    for (const option of ['--marketplace-status', '--status', '--order', '--action', '--data', '--lines', '--json']) expect(stdout).toContain(option);
  });

  it('runs as a child process, as `npx orderwire check` does', async () => {
    const { code, stdout } = await spawnCli(['check', 'worten', '--status', 'waiting_acceptance', '--action', 'cancel', '--json']);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ allowed: false, errors: [{ code: 'ACTION_NOT_ALLOWED_IN_STATUS', field: 'action' }] });
  });
});

describe('orderwire test', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'orderwire-test-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs the shipped channel tests by default: all pass, full coverage', async () => {
    const { code, stdout } = await cli('test');
    expect(code).toBe(0);
    expect(stdout).toContain('coverage cdiscount: 35/35 (status, action) pairs exercised (100%)');
    expect(stdout).toContain('coverage worten: 50/50 (status, action) pairs exercised (100%)');
    expect(stdout).toMatch(/\n\d+ passed, 0 failed\n$/);
  });

  it('exits 1 when a case fails, and writes JUnit XML on request', async () => {
    const file = path.join(dir, 'worten.test.yaml');
    await writeFile(file, `channel: ${path.join(ROOT, 'channels/worten.yaml')}\ncases:\n  - name: wrong\n    status: shipped\n    action: { name: refund }\n    expect: { allowed: true }\n`);
    const text = await cli('test', file);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('✗ wrong');
    expect(text.stdout).toContain('expected errors [], got [ACTION_FIELD_REQUIRED]');
    const junit = await cli('test', dir, '--format', 'junit');
    expect(junit.code).toBe(1);
    expect(junit.stdout).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="orderwire channel tests" tests="1" failures="1" errors="0">/);
  });

  it('fails below --min-coverage', async () => {
    const file = path.join(dir, 'one.test.yaml');
    await writeFile(file, `channel: ${path.join(ROOT, 'channels/worten.yaml')}\ncases:\n  - name: ok\n    status: shipped\n    action: { name: refund, data: { reason: "15" } }\n    expect: { allowed: true }\n`);
    expect((await cli('test', file)).code).toBe(0);
    const low = await cli('test', file, '--min-coverage', '50');
    expect(low.code).toBe(1);
    expect(low.stdout).toContain('coverage of worten is below --min-coverage 50%');
  });

  it.each<[string, string[]]>([
    ['a missing path', ['test', '/no/such/dir']],
    ['an unknown format', ['test', '--format', 'tap']],
    ['a bad coverage threshold', ['test', '--min-coverage', 'most']],
  ])('exits 2 on %s', async (_what, args) => {
    expect((await cli(...args)).code).toBe(2);
  });
});
