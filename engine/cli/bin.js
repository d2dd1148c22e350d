#!/usr/bin/env -S node --disable-warning=ExperimentalWarning --max-semi-space-size=8 --heap-growing-percent=100 --no-allocation-site-pretenuring
/**
 * The `orderwire` command's entry (package.json `bin`). Plain JavaScript on purpose: it turns on
 * Node's module compile cache before any TypeScript file is loaded, then loads the command line
 * (engine/cli/orderwire.ts). With the cache warm, Node takes each module's stripped and compiled
 * code from disk and never loads its type stripper (a WebAssembly module that grows with every
 * file stripped): a daemon starts about 20 MB smaller (bench/README.md, issue 18, wave 8). A
 * TypeScript entry would load the stripper for itself before the cache could be turned on.
 *
 * Where the cache lives: `NODE_COMPILE_CACHE` when set (Node turns the cache on from it before
 * this file runs; `NODE_DISABLE_COMPILE_CACHE=1` turns it off), otherwise the user's own cache
 * folder, `$XDG_CACHE_HOME/orderwire/compile-cache` or `~/.cache/orderwire/compile-cache`: not a
 * shared temporary folder, where another user could have written the code this process would
 * run. Node keeps one subfolder per Node version and checks each entry against its file's
 * content, so an upgrade of Node or of orderwire only makes its first start a cold one. The cache
 * is an optimization only: when the folder cannot be created or written, the command runs without
 * it, silently (Node's `enableCompileCache` never throws; anything else is caught here).
 *
 * The Node flags above are the daemon's: `--max-semi-space-size=8` caps V8's young generation at
 * 8 MiB per semi-space. Left to itself, V8 grows it to 64 MiB per semi-space while a sync keeps a
 * commit batch alive across scavenges: about 110 MB more resident memory for no measurable CPU.
 * `--heap-growing-percent=100` lets the old generation grow to twice what the last full GC left
 * alive before the next one (V8 otherwise allows up to four times): every commit batch is promoted
 * and then dies, so the old generation was mostly garbage at a first sync's peak (about 90 MB
 * of the peak RSS). `--no-allocation-site-pretenuring`: V8 otherwise sends objects straight to
 * the old generation from any allocation site whose first samples all survived a scavenge. Which
 * sites that is depends on where the first scavenges of a sync happen to fall; in about half of
 * the first syncs, every page's records and normalized orders were then promoted too (10.6 KB an
 * order instead of 6) and the sync took 15-20 µs more CPU an order. All
 * three are measured in bench/README.md (issue 18). The benchmarks start their
 * engine workers with these same flags (bench/lib/child.ts `daemonNodeFlags`). Node refuses
 * `--heap-growing-percent` in NODE_OPTIONS: started by hand, `node` needs the flags themselves.
 */
import module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { setTimeout } from 'node:timers';

/** Written once a long-running command has loaded what it runs with; a short command writes it at exit. */
const FLUSH_AFTER_MS = 30_000;

function userCacheFolder() {
  const xdg = process.env.XDG_CACHE_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache'), 'orderwire', 'compile-cache');
}

try {
  if (typeof module.enableCompileCache === 'function') {
    const { status } = module.enableCompileCache(process.env.NODE_COMPILE_CACHE ? undefined : userCacheFolder());
    const { ENABLED, ALREADY_ENABLED } = module.constants.compileCacheStatus;
    if (status === ENABLED || status === ALREADY_ENABLED) {
      // Node writes the cache when the process exits; a daemon that is killed never would.
      setTimeout(() => module.flushCompileCache?.(), FLUSH_AFTER_MS).unref();
    }
  }
} catch {
  // No home folder (os.homedir throws) or an older Node: run without the cache.
}

// Node older than 22.18 cannot load TypeScript: say so, instead of its "unknown file extension".
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(`orderwire: error[NODE_TOO_OLD]: orderwire needs Node.js 22.18 or later (TypeScript type stripping); this is ${process.versions.node} (${process.execPath})\n`);
  process.exit(2);
}

const { main } = await import('./orderwire.ts');
const code = await main(process.argv.slice(2));
// Long-running commands (run, simulate, demo) keep the event loop alive and set no exit code.
if (code !== 0 || process.exitCode !== undefined) process.exitCode = code;
