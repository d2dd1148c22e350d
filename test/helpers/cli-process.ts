/**
 * The one way tests run the orderwire CLI: in-process (`runCliInProcess`, fast, for exit codes and
 * output) or as a child process on the test's own Node (24, type stripping), as users run it:
 * `runCli` waits for it to finish, `spawnCli` keeps it running (daemons, simulators) and reads its
 * output as it comes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const CLI = path.resolve(import.meta.dirname, '../../engine/cli/orderwire.ts');

export interface CliOptions {
  /** Merged over the test's environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Written to the command's standard input, which is then closed (default: no input). */
  input?: string;
}

export interface CliResult {
  /** The exit code; null when a signal ended the process. */
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Spawned {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** The first `n` lines of standard output, once written; rejects if the process exits first. */
  lines(n: number): Promise<string[]>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function environment(env: CliOptions['env'] = {}): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...process.env };
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete out[name];
    else out[name] = value;
  }
  return out;
}

export function spawnCli(args: string[], options: CliOptions = {}): Spawned {
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', CLI, ...args], {
    env: environment(options.env),
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    ...(options.cwd && { cwd: options.cwd }),
  });
  if (options.input !== undefined) child.stdin?.end(options.input);
  let out = '';
  let err = '';
  const changed = new Set<() => void>();
  const notify = (): void => {
    for (const f of [...changed]) f();
  };
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
    notify();
  });
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  let ended = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => {
      ended = true;
      notify();
      resolve({ code, signal });
    }),
  );
  const lines = (n: number): Promise<string[]> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const complete = out.split('\n').slice(0, -1);
        if (complete.length >= n) {
          changed.delete(check);
          resolve(complete.slice(0, n));
        } else if (ended) {
          changed.delete(check);
          reject(new Error(`orderwire ${args.join(' ')} exited with ${String(child.exitCode)} after ${complete.length} lines: ${err}`));
        }
      };
      changed.add(check);
      check();
    });
  return { child, stdout: () => out, stderr: () => err, lines, exited };
}

/** Runs the CLI as a child process to its end. */
export async function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const p = spawnCli(args, options);
  const { code } = await p.exited;
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}

/** Polls `check` every 20 ms until it returns true or `ms` elapse. */
export async function waitFor(check: () => Promise<boolean> | boolean, ms = 20_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Runs the CLI in-process (fast), capturing what it writes and its exit code. */
export async function runCliInProcess(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { vi } = await import('vitest');
  const { main } = await import('../../engine/cli/orderwire.ts');
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    process.exitCode = undefined;
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
  }
}
