/**
 * `orderwire simulate` as a child process: it prints a base URL and credentials that work, and
 * stops cleanly on SIGTERM/SIGINT. Usage mistakes exit 2 with a clear message.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { OctopiaClient } from '@orderwire/simulators';
import { runCliInProcess, spawnCli, type Spawned } from './helpers/cli-process.ts';

const children: Spawned[] = [];

afterEach(() => {
  for (const { child } of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function start(args: string[]): Spawned {
  const sim = spawnCli(['simulate', ...args]);
  children.push(sim);
  return sim;
}

const runInProcess = (argv: string[]) => runCliInProcess(...argv);

describe('orderwire simulate octopia', () => {
  it('prints its base URL and the given credentials as JSON; they work; SIGTERM closes it', async () => {
    const sim = start(['octopia', '--port', '0', '--orders', '40', '--seed', '3', '--speed', '0', '--client-id', 'demo-client', '--client-secret', 'demo-secret', '--seller-id', '4242', '--json']);
    const [line] = await sim.lines(1);
    const info = JSON.parse(line as string) as Record<string, string>;
    expect(info).toMatchObject({ kind: 'octopia', client_id: 'demo-client', client_secret: 'demo-secret', seller_id: '4242' });
    expect(info.base_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.token_url).toBe(`${info.base_url}/auth/realms/maas/protocol/openid-connect/token`);
    const client = new OctopiaClient({ baseUrl: info.base_url as string, credentials: { clientId: 'demo-client', clientSecret: 'demo-secret', sellerId: '4242' } });
    expect(await client.listAll()).toHaveLength(40);
    sim.child.kill('SIGTERM');
    expect((await sim.exited).code).toBe(0);
    expect(sim.stderr()).toContain('SIGTERM');
    await expect(fetch(`${info.base_url}/_admin/health`)).rejects.toThrow();
  });

  it('generates credentials when none are given, prints them for people, and stops on SIGINT', async () => {
    const sim = start(['octopia', '--orders', '5']);
    const lines = await sim.lines(8);
    expect(lines.at(-1)).toMatch(/Stop with Ctrl-C/);
    const text = lines.join('\n');
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1];
    expect(url).toBeDefined();
    const field = (name: string) => new RegExp(`${name}\\s+(\\S+)`).exec(text)?.[1] as string;
    const client = new OctopiaClient({ baseUrl: url as string, credentials: { clientId: field('client_id'), clientSecret: field('client_secret'), sellerId: field('seller_id') } });
    expect((await client.get('/carriers')).status).toBe(200);
    sim.child.kill('SIGINT');
    expect((await sim.exited).code).toBe(0);
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
