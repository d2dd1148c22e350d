/**
 * The CLI loads only the command it runs (engine/cli/commands/index.ts): `orderwire validate` in an
 * integrator's CI must not pay for the daemon's HTTP server, HTTP client, stores or simulators.
 */
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { commands } from '../engine/cli/commands/index.ts';
import { CLI } from './helpers/cli-process.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const COMMANDS_DIR = path.join(ROOT, 'engine/cli/commands');

/** Runs the CLI in a fresh Node and reports which packages its module graph reached. */
async function modulesLoadedBy(args: string[]): Promise<{ code: number; urls: string[] }> {
  const script = `
    import { registerHooks } from 'node:module';
    const seen = new Set();
    registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); seen.add(r.url); return r; } });
    const { main } = await import(${JSON.stringify(pathToFileURL(CLI).href)});
    const code = await main(${JSON.stringify(args)});
    process.stdout.write('\\n@@' + JSON.stringify({ code, urls: [...seen] }));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--disable-warning=ExperimentalWarning', '--input-type=module', '-e', script], { cwd: ROOT });
  return JSON.parse(stdout.slice(stdout.lastIndexOf('@@') + 2)) as { code: number; urls: string[] };
}

const reached = (urls: string[], part: string): boolean => urls.some((u) => u.includes(part));

describe('CLI commands load lazily', () => {
  it('lists every command file once, under the name it registers', async () => {
    const files = (await readdir(COMMANDS_DIR)).filter((f) => f.endsWith('.ts') && f !== 'index.ts' && !f.endsWith('.test.ts'));
    const names: string[] = [];
    for (const entry of commands) {
      const program = new Command();
      (await entry.load()).register(program);
      expect(program.commands.map((c) => c.name()), `${entry.name} registers one command of its name`).toEqual([entry.name]);
      names.push(entry.name);
    }
    expect(new Set(names).size).toBe(names.length);
    expect(files.length, `command files: ${files.join(', ')}`).toBe(commands.length);
  });

  it('validate reaches neither the HTTP server, the HTTP client, the stores nor the simulators', async () => {
    const r = await modulesLoadedBy(['validate', path.join(ROOT, 'channels', 'worten.yaml')]);
    expect(r.code).toBe(0);
    for (const part of ['/node_modules/fastify/', '/node_modules/got/', '/node_modules/pg/', '/node_modules/better-sqlite3/', '/simulators/']) {
      expect(reached(r.urls, part), part).toBe(false);
    }
    expect(reached(r.urls, '/node_modules/ajv/')).toBe(true); // it did validate
  });

  it('help without a command still lists every command', async () => {
    const r = await modulesLoadedBy(['--help']);
    expect(r.code).toBe(0);
    for (const { name } of commands) expect(reached(r.urls, `/engine/cli/commands/${name}.ts`), name).toBe(true);
  });
});
