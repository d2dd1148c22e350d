/** Reference lists fetched per account (carriers, reasons) on PostgreSQL. */
import { prepareReferenceList, prepareReferenceListFailure, referenceListFromRow } from '../shared/reference-list-rules.ts';
import { alreadyParsed } from '../shared/rows.ts';
import type { NewReferenceList, ReferenceListFailure, StoredReferenceList } from '../store.ts';
import type { PgDb } from './db.ts';

// A list fetched earlier never replaces one fetched later (two daemons refreshing at once).
const SAVE = `INSERT INTO reference_lists (account, channel, list, source, entries, fetched_at, attempted_at, error, failures)
  VALUES ($1, $2, $3, $4, $5::jsonb, $6, $6, NULL, 0)
  ON CONFLICT (account, channel, list) DO UPDATE SET source = excluded.source, entries = excluded.entries, fetched_at = excluded.fetched_at,
    attempted_at = greatest(reference_lists.attempted_at, excluded.attempted_at), error = NULL, failures = 0
  WHERE reference_lists.fetched_at IS NULL OR reference_lists.fetched_at <= excluded.fetched_at`;

const FAIL = `INSERT INTO reference_lists (account, channel, list, source, entries, fetched_at, attempted_at, error, failures)
  VALUES ($1, $2, $3, $4, NULL, NULL, $5, $6, 1)
  ON CONFLICT (account, channel, list) DO UPDATE SET attempted_at = greatest(reference_lists.attempted_at, excluded.attempted_at), error = excluded.error,
    failures = reference_lists.failures + 1`;

const ONE = 'SELECT * FROM reference_lists WHERE account = $1 AND channel = $2 AND list = $3';

export async function saveReferenceList(db: PgDb, list: NewReferenceList): Promise<StoredReferenceList> {
  const p = prepareReferenceList(list);
  await db.query(SAVE, [p.account, p.channel, p.list, p.source, p.values, p.fetched_at]);
  const { rows } = await db.query(ONE, [p.account, p.channel, p.list]);
  return referenceListFromRow(rows[0]!, alreadyParsed);
}

export async function recordReferenceListFailure(db: PgDb, failure: ReferenceListFailure): Promise<StoredReferenceList> {
  const p = prepareReferenceListFailure(failure);
  await db.query(FAIL, [p.account, p.channel, p.list, p.source, p.attempted_at, p.error]);
  const { rows } = await db.query(ONE, [p.account, p.channel, p.list]);
  return referenceListFromRow(rows[0]!, alreadyParsed);
}

export async function listReferenceLists(db: PgDb, filter: { account?: string; channel?: string } = {}): Promise<StoredReferenceList[]> {
  const { rows } = await db.query(
    'SELECT * FROM reference_lists WHERE ($1::text IS NULL OR account = $1) AND ($2::text IS NULL OR channel = $2) ORDER BY account, channel, list',
    [filter.account ?? null, filter.channel ?? null],
  );
  return rows.map((row) => referenceListFromRow(row, alreadyParsed));
}
