-- 001 initial schema, PostgreSQL flavour (keep in step with sqlite/001_initial.sql).
-- Same tables and columns; native types: timestamptz, jsonb (raw is json: kept as received,
-- key order included), boolean, bigint sequences. schema_migrations is created by the runner.

-- Event seqs; an order's change_seq is the seq of its last event. Writers take a transaction
-- advisory lock around allocation and commit, so seqs become visible in increasing order.
CREATE SEQUENCE order_change_seq;

-- One row per marketplace order. document: the normalized order without raw; raw: as received.
CREATE TABLE orders (
  id                       TEXT        PRIMARY KEY,
  account                  TEXT        NOT NULL CHECK (account <> ''),
  channel                  TEXT        NOT NULL CHECK (channel <> ''),
  marketplace_order_id     TEXT        NOT NULL CHECK (marketplace_order_id <> ''),
  status                   TEXT        NOT NULL CHECK (status IN ('new', 'waiting_acceptance', 'accepted', 'waiting_shipment', 'shipped', 'closed', 'refused', 'canceled', 'refunding', 'refunded', 'unknown')),
  marketplace_status       TEXT        NOT NULL,
  status_unknown           BOOLEAN     NOT NULL,
  delivered_by_marketplace BOOLEAN     NOT NULL,
  created_at               TIMESTAMPTZ NOT NULL,
  updated_at               TIMESTAMPTZ NOT NULL,
  version                  INTEGER     NOT NULL CHECK (version >= 1),
  first_seen_at            TIMESTAMPTZ NOT NULL,
  last_changed_at          TIMESTAMPTZ NOT NULL,
  change_seq               BIGINT      NOT NULL,
  content_hash             TEXT        NOT NULL,
  line_statuses            JSONB       NOT NULL,
  document                 JSONB       NOT NULL,
  raw                      JSON        NOT NULL,
  UNIQUE (account, channel, marketplace_order_id)
);
CREATE UNIQUE INDEX orders_feed ON orders (change_seq);
CREATE INDEX orders_account_feed ON orders (account, change_seq);
CREATE INDEX orders_status_feed ON orders (status, change_seq);
CREATE INDEX orders_account_updated ON orders (account, updated_at, id);

CREATE TABLE order_events (
  seq                     BIGINT      PRIMARY KEY DEFAULT nextval('order_change_seq'),
  order_id                TEXT        NOT NULL REFERENCES orders (id) DEFERRABLE INITIALLY DEFERRED,
  account                 TEXT        NOT NULL,
  channel                 TEXT        NOT NULL,
  marketplace_order_id    TEXT        NOT NULL,
  type                    TEXT        NOT NULL CHECK (type IN ('order.created', 'order.status_changed', 'line.status_changed', 'order.updated')),
  line_id                 TEXT,
  from_status             TEXT,
  to_status               TEXT,
  from_marketplace_status TEXT,
  to_marketplace_status   TEXT,
  at                      TIMESTAMPTZ NOT NULL
);
ALTER SEQUENCE order_change_seq OWNED BY order_events.seq;
CREATE INDEX order_events_order ON order_events (order_id, seq);
CREATE INDEX order_events_account ON order_events (account, seq);

CREATE TABLE cursors (
  account    TEXT        NOT NULL,
  channel    TEXT        NOT NULL,
  kind       TEXT        NOT NULL CHECK (kind IN ('incremental', 'catch_up')),
  position   TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (account, channel, kind)
);

CREATE TABLE actions (
  seq                  BIGINT      GENERATED ALWAYS AS IDENTITY UNIQUE,
  id                   TEXT        PRIMARY KEY,
  idempotency_key      TEXT        NOT NULL UNIQUE CHECK (idempotency_key <> ''),
  account              TEXT        NOT NULL,
  channel              TEXT        NOT NULL,
  marketplace_order_id TEXT        NOT NULL,
  action               TEXT        NOT NULL CHECK (action IN ('accept', 'refuse', 'ship', 'refund', 'cancel')),
  state                TEXT        NOT NULL CHECK (state IN ('queued', 'sending', 'succeeded', 'failed', 'needs_attention', 'canceled')),
  attempts             INTEGER     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at      TIMESTAMPTZ NOT NULL,
  lease_owner          TEXT,
  lease_until          TIMESTAMPTZ,
  request              JSONB       NOT NULL,
  result               JSONB,
  error                JSONB,
  created_at           TIMESTAMPTZ NOT NULL,
  updated_at           TIMESTAMPTZ NOT NULL
);
CREATE INDEX actions_due ON actions (state, next_attempt_at);
CREATE UNIQUE INDEX actions_one_pending ON actions (account, channel, marketplace_order_id, action) WHERE state IN ('queued', 'sending');
CREATE INDEX actions_order ON actions (account, marketplace_order_id, seq);

CREATE TABLE sync_runs (
  id            TEXT        PRIMARY KEY,
  account       TEXT        NOT NULL,
  channel       TEXT        NOT NULL,
  kind          TEXT        NOT NULL CHECK (kind IN ('incremental', 'catch_up', 'backfill', 'manual')),
  window_from   TIMESTAMPTZ NOT NULL,
  window_to     TIMESTAMPTZ NOT NULL,
  started_at    TIMESTAMPTZ NOT NULL,
  finished_at   TIMESTAMPTZ,
  state         TEXT        NOT NULL CHECK (state IN ('running', 'succeeded', 'failed')),
  pages         INTEGER     NOT NULL DEFAULT 0,
  orders        INTEGER     NOT NULL DEFAULT 0,
  requests      INTEGER     NOT NULL DEFAULT 0,
  errors        INTEGER     NOT NULL DEFAULT 0,
  error_message TEXT
);
CREATE INDEX sync_runs_account ON sync_runs (account, started_at);
CREATE INDEX sync_runs_started ON sync_runs (started_at);
CREATE INDEX sync_runs_succeeded ON sync_runs (account, channel, finished_at) WHERE state = 'succeeded';

CREATE TABLE leases (
  name        TEXT        PRIMARY KEY,
  owner       TEXT        NOT NULL,
  expires_at  TIMESTAMPTZ NOT NULL,
  acquired_at TIMESTAMPTZ NOT NULL
);
