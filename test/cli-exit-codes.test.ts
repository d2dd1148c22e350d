/**
 * Exit codes as an operator meets them: whatever the operator got wrong (a folder given as
 * --config, credentials the marketplace refuses, a port in use, a bad date, text with a NUL) exits
 * 2 with a coded message that says where; 3 is kept for bugs.
 */
import { createServer, type Server } from 'node:net';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type StartedSimulator } from '@orderwire/simulators';
import { EXIT, exitCodeOf } from '../engine/cli/exit-codes.ts';
import { runCli, runCliInProcess } from './helpers/cli-process.ts';

let sim: StartedSimulator;
let dir: string;
let config: string;

beforeAll(async () => {
  sim = await startSimulator('mirakl', { orders: 5, historyDays: 1, seed: 5, speed: 0 });
  dir = await mkdtemp(path.join(tmpdir(), 'orderwire-exit-'));
  config = path.join(dir, 'orderwire.yaml');
  await writeFile(config, `store: orders.sqlite\naccounts:\n  - id: w\n    channel: worten\n    base_url: ${sim.baseUrl}\n    credentials:\n      api_key: { env: EXIT_TEST_KEY }\n`);
});
afterAll(async () => {
  await sim?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('operator errors exit 2 with a located message', () => {
  it('a folder given as --config names the folder and what to pass instead', async () => {
    const folder = path.join(dir, 'conf.d');
    await mkdir(folder, { recursive: true });
    const res = await runCliInProcess('orders', '--config', folder);
    expect(res.code, res.stderr).toBe(EXIT.USAGE);
    expect(res.stderr).toContain('error[FILE_UNREADABLE]');
    expect(res.stderr).toContain(`${folder} is a folder, not a configuration file`);
  });

  it('credentials the marketplace refuses: the account and the variable to check', async () => {
    const res = await runCli(['sync', 'w', '--config', config], { env: { EXIT_TEST_KEY: 'wrong-key-0123456789' } });
    expect(res.code, res.stderr).toBe(EXIT.USAGE);
    expect(res.stderr).toContain('error[MARKETPLACE_AUTH_FAILED]');
    expect(res.stderr).toContain('account w');
    expect(res.stderr).toContain('EXIT_TEST_KEY');
    expect(res.stderr).not.toContain('wrong-key-0123456789');
  });

  it('a port in use (simulate) names the address', async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      const res = await runCli(['simulate', 'mirakl', '--port', String(port), '--orders', '1']);
      expect(res.code, res.stderr).toBe(EXIT.USAGE);
      expect(res.stderr).toContain('EADDRINUSE');
      expect(res.stderr).toContain(String(port));
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });

  it('a date that is not one, and text with a NUL or a lone surrogate, in arguments or --data', async () => {
    const since = await runCliInProcess('orders', '--config', config, '--since', 'yesterday-ish');
    expect(since.code, since.stderr).toBe(EXIT.USAGE);
    expect(since.stderr).toContain('--since: not an ISO-8601 time: yesterday-ish');

    const nul = await runCliInProcess('orders', '--config', config, '--account', 'w\u0000x');
    expect(nul.code).toBe(EXIT.USAGE);
    expect(nul.stderr).toContain('error[INPUT_TEXT_INVALID]');
    expect(nul.stderr).toContain('contains a NUL character');

    const data = await runCliInProcess('action', 'w', 'ORDER-1', 'ship', '--config', config, '--data', '{"carrier":"UPS","tracking_number":"X\\u0000"}');
    expect(data.code).toBe(EXIT.USAGE);
    expect(data.stderr).toContain('--data: /tracking_number contains a NUL character');
    const surrogate = await runCliInProcess('check', 'worten', '--status', 'waiting_shipment', '--action', 'ship', '--data', '{"carrier":"\\ud800"}');
    expect(surrogate.code).toBe(EXIT.USAGE);
    expect(surrogate.stderr).toContain('--data: /carrier contains a lone UTF-16 surrogate');
  });

  it('keeps 3 for bugs only', () => {
    expect(exitCodeOf('INTERNAL')).toBe(EXIT.INTERNAL);
    for (const code of ['FILE_UNREADABLE', 'MARKETPLACE_AUTH_FAILED', 'MARKETPLACE_UNREACHABLE', 'STORE_UNAVAILABLE', 'STORE_MIGRATION_FAILED', 'CONFIG_INVALID']) {
      expect(exitCodeOf(code), code).toBe(EXIT.USAGE);
    }
  });
});
