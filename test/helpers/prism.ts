/**
 * Stoplight Prism (`@stoplight/prism-cli`, a devDependency, run offline from node_modules) serving
 * a marketplace's published OpenAPI document on loopback, with request validation on: every
 * request orderwire sends is checked against the marketplace's own contract. `mock` answers from
 * the document's examples; `proxy` forwards valid requests to an upstream (a stateful fake of the
 * marketplace) and, with `--errors`, refuses invalid requests and invalid answers alike.
 *
 * Start-up is made robust for a loaded machine: Prism picks a free port itself (port 0) and says
 * which on its output; the helper waits up to `startTimeoutMs` for that line and starts it again
 * (up to `attempts` times) when it exits or stays silent. Its output is drained continuously (a
 * full pipe would stall it) and the last lines are kept for the error message.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const PRISM_CLI = path.join(path.dirname(require.resolve('@stoplight/prism-cli/package.json')), 'dist/index.js');

export interface PrismOptions {
  /** `mock`: answers from the document's examples; `proxy`: forwards to `upstream`. */
  mode: 'mock' | 'proxy';
  document: string;
  upstream?: string;
  /** Answers generated from the document's schemas (json-schema-faker) instead of its examples. */
  dynamic?: boolean;
  /** With `dynamic`: the same answer for the same request on every run (Prism's `--seed`). */
  seed?: string;
  startTimeoutMs?: number;
  attempts?: number;
}

export interface Prism {
  url: string;
  /** Prism's output so far (its request log and validation messages), last lines first trimmed. */
  output(): string;
  close(): Promise<void>;
}

const LISTENING = /Prism is listening on (http:\/\/[\d.]+:\d+)/;

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function startOnce(options: PrismOptions, timeoutMs: number): Promise<Prism> {
  const args = [PRISM_CLI, options.mode, '-h', '127.0.0.1', '-p', '0', '--errors', options.document];
  if (options.mode === 'proxy') {
    if (!options.upstream) throw new Error('a Prism proxy needs an upstream');
    args.push(options.upstream);
  }
  if (options.dynamic) args.push('--dynamic');
  if (options.seed !== undefined) args.push('--seed', options.seed);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter((l) => l.trim() !== ''));
    if (lines.length > 400) lines.splice(0, lines.length - 400);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Prism did not say it was listening within ${timeoutMs} ms`)), timeoutMs);
      const look = () => {
        const found = lines.map((l) => LISTENING.exec(l)).find(Boolean);
        if (found) {
          clearTimeout(timer);
          resolve(found[1]!);
        }
      };
      child.stdout!.on('data', look);
      child.stderr!.on('data', look);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`Prism exited (${signal ?? code}) before listening`));
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    return { url, output: () => lines.join('\n'), close: () => stop(child) };
  } catch (err) {
    await stop(child);
    throw new Error(`${(err as Error).message}; its output:\n${lines.slice(-20).join('\n')}`, { cause: err });
  }
}

export async function startPrism(options: PrismOptions): Promise<Prism> {
  const attempts = options.attempts ?? 3;
  const errors: string[] = [];
  for (let i = 0; i < attempts; i++) {
    try {
      return await startOnce(options, options.startTimeoutMs ?? 90_000);
    } catch (err) {
      errors.push((err as Error).message);
    }
  }
  throw new Error(`Prism ${options.mode} of ${options.document} did not start (${attempts} attempts):\n${errors.join('\n')}`);
}
