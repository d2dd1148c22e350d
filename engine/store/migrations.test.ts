import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadMigrations, pendingMigrations } from './migrations.ts';

describe('migrations', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
  const folder = (files: Record<string, string>): URL => {
    const dir = mkdtempSync(join(tmpdir(), 'orderwire-migrations-'));
    dirs.push(dir);
    for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
    return pathToFileURL(`${dir}/`);
  };

  it('ship the same numbered names for SQLite and PostgreSQL, from 001 without gaps', () => {
    const sqlite = loadMigrations('sqlite');
    const postgres = loadMigrations('postgres');
    expect(sqlite.length).toBeGreaterThan(0);
    expect(sqlite.map((m) => m.name)).toEqual(postgres.map((m) => m.name));
    expect(sqlite[0]?.name).toBe('001_initial');
    for (const table of ['orders', 'order_events', 'cursors', 'actions', 'sync_runs', 'leases']) {
      expect(sqlite[0]?.sql).toContain(`CREATE TABLE ${table} (`);
      expect(postgres[0]?.sql).toContain(`CREATE TABLE ${table} (`);
    }
  });

  it('refuse badly named files, gaps and repeats', () => {
    expect(loadMigrations('sqlite', folder({ '001_a.sql': '', '002_b.sql': '', 'README.md': '' })).map((m) => m.version)).toEqual([1, 2]);
    expect(() => loadMigrations('sqlite', folder({ '1_a.sql': '' }))).toThrow(expect.objectContaining({ code: 'STORE_MIGRATION_FAILED' }));
    expect(() => loadMigrations('sqlite', folder({ '001_a.sql': '', '003_c.sql': '' }))).toThrow(/without gaps or repeats/);
    expect(() => loadMigrations('sqlite', folder({ '001_a.sql': '', '001_b.sql': '' }))).toThrow(/without gaps or repeats/);
  });

  it('apply only what is missing, and refuse a store migrated by a newer or different orderwire', () => {
    const all = [{ version: 1, name: '001_a', sql: '' }, { version: 2, name: '002_b', sql: '' }];
    expect(pendingMigrations(all, new Map()).map((m) => m.name)).toEqual(['001_a', '002_b']);
    expect(pendingMigrations(all, new Map([[1, '001_a']])).map((m) => m.name)).toEqual(['002_b']);
    expect(() => pendingMigrations(all, new Map([[3, '003_c']]))).toThrow(expect.objectContaining({ code: 'STORE_SCHEMA_NEWER' }));
    expect(() => pendingMigrations(all, new Map([[1, '001_other']]))).toThrow(expect.objectContaining({ code: 'STORE_MIGRATION_FAILED' }));
  });
});
