/**
 * Opens the store a spec names: a file path or `sqlite:PATH` -> SQLite; a postgres:// or
 * postgresql:// URL -> PostgreSQL. Callers may read the spec from an environment variable so the
 * password stays out of files; messages only ever show the spec redacted.
 */
import { OrderwireError } from '../errors.ts';
import type { PostgresStoreOptions } from './postgres/index.ts';
import { redactStoreUrl } from './redact.ts';
import type { Store } from './store.ts';

export const DEFAULT_STORE = '.orderwire/orderwire.sqlite';

export type StoreLocation = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

export function parseStoreSpec(spec: string): StoreLocation {
  const text = typeof spec === 'string' ? spec.trim() : '';
  if (text === '') throw invalid(String(spec), 'is empty');
  if (/^postgres(ql)?:\/\//i.test(text)) {
    try {
      new URL(text);
    } catch {
      throw invalid(text, 'is not a valid URL');
    }
    return { kind: 'postgres', url: text };
  }
  if (/^sqlite:/i.test(text)) {
    const file = text.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (file === '') throw invalid(text, 'names no file');
    return { kind: 'sqlite', file };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) throw invalid(text, 'uses an unsupported scheme (use a file path, sqlite:PATH or postgres://...)');
  return { kind: 'sqlite', file: text };
}

export async function openStore(spec: string, options: { postgres?: PostgresStoreOptions } = {}): Promise<Store> {
  const location = parseStoreSpec(spec);
  // Loaded on demand: a command that never opens a store does not pay for pg or node:sqlite.
  if (location.kind === 'postgres') return (await import('./postgres/index.ts')).openPostgresStore(location.url, options.postgres);
  return (await import('./sqlite/index.ts')).openSqliteStore(location.file);
}

/** The spec as it may be shown: the path, or the URL with its password redacted. */
export function describeStoreSpec(spec: string): string {
  return redactStoreUrl(spec);
}

function invalid(spec: string, problem: string): OrderwireError {
  return new OrderwireError('STORE_SPEC_INVALID', `store ${redactStoreUrl(spec)} ${problem}`, { store: redactStoreUrl(spec) });
}
