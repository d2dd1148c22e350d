/**
 * Which files `orderwire validate` checks: named files as given; folders walked for *.yaml and
 * *.yml, skipping channel tests (*.test.yaml) and platform folders (platforms/), which have other
 * schemas, unless the folder itself is named.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { OrderwireError } from '../errors.ts';

const SKIPPED_DIRS = new Set(['platforms', 'node_modules', 'docs']);

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIPPED_DIRS.has(e.name) && !e.name.startsWith('.')) await walk(full, out);
    } else if (e.isFile() && /\.ya?ml$/.test(e.name) && !/\.test\.ya?ml$/.test(e.name)) {
      out.push(full);
    }
  }
}

/** Files to validate for the given paths ('-' stays '-', meaning standard input). */
export async function discoverChannelFiles(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    if (p === '-') {
      out.push(p);
      continue;
    }
    let info;
    try {
      info = await stat(p);
    } catch {
      throw new OrderwireError('FILE_NOT_FOUND', `no such file or folder: ${p}`, { path: p });
    }
    if (info.isDirectory()) {
      const found: string[] = [];
      await walk(p, found);
      if (found.length === 0) throw new OrderwireError('FILE_NOT_FOUND', `no channel file (*.yaml, *.yml) in ${p}`, { path: p });
      out.push(...found);
    } else {
      out.push(p);
    }
  }
  return [...new Set(out)];
}
