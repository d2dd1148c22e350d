/**
 * `orderwire simulate` as a child process: it prints a base URL and credentials that work, and
 * stops cleanly on SIGTERM/SIGINT. Usage mistakes exit 2 with a clear message.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../engine/cli/orderwire.ts';
import { OctopiaClient } from '@orderwire/simulators';

const CLI = path.resolve(import.meta.dirname, '../engine/cli/orderwire.ts');
const children: ChildProcessWithoutNullStreams[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function start(args: string[]): { child: ChildProcessWithoutNullStreams; firstLines: (n: number) => Promise<string[]>; exit: Promise<number | null>; stderr: () => string } {
  const child = spawn(process.execPath, [CLI, 'simulate', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const lines: string[] = [];
  const waiters: (() => void)[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    for (const w of waiters.splice(0)) w();
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const firstLines = async (n: number): Promise<string[]> => {
    while (lines.length < n) {
      if (child.exitCode !== null) throw new Error(`simulate exited with ${child.exitCode}: ${err}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        child.once('exit', () => resolve());
      });
    }
    return lines.slice(0, n);
  };
  return { child, firstLines, exit, stderr: () => err };
}

async function runInProcess(argv: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  let stderr = '';
  let stdout = '';
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  try {
    const code = await main(argv);
    return { code, stderr, stdout };
  } finally {
    e.mockRestore();
    o.mockRestore();
  }
}

describe('orderwire simulate octopia', () => {
  it('prints its base URL and the given credentials as JSON; they work; SIGTERM closes it', async () => {
    const sim = start(['octopia', '--port', '0', '--orders', '40', '--seed', '3', '--speed', '0', '--client-id', 'demo-client', '--client-secret', 'demo-secret', '--seller-id', '4242', '--json']);
    const [line] = await sim.firstLines(1);
    const info = JSON.parse(line as string) as Record<string, string>;
    expect(info).toMatchObject({ kind: 'octopia', client_id: 'demo-client', client_secret: 'demo-secret', seller_id: '4242' });
    expect(info.base_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.token_url).toBe(`${info.base_url}/auth/realms/maas/protocol/openid-connect/token`);
    const client = new OctopiaClient({ baseUrl: info.base_url as string, credentials: { clientId: 'demo-client', clientSecret: 'demo-secret', sellerId: '4242' } });
    expect(await client.listAll()).toHaveLength(40);
    sim.child.kill('SIGTERM');
    expect(await sim.exit).toBe(0);
    expect(sim.stderr()).toContain('SIGTERM');
    await expect(fetch(`${info.base_url}/_admin/health`)).rejects.toThrow();
  });

  it('generates credentials when none are given, prints them for people, and stops on SIGINT', async () => {
    const sim = start(['octopia', '--orders', '5']);
    const lines = await sim.firstLines(8);
    expect(lines.at(-1)).toMatch(/Stop with Ctrl-C/);
    const text = lines.join('\n');
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1];
    expect(url).toBeDefined();
    const field = (name: string) => new RegExp(`${name}\\s+(\\S+)`).exec(text)?.[1] as string;
    const client = new OctopiaClient({ baseUrl: url as string, credentials: { clientId: field('client_id'), clientSecret: field('client_secret'), sellerId: field('seller_id') } });
    expect((await client.get('/carriers')).status).toBe(200);
    sim.child.kill('SIGINT');
    expect(await sim.exit).toBe(0);
  });
});

describe('orderwire simulate usage', () => {
  it.each([
    [['simulate', 'amazon'], /unknown marketplace "amazon"/],
    [['simulate', 'octopia', '--api-key', 'k'], /--api-key only applies to mirakl/],
    [['simulate', 'mirakl', '--client-id', 'c'], /--client-id only apply to octopia/],
    [['simulate', 'octopia', '--orders', '2000000'], /--orders must be an integer from 0 to 1000000/],
    [['simulate', 'octopia', '--orders', '-1'], /--orders/],
    [['simulate', 'octopia', '--speed', 'fast'], /--speed must be a number/],
    [['simulate', 'octopia', '--port', '70000'], /--port/],
    [['simulate', 'octopia', '--start', '2024-05-01 08:00'], /--start/],
    [['simulate', 'octopia', '--faults', 'explode=1'], /SIM_BAD_FAULTS.*unknown item "explode"/],
    [['simulate', 'octopia', '--host', '0.0.0.0'], /SIM_BAD_OPTIONS.*loopback/],
    [['simulate', 'octopia', '--client-secret', ''], /--client-secret must not be empty/],
    [['simulate'], /missing required argument/],
  ])('%j exits 2 with a clear message', async (argv, message) => {
    const { code, stderr } = await runInProcess(argv as string[]);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('documents every option in --help', async () => {
    const { code, stdout } = await runInProcess(['simulate', '--help']);
    expect(code).toBe(0);
    for (const option of ['--port', '--orders', '--seed', '--speed', '--faults', '--new-orders-per-hour', '--api-key', '--client-id', '--client-secret', '--seller-id', '--token-quota', '--json']) {
      expect(stdout).toContain(option);
    }
  });
});
