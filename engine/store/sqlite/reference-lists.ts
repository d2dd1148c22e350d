/** Reference lists fetched per account (carriers, reasons) on SQLite. */
import { prepareReferenceList, prepareReferenceListFailure, referenceListFromRow } from '../shared/reference-list-rules.ts';
import { parseJsonText } from '../shared/rows.ts';
import type { NewReferenceList, ReferenceListFailure, StoredReferenceList } from '../store.ts';
import type { SqliteDb } from './db.ts';

// A list fetched earlier never replaces one fetched later (two processes refreshing at once).
const SAVE = `INSERT INTO reference_lists (account, channel, list, source, entries, fetched_at, attempted_at, error, failures)
  VALUES (?, ?, ?, ?, ?, ?, ?, NULL, 0)
  ON CONFLICT (account, channel, list) DO UPDATE SET source = excluded.source, entries = excluded.entries, fetched_at = excluded.fetched_at,
    attempted_at = max(reference_lists.attempted_at, excluded.attempted_at), error = NULL, failures = 0
  WHERE reference_lists.fetched_at IS NULL OR reference_lists.fetched_at <= excluded.fetched_at`;

const FAIL = `INSERT INTO reference_lists (account, channel, list, source, entries, fetched_at, attempted_at, error, failures)
  VALUES (?, ?, ?, ?, NULL, NULL, ?, ?, 1)
  ON CONFLICT (account, channel, list) DO UPDATE SET attempted_at = max(reference_lists.attempted_at, excluded.attempted_at), error = excluded.error,
    failures = reference_lists.failures + 1`;

const ONE = 'SELECT * FROM reference_lists WHERE account = ? AND channel = ? AND list = ?';

export function saveReferenceList(db: SqliteDb, list: NewReferenceList): StoredReferenceList {
  const p = prepareReferenceList(list);
  return db.tx(() => {
    db.run(SAVE, p.account, p.channel, p.list, p.source, p.values, p.fetched_at, p.fetched_at);
    return referenceListFromRow(db.get(ONE, p.account, p.channel, p.list)!, parseJsonText);
  });
}

export function recordReferenceListFailure(db: SqliteDb, failure: ReferenceListFailure): StoredReferenceList {
  const p = prepareReferenceListFailure(failure);
  return db.tx(() => {
    db.run(FAIL, p.account, p.channel, p.list, p.source, p.attempted_at, p.error);
    return referenceListFromRow(db.get(ONE, p.account, p.channel, p.list)!, parseJsonText);
  });
}

export function listReferenceLists(db: SqliteDb, filter: { account?: string; channel?: string } = {}): StoredReferenceList[] {
  const rows = db.all(
    'SELECT * FROM reference_lists WHERE (? IS NULL OR account = ?) AND (? IS NULL OR channel = ?) ORDER BY account, channel, list',
    filter.account ?? null, filter.account ?? null, filter.channel ?? null, filter.channel ?? null,
  );
  return rows.map((row) => referenceListFromRow(row, parseJsonText));
}
