-- 001 initial schema, SQLite flavour (keep in step with postgres/001_initial.sql).
-- Timestamps are canonical UTC ISO text (YYYY-MM-DDTHH:MM:SS.sssZ), which sorts like the instants;
-- JSON is text; booleans are 0/1. schema_migrations is created by the migration runner.

-- One row per marketplace order. document: the normalized order without raw; raw: as received.
-- change_seq: seq of the order's last event, the position of the order in the listing feed.
CREATE TABLE orders (
  id                       TEXT    PRIMARY KEY,
  account                  TEXT    NOT NULL CHECK (account <> ''),
  channel                  TEXT    NOT NULL CHECK (channel <> ''),
  marketplace_order_id     TEXT    NOT NULL CHECK (marketplace_order_id <> ''),
  status                   TEXT    NOT NULL CHECK (status IN ('new', 'waiting_acceptance', 'accepted', 'waiting_shipment', 'shipped', 'closed', 'refused', 'canceled', 'refunding', 'refunded', 'unknown')),
  marketplace_status       TEXT    NOT NULL,
  status_unknown           INTEGER NOT NULL CHECK (status_unknown IN (0, 1)),
  delivered_by_marketplace INTEGER NOT NULL CHECK (delivered_by_marketplace IN (0, 1)),
  created_at               TEXT    NOT NULL,
  updated_at               TEXT    NOT NULL,
  version                  INTEGER NOT NULL CHECK (version >= 1),
  first_seen_at            TEXT    NOT NULL,
  last_changed_at          TEXT    NOT NULL,
  change_seq               INTEGER NOT NULL,
  content_hash             TEXT    NOT NULL,
  line_statuses            TEXT    NOT NULL,
  document                 TEXT    NOT NULL,
  raw                      TEXT    NOT NULL,
  UNIQUE (account, channel, marketplace_order_id)
) STRICT;
CREATE UNIQUE INDEX orders_feed ON orders (change_seq);
CREATE INDEX orders_account_feed ON orders (account, change_seq);
CREATE INDEX orders_status_feed ON orders (status, change_seq);
CREATE INDEX orders_account_updated ON orders (account, updated_at, id);

-- The change feed. seq never goes back and is never reused (AUTOINCREMENT).
CREATE TABLE order_events (
  seq                     INTEGER PRIMARY KEY AUTOINCREMENT,
  order_id                TEXT    NOT NULL REFERENCES orders (id) DEFERRABLE INITIALLY DEFERRED,
  account                 TEXT    NOT NULL,
  channel                 TEXT    NOT NULL,
  marketplace_order_id    TEXT    NOT NULL,
  type                    TEXT    NOT NULL CHECK (type IN ('order.created', 'order.status_changed', 'line.status_changed', 'order.updated')),
  line_id                 TEXT,
  from_status             TEXT,
  to_status               TEXT,
  from_marketplace_status TEXT,
  to_marketplace_status   TEXT,
  at                      TEXT    NOT NULL
) STRICT;
CREATE INDEX order_events_order ON order_events (order_id, seq);
CREATE INDEX order_events_account ON order_events (account, seq);

-- Upper bound of the last committed retrieval window, per account, channel and window kind.
CREATE TABLE cursors (
  account    TEXT NOT NULL,
  channel    TEXT NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('incremental', 'catch_up')),
  position   TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (account, channel, kind)
) STRICT;

-- Seller actions to deliver. seq orders the listing; at most one pending (queued or sending)
-- action of a kind per order.
CREATE TABLE actions (
  seq                  INTEGER PRIMARY KEY AUTOINCREMENT,
  id                   TEXT    NOT NULL UNIQUE,
  idempotency_key      TEXT    NOT NULL UNIQUE CHECK (idempotency_key <> ''),
  account              TEXT    NOT NULL,
  channel              TEXT    NOT NULL,
  marketplace_order_id TEXT    NOT NULL,
  action               TEXT    NOT NULL CHECK (action IN ('accept', 'refuse', 'ship', 'refund', 'cancel')),
  state                TEXT    NOT NULL CHECK (state IN ('queued', 'sending', 'succeeded', 'failed', 'needs_attention', 'canceled')),
  attempts             INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at      TEXT    NOT NULL,
  lease_owner          TEXT,
  lease_until          TEXT,
  request              TEXT    NOT NULL,
  result               TEXT,
  error                TEXT,
  created_at           TEXT    NOT NULL,
  updated_at           TEXT    NOT NULL
) STRICT;
CREATE INDEX actions_due ON actions (state, next_attempt_at);
CREATE UNIQUE INDEX actions_one_pending ON actions (account, channel, marketplace_order_id, action) WHERE state IN ('queued', 'sending');
CREATE INDEX actions_order ON actions (account, marketplace_order_id, seq);

CREATE TABLE sync_runs (
  id            TEXT    PRIMARY KEY,
  account       TEXT    NOT NULL,
  channel       TEXT    NOT NULL,
  kind          TEXT    NOT NULL CHECK (kind IN ('incremental', 'catch_up', 'backfill', 'manual')),
  window_from   TEXT    NOT NULL,
  window_to     TEXT    NOT NULL,
  started_at    TEXT    NOT NULL,
  finished_at   TEXT,
  state         TEXT    NOT NULL CHECK (state IN ('running', 'succeeded', 'failed')),
  pages         INTEGER NOT NULL DEFAULT 0,
  orders        INTEGER NOT NULL DEFAULT 0,
  requests      INTEGER NOT NULL DEFAULT 0,
  errors        INTEGER NOT NULL DEFAULT 0,
  error_message TEXT
) STRICT;
CREATE INDEX sync_runs_account ON sync_runs (account, started_at);
CREATE INDEX sync_runs_started ON sync_runs (started_at);
CREATE INDEX sync_runs_succeeded ON sync_runs (account, channel, finished_at) WHERE state = 'succeeded';

-- Named leases shared by daemons (one poller per account window).
CREATE TABLE leases (
  name        TEXT PRIMARY KEY,
  owner       TEXT NOT NULL,
  expires_at  TEXT NOT NULL,
  acquired_at TEXT NOT NULL
) STRICT;
