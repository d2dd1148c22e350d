/**
 * Which files `orderwire validate` checks: named files as given; folders walked for *.yaml and
 * *.yml of every kind (channels, channel tests, platforms/, configurations), skipping
 * node_modules, generated docs/ and hidden folders.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { OrderwireError } from '../errors.ts';

const SKIPPED_DIRS = new Set(['node_modules', 'docs']);

export const YAML_FILE = /\.ya?ml$/;

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIPPED_DIRS.has(e.name) && !e.name.startsWith('.')) await walk(full, out);
    } else if (e.isFile() && YAML_FILE.test(e.name)) {
      out.push(full);
    }
  }
}

/** Files to validate for the given paths ('-' stays '-', meaning standard input). */
export async function discoverDocuments(paths: readonly string[]): Promise<string[]> {
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
      if (found.length === 0) throw new OrderwireError('FILE_NOT_FOUND', `no orderwire file (*.yaml, *.yml) in ${p}`, { path: p });
      out.push(...found);
    } else {
      out.push(p);
    }
  }
  return [...new Set(out)];
}
