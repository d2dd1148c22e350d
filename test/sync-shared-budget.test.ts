/**
 * Mirakl's OR11 ceiling held across processes on one SQLite file: a one-off `orderwire sync`
 * right after another process listed the account waits for the budget the store shares, instead
 * of calling OR11 again within the period (the marketplace would answer 429).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMiraklSimulator, type RunningMiraklSimulator } from '@orderwire/simulators';
import { loadConfigFile } from '../engine/config/load.ts';
import { loadPlatform } from '../engine/connector/declarative.ts';
import { withAccountBudgets } from '../engine/daemon/runtime.ts';
import { runCli } from './helpers/cli-process.ts';
import { adminCalls } from './helpers/sim-admin.ts';

// The marketplace allows one OR11 listing per 20 s; the account's budget is a little stricter, so
// request latency can never make two listings look closer together to the marketplace.
const SIM_WINDOW_MS = 20_000;
let sim: RunningMiraklSimulator;
let dir: string;
let config: string;
beforeAll(async () => {
  sim = await startMiraklSimulator({ orders: 30, seed: 5, speed: 1, callLimits: { OR11: { limit: 1, windowMs: SIM_WINDOW_MS } } });
  dir = await mkdtemp(path.join(tmpdir(), 'orderwire-shared-budget-'));
  config = path.join(dir, 'orderwire.yaml');
  await writeFile(config, `store: orders.sqlite
accounts:
  - id: w
    channel: worten
    base_url: ${sim.baseUrl}
    credentials:
      api_key: { env: BUDGET_TEST_KEY }
    options:
      budgets: { OR11: { limit: 1, per: PT22S } }
`);
});
afterAll(async () => {
  await sim?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the OR11 budget on SQLite', () => {
  it('is shared by two processes on one store file: the second listing waits, the marketplace never answers 429', async () => {
    const env = { BUDGET_TEST_KEY: sim.credentials.apiKey ?? '' };
    const first = await runCli(['sync', 'w', '--config', config], { env });
    expect(first.code, first.stderr).toBe(0);
    const second = await runCli(['sync', 'w', '--config', config], { env });
    expect(second.code, second.stderr).toBe(0);

    const listings = (await adminCalls(sim.baseUrl)).filter((c) => c.path === '/api/orders' && Number(c.query.offset ?? 0) === 0);
    expect(listings.map((c) => c.status)).toEqual([200, 200]);
  }, 120_000);
});

describe('an account\'s own budgets (options.budgets)', () => {
  it('replace the platform\'s ceiling for an endpoint it budgets, keep how it counts, and refuse one it does not', async () => {
    const platform = await loadPlatform('mirakl');
    const tuned = withAccountBudgets(platform, { id: 'w', budgets: { OR11: { limit: 3, perMs: 60_000 } } });
    expect(tuned.budgets.OR11).toEqual({ ...platform.budgets.OR11, limit: 3, perMs: 60_000 });
    expect(tuned.budgets.OR07).toEqual(platform.budgets.OR07);
    expect(withAccountBudgets(platform, { id: 'w' })).toBe(platform);
    expect(() => withAccountBudgets(platform, { id: 'w', budgets: { OR99: { limit: 1, perMs: 1_000 } } })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringMatching(/accounts\[w\]\.options\.budgets\.OR99: the mirakl platform budgets no endpoint "OR99" \(it budgets OR11, OR07, SH21/) }),
    );
    expect(() => withAccountBudgets(platform, { id: 'w', budgets: { OR11: { limit: 1, perMs: 0 } } })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });

  it('are read from the configuration file, durations in ms', async () => {
    const cfg = await loadConfigFile(config);
    expect(cfg.accounts[0]?.budgets).toEqual({ OR11: { limit: 1, perMs: 22_000 } });
  });
});
