-- 009 import quarantine, PostgreSQL flavour (keep in step with sqlite/009_quarantine.sql).
-- quarantine: marketplace records a sync could not store (mapping, validation or insert failed),
-- kept with their raw payload and the reason so they never block the others, are listed to the
-- operator and retried on every later window. record_key is the marketplace order id when the
-- record has one, else a hash of the payload: one row per record, refreshed when seen again.
-- raw is text: the payload exactly as received, even what jsonb would refuse (a \u0000).
-- sync_runs gains `quarantined` (records of the run left in quarantine) and the state
-- `abandoned` (a run whose process died; closed by the next run of the account).
CREATE TABLE quarantine (
  id                   TEXT        PRIMARY KEY,
  account              TEXT        NOT NULL CHECK (account <> ''),
  channel              TEXT        NOT NULL CHECK (channel <> ''),
  record_key           TEXT        NOT NULL CHECK (record_key <> ''),
  marketplace_order_id TEXT,
  code                 TEXT        NOT NULL,
  reason               TEXT        NOT NULL,
  raw                  TEXT        NOT NULL,
  attempts             INTEGER     NOT NULL CHECK (attempts >= 1),
  first_seen_at        TIMESTAMPTZ NOT NULL,
  last_seen_at         TIMESTAMPTZ NOT NULL,
  last_run             TEXT,
  UNIQUE (account, channel, record_key)
);
CREATE INDEX quarantine_account ON quarantine (account, first_seen_at, id);
CREATE INDEX quarantine_order ON quarantine (account, channel, marketplace_order_id);

ALTER TABLE sync_runs DROP CONSTRAINT sync_runs_state_check;
ALTER TABLE sync_runs ADD CONSTRAINT sync_runs_state_check CHECK (state IN ('running', 'succeeded', 'failed', 'abandoned'));
ALTER TABLE sync_runs ADD COLUMN quarantined INTEGER NOT NULL DEFAULT 0;
CREATE INDEX sync_runs_running ON sync_runs (account) WHERE state = 'running';
