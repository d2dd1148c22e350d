/**
 * The `orderwire` command's entry (engine/cli/bin.js) turns on Node's module compile cache before
 * any TypeScript is loaded: a warm start takes every module's stripped code from the cache and
 * never loads Node's type stripper (amaro), which is what makes a daemon start smaller. The cache
 * lives in the user's cache folder unless NODE_COMPILE_CACHE says where, and a folder that cannot
 * be used never fails the command.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '../engine/cli/bin.js');
/** Prints, at exit, the internal modules of Node's type stripper this process loaded. */
const REPORT_STRIPPER = `data:text/javascript,process.on('exit', () => process.stderr.write('stripper:' + process.moduleLoadList.filter((m) => m.includes('amaro')).length + '\\n'))`;

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'orderwire-compile-cache-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The command run as its package bin, with a clean compile-cache environment plus `env`. */
async function orderwire(args: string[], env: Record<string, string>, nodeFlags: string[] = []): Promise<{ stdout: string; stderr: string; stripperModules: number }> {
  const base = { ...process.env };
  delete base.NODE_COMPILE_CACHE;
  delete base.NODE_DISABLE_COMPILE_CACHE;
  const { stdout, stderr } = await run(process.execPath, [...nodeFlags, '--import', REPORT_STRIPPER, BIN, ...args], { env: { ...base, ...env } });
  const match = /stripper:(\d+)/.exec(stderr);
  if (!match) throw new Error(`no stripper report in ${stderr}`);
  return { stdout, stderr, stripperModules: Number(match[1]) };
}

/** Cache entries written under `dir` (one folder per Node version, files inside). */
function entries(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
}

describe('the orderwire entry and its compile cache', () => {
  it('writes the cache in the user cache folder on a cold start, and a warm start never loads the type stripper', async () => {
    const home = tempDir();
    const cold = await orderwire(['--version'], { XDG_CACHE_HOME: home });
    expect(cold.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(cold.stripperModules).toBeGreaterThan(0);
    const folder = path.join(home, 'orderwire', 'compile-cache');
    const versions = readdirSync(folder);
    // One folder per Node version: an upgraded Node starts cold beside the old entries, never reads them.
    expect(versions).toEqual([expect.stringContaining(process.version)]);
    expect(entries(folder).length).toBeGreaterThan(4);

    const warm = await orderwire(['--version'], { XDG_CACHE_HOME: home, NODE_DEBUG_NATIVE: 'COMPILE_CACHE' });
    expect(warm.stdout).toBe(cold.stdout);
    expect(warm.stripperModules).toBe(0);
    expect(warm.stderr).toMatch(/transpile cache for StrippedTypeScript file:\/\/\S+engine\/cli\/orderwire\.ts\.\.\.success/);
  });

  it('uses the folder NODE_COMPILE_CACHE names, and nothing when NODE_DISABLE_COMPILE_CACHE is set', async () => {
    const home = tempDir();
    const named = tempDir();
    await orderwire(['--version'], { XDG_CACHE_HOME: home, NODE_COMPILE_CACHE: named });
    expect(entries(named).length).toBeGreaterThan(4);
    expect(entries(home)).toEqual([]);

    const disabledHome = tempDir();
    const off = await orderwire(['--version'], { XDG_CACHE_HOME: disabledHome, NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(off.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(entries(disabledHome)).toEqual([]);
  });

  it('runs the command without a cache when its folder cannot be created', async () => {
    const dir = tempDir();
    // A file where the cache folder's parent should be: mkdir fails whoever runs the test (root too).
    const blocked = path.join(dir, 'not-a-folder');
    writeFileSync(blocked, 'x');
    const { stdout, stripperModules } = await orderwire(['describe', 'worten', '--json'], { XDG_CACHE_HOME: blocked });
    expect(JSON.parse(stdout)).toMatchObject({ id: 'worten' });
    expect(stripperModules).toBeGreaterThan(0);
    // A relative XDG_CACHE_HOME is ignored (the XDG rule), and the home folder is unusable too: still runs.
    const relative = await orderwire(['--version'], { XDG_CACHE_HOME: 'relative/cache', HOME: blocked });
    expect(relative.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(existsSync('relative')).toBe(false);
  });

  it('says which Node it needs when the Node running it cannot strip types', async () => {
    const pretend = `data:text/javascript,Object.defineProperty(process.versions, 'node', { value: '22.17.1' })`;
    const failed = await orderwire(['--version'], { XDG_CACHE_HOME: tempDir() }, ['--import', pretend]).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toContain('error[NODE_TOO_OLD]: orderwire needs Node.js 22.18 or later');
    expect(failed?.stderr).toContain('this is 22.17.1');
  });
});
