/**
 * `npm start` runs `orderwire demo`: both simulators, a Worten and a Cdiscount account, the
 * daemon on SQLite. This checks that a newcomer's first command syncs both accounts, writes a
 * configuration with no secret in it, and stops cleanly on Ctrl-C.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../engine/store/open.ts';
import { spawnCli, waitFor } from './helpers/cli-process.ts';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('orderwire demo (npm start)', () => {
  it('syncs a Worten and a Cdiscount account from the simulators and stops on SIGINT', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'orderwire-demo-'));
    const demo = spawnCli(['demo', '--dir', dir, '--orders', '80'], { cwd: dir });
    await waitFor(() => demo.stdout().includes('✓ worten-demo') && demo.stdout().includes('✓ cdiscount-demo'), 40_000, 'both first syncs');
    expect(demo.stdout()).toMatch(/Mirakl simulator \(Worten\)\s+http:\/\/127\.0\.0\.1:\d+/);
    // The console's URL comes first, and it serves the console page.
    const consoleUrl = /^Operator console\s+(http:\/\/127\.0\.0\.1:\d+\/)\s/.exec(demo.stdout())?.[1];
    expect(consoleUrl).toBeDefined();
    const page = await fetch(consoleUrl!);
    expect(page.headers.get('content-security-policy')).toContain("connect-src 'self'");
    expect(await page.text()).toContain('<script type="module" src="/console/app.js">');
    demo.child.kill('SIGINT');
    const { code } = await demo.exited;
    expect(code, demo.stderr()).toBe(0);

    const config = await readFile(path.join(dir, 'orderwire.yaml'), 'utf8');
    expect(config).toContain('{ env: ORDERWIRE_DEMO_WORTEN_API_KEY }');
    expect(config).not.toMatch(/api_key: [^{]/);
    const store = await openStore(path.join(dir, 'orderwire.sqlite'));
    expect(await store.countOrders({ account: 'worten-demo' })).toBeGreaterThan(0);
    expect(await store.countOrders({ account: 'cdiscount-demo' })).toBeGreaterThan(0);
    await store.close();
  });
});
