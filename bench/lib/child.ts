/**
 * Child processes of the benchmarks. Each measured side (engine, floor) runs in a fresh Node
 * process so its peak RSS and CPU are its own; the simulator runs in another one.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

export const BENCH_DIR = path.resolve(import.meta.dirname, '..');

/** node:sqlite's "experimental" warning on every worker's stderr says nothing about a figure. */
const NODE_FLAGS = ['--disable-warning=ExperimentalWarning'];

/**
 * The Node flags the daemon runs with: those of the `orderwire` command's shebang
 * (engine/cli/bin.js), so an engine worker measures the engine as it runs in production.
 */
export function daemonNodeFlags(): string[] {
  const first = readFileSync(path.resolve(BENCH_DIR, '../engine/cli/bin.js'), 'utf8').split('\n', 1)[0]!;
  const match = /^#!\/usr\/bin\/env -S node((?: --[^\s]+)*)\s*$/.exec(first);
  if (!match) throw new Error(`engine/cli/bin.js: unexpected shebang ${JSON.stringify(first)}`);
  return match[1]!.trim().split(/\s+/).filter((flag) => flag !== '' && !NODE_FLAGS.includes(flag));
}

/**
 * The environment an engine worker starts with, beside daemonNodeFlags(): the module compile cache
 * on, as the `orderwire` command turns it on before loading any TypeScript (engine/cli/bin.js),
 * in the benchmarks' own folder (gitignored). Warm from the first engine run on, as a daemon's
 * cache is from its second start on; a worker started with it never loads Node's type stripper.
 */
export const BENCH_COMPILE_CACHE = path.join(BENCH_DIR, 'results', '.compile-cache');
export function daemonEnv(): Record<string, string> {
  return { NODE_COMPILE_CACHE: BENCH_COMPILE_CACHE };
}

/** Extra Node flags for measured workers (e.g. --cpu-prof); the simulator never gets them. */
let workerNodeArgs: string[] = [];
export function setWorkerNodeArgs(args: string[]): void {
  workerNodeArgs = args;
}

/** A bench script by its path relative to bench/ (e.g. "workers/engine-sync.ts"). */
export function benchScript(relative: string): string {
  return path.join(BENCH_DIR, relative);
}

/**
 * Runs a script to its end and returns the JSON object it printed as its last stdout line.
 * Secrets go through `env` only, never through arguments.
 */
export async function runJsonScript<T>(script: string, args: string[], env: Record<string, string> = {}, nodeFlags: readonly string[] = []): Promise<T> {
  const child = spawn(process.execPath, [...NODE_FLAGS, ...nodeFlags, ...workerNodeArgs, script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  const last = stdout.trim().split('\n').at(-1) ?? '';
  if (code !== 0) throw new Error(`${path.basename(script)} exited with ${code}: ${stderr.trim().slice(-2000)}`);
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`${path.basename(script)} printed no JSON result (last line: ${last.slice(0, 200)})`);
  }
}

/** A long-lived child that talks in JSON lines: one request line in, one answer line out. */
export class LineChild {
  readonly #child: ChildProcessByStdio<Writable, Readable, null>;
  readonly #lines: Interface;
  readonly #waiting: Array<(line: string) => void> = [];
  #exited: Promise<number | null>;

  /**
   * `measured`: the child is a measured worker, so it gets the extra Node flags (--cpu-prof) too;
   * `nodeFlags`: its own Node flags (daemonNodeFlags() for a worker that runs engine code);
   * `env`: added to this process's environment (daemonEnv() for such a worker).
   */
  constructor(script: string, args: string[], options: { measured?: boolean; nodeFlags?: readonly string[]; env?: Record<string, string> } = {}) {
    this.#child = spawn(process.execPath, [...NODE_FLAGS, ...(options.nodeFlags ?? []), ...(options.measured ? workerNodeArgs : []), script, ...args], {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, ...options.env },
    });
    this.#lines = createInterface({ input: this.#child.stdout });
    this.#lines.on('line', (line) => this.#waiting.shift()?.(line));
    this.#exited = new Promise((resolve) => this.#child.once('exit', resolve));
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** The next line the child prints, or an error if it exits first. */
  async nextLine(): Promise<string> {
    const line = new Promise<string>((resolve) => this.#waiting.push(resolve));
    const exited = this.#exited.then((code) => {
      throw new Error(`${path.basename(String(this.#child.spawnargs[1]))} exited with ${code} before answering`);
    });
    return Promise.race([line, exited]);
  }

  async request(line: string): Promise<string> {
    const answer = this.nextLine();
    this.#child.stdin.write(`${line}\n`);
    return answer;
  }

  /** Closes stdin (the child's signal to stop) and waits for it to exit. */
  async close(): Promise<void> {
    this.#child.stdin.end();
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 10_000);
    await this.#exited;
    clearTimeout(timer);
  }
}
