/**
 * Pending document downloads in the store (migration 017), on SQLite and PostgreSQL: a failure
 * recorded with its attempt count and the next attempt on a doubling, capped backoff; the last
 * attempt gives up (never claimed again); a claim takes due entries of the accounts asked for
 * once (their next attempt moved a lease ahead), so two daemons never retry one download at once;
 * a success clears the entry.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../engine/store/postgres/index.ts';
import { openSqliteStore } from '../engine/store/sqlite/index.ts';
import type { DocumentDownloadFailure, Store } from '../engine/store/store.ts';
import { dropSchemas, SKIP_PG, testSchemaName, TEST_PG_URL } from './helpers/postgres.ts';

const opened: Store[] = [];
const dirs: string[] = [];
const schemas: string[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});
afterAll(async () => {
  if (TEST_PG_URL !== undefined && schemas.length > 0) await dropSchemas(TEST_PG_URL, schemas);
});

async function open(kind: 'sqlite' | 'postgres'): Promise<Store> {
  let store: Store;
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'ow-downloads-'));
    dirs.push(dir);
    store = await openSqliteStore(join(dir, 'store.sqlite'));
  } else {
    const schema = testSchemaName('downloads');
    schemas.push(schema);
    store = await openPostgresStore(TEST_PG_URL!, { schema, max: 2 });
  }
  opened.push(store);
  await store.migrate();
  return store;
}

const T0 = new Date('2026-03-01T10:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const policy = { maxAttempts: 4, baseDelayMs: 60_000, maxDelayMs: 150_000 };
const failure = (id: string, account = 'pt', when = T0): DocumentDownloadFailure => ({
  id, order_id: `o-${id}`, account, channel: 'printemps', marketplace_order_id: `M-${id}`, document_id: `d-${id}`, error: 'MARKETPLACE_UNAVAILABLE: HTTP 503', at: when,
});

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && SKIP_PG)(`pending document downloads (${kind})`, () => {
    it('backs off doubling up to the cap, gives up at the last attempt, and a given-up entry is never claimed', async () => {
      const store = await open(kind);
      const first = await store.failDocumentDownload(failure('a'), policy);
      expect(first).toEqual({ id: 'a', order_id: 'o-a', account: 'pt', channel: 'printemps', marketplace_order_id: 'M-a', document_id: 'd-a', attempts: 1, next_attempt_at: at(60_000).toISOString(), last_error: 'MARKETPLACE_UNAVAILABLE: HTTP 503' });
      expect((await store.failDocumentDownload(failure('a', 'pt', at(60_000)), policy)).next_attempt_at).toBe(at(180_000).toISOString());
      // 240 s, capped at 150 s.
      expect((await store.failDocumentDownload(failure('a', 'pt', at(180_000)), policy)).next_attempt_at).toBe(at(330_000).toISOString());
      const last = await store.failDocumentDownload(failure('a', 'pt', at(330_000)), policy);
      expect(last).toMatchObject({ attempts: 4, gave_up_at: at(330_000).toISOString() });
      expect(await store.claimDocumentDownloads(['pt'], at(10_000_000), 60_000, 10)).toEqual([]);
      // Failing again later (a sync listed the order) keeps it given up, at its first give-up.
      expect(await store.failDocumentDownload(failure('a', 'pt', at(400_000)), policy)).toMatchObject({ attempts: 5, gave_up_at: at(330_000).toISOString() });
    });

    it('claims due entries of the accounts asked for, once per lease; a success clears the entry', async () => {
      const store = await open(kind);
      await store.failDocumentDownload(failure('a'), policy);
      await store.failDocumentDownload(failure('b'), policy);
      await store.failDocumentDownload(failure('c', 'other'), policy);
      expect(await store.claimDocumentDownloads(['pt'], at(59_000), 300_000, 10)).toEqual([]);
      const claimed = await store.claimDocumentDownloads(['pt'], at(60_000), 300_000, 10);
      expect(claimed.map((d) => [d.id, d.next_attempt_at])).toEqual([['a', at(360_000).toISOString()], ['b', at(360_000).toISOString()]]);
      // Another daemon, meanwhile: nothing (the lease), then after the lease, again.
      expect(await store.claimDocumentDownloads(['pt'], at(61_000), 300_000, 10)).toEqual([]);
      await store.clearDocumentDownload('a');
      await store.clearDocumentDownload('a');
      expect((await store.claimDocumentDownloads(['pt', 'other'], at(360_000), 300_000, 1)).map((d) => d.id)).toHaveLength(1);
      expect((await store.claimDocumentDownloads(['pt', 'other'], at(360_000), 300_000, 10)).map((d) => d.id)).toHaveLength(1);
      expect(await store.claimDocumentDownloads([], at(99_999_999), 300_000, 10)).toEqual([]);
    });

    it('refuses a policy without bounds', async () => {
      const store = await open(kind);
      await expect(store.failDocumentDownload(failure('a'), { maxAttempts: 0, baseDelayMs: 1, maxDelayMs: 1 })).rejects.toMatchObject({ code: 'STORE_ARGUMENT_INVALID' });
    });
  });
}
