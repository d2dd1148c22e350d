-- 009 import quarantine, SQLite flavour (keep in step with postgres/009_quarantine.sql).
-- quarantine: marketplace records a sync could not store (mapping, validation or insert failed),
-- kept with their raw payload and the reason so they never block the others, are listed to the
-- operator and retried on every later window. record_key is the marketplace order id when the
-- record has one, else a hash of the payload: one row per record, refreshed when seen again.
-- sync_runs gains `quarantined` (records of the run left in quarantine) and the state
-- `abandoned` (a run whose process died; closed by the next run of the account). SQLite cannot
-- change a CHECK constraint in place: sync_runs is rebuilt (no foreign key refers to it).
CREATE TABLE quarantine (
  id                   TEXT    PRIMARY KEY,
  account              TEXT    NOT NULL CHECK (account <> ''),
  channel              TEXT    NOT NULL CHECK (channel <> ''),
  record_key           TEXT    NOT NULL CHECK (record_key <> ''),
  marketplace_order_id TEXT,
  code                 TEXT    NOT NULL,
  reason               TEXT    NOT NULL,
  raw                  TEXT    NOT NULL,
  attempts             INTEGER NOT NULL CHECK (attempts >= 1),
  first_seen_at        TEXT    NOT NULL,
  last_seen_at         TEXT    NOT NULL,
  last_run             TEXT,
  UNIQUE (account, channel, record_key)
) STRICT;
CREATE INDEX quarantine_account ON quarantine (account, first_seen_at, id);
CREATE INDEX quarantine_order ON quarantine (account, channel, marketplace_order_id);

CREATE TABLE sync_runs_new (
  id            TEXT    PRIMARY KEY,
  account       TEXT    NOT NULL,
  channel       TEXT    NOT NULL,
  kind          TEXT    NOT NULL CHECK (kind IN ('incremental', 'catch_up', 'backfill', 'manual')),
  window_from   TEXT    NOT NULL,
  window_to     TEXT    NOT NULL,
  started_at    TEXT    NOT NULL,
  finished_at   TEXT,
  state         TEXT    NOT NULL CHECK (state IN ('running', 'succeeded', 'failed', 'abandoned')),
  pages         INTEGER NOT NULL DEFAULT 0,
  orders        INTEGER NOT NULL DEFAULT 0,
  requests      INTEGER NOT NULL DEFAULT 0,
  errors        INTEGER NOT NULL DEFAULT 0,
  quarantined   INTEGER NOT NULL DEFAULT 0,
  error_message TEXT
) STRICT;
INSERT INTO sync_runs_new (id, account, channel, kind, window_from, window_to, started_at, finished_at, state, pages, orders, requests, errors, error_message)
  SELECT id, account, channel, kind, window_from, window_to, started_at, finished_at, state, pages, orders, requests, errors, error_message FROM sync_runs;
DROP TABLE sync_runs;
ALTER TABLE sync_runs_new RENAME TO sync_runs;
CREATE INDEX sync_runs_account ON sync_runs (account, started_at);
CREATE INDEX sync_runs_started ON sync_runs (started_at);
CREATE INDEX sync_runs_succeeded ON sync_runs (account, channel, finished_at) WHERE state = 'succeeded';
CREATE INDEX sync_runs_running ON sync_runs (account) WHERE state = 'running';
