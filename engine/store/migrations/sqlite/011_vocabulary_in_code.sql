-- orderwire: foreign_keys off
-- 011 the vocabulary is declared once (engine/vocabulary/), SQLite flavour (keep in step with
-- postgres/011_vocabulary_in_code.sql): the store no longer repeats the action kinds
-- (actions.action) and the normalized statuses (orders.status) in CHECK constraints, so a new
-- kind or status needs no migration; the engine checks both before writing
-- (store/shared/validate.ts, store/shared/prepare-order.ts). SQLite cannot drop a CHECK in place:
-- orders and actions are rebuilt (actions with its sequence kept), their indexes created again,
-- and the action-outcome webhook trigger, which reads orders, dropped first and created again.

DROP TRIGGER webhook_action_outcome;

CREATE TABLE orders_new (
  id                        TEXT    PRIMARY KEY,
  account                   TEXT    NOT NULL CHECK (account <> ''),
  channel                   TEXT    NOT NULL CHECK (channel <> ''),
  marketplace_order_id      TEXT    NOT NULL CHECK (marketplace_order_id <> ''),
  status                    TEXT    NOT NULL CHECK (status <> ''),
  marketplace_status        TEXT    NOT NULL,
  status_unknown            INTEGER NOT NULL CHECK (status_unknown IN (0, 1)),
  delivered_by_marketplace  INTEGER NOT NULL CHECK (delivered_by_marketplace IN (0, 1)),
  created_at                TEXT    NOT NULL,
  updated_at                TEXT    NOT NULL,
  version                   INTEGER NOT NULL CHECK (version >= 1),
  first_seen_at             TEXT    NOT NULL,
  last_changed_at           TEXT    NOT NULL,
  change_seq                INTEGER NOT NULL,
  content_hash              TEXT    NOT NULL,
  line_statuses             TEXT    NOT NULL,
  document                  TEXT    NOT NULL,
  raw                       TEXT    NOT NULL,
  personal_data_redacted_at TEXT,
  UNIQUE (account, channel, marketplace_order_id)
) STRICT;
INSERT INTO orders_new (id, account, channel, marketplace_order_id, status, marketplace_status, status_unknown, delivered_by_marketplace, created_at, updated_at, version, first_seen_at, last_changed_at, change_seq, content_hash, line_statuses, document, raw, personal_data_redacted_at)
  SELECT id, account, channel, marketplace_order_id, status, marketplace_status, status_unknown, delivered_by_marketplace, created_at, updated_at, version, first_seen_at, last_changed_at, change_seq, content_hash, line_statuses, document, raw, personal_data_redacted_at FROM orders;
DROP TABLE orders;
ALTER TABLE orders_new RENAME TO orders;
CREATE UNIQUE INDEX orders_feed ON orders (change_seq);
CREATE INDEX orders_account_feed ON orders (account, change_seq);
CREATE INDEX orders_status_feed ON orders (status, change_seq);
CREATE INDEX orders_account_updated ON orders (account, updated_at, id);
CREATE INDEX orders_personal_data_due ON orders (last_changed_at)
  WHERE personal_data_redacted_at IS NULL AND status IN ('closed', 'refused', 'canceled', 'refunded');

CREATE TABLE actions_new (
  seq                  INTEGER PRIMARY KEY AUTOINCREMENT,
  id                   TEXT    NOT NULL UNIQUE,
  idempotency_key      TEXT    NOT NULL UNIQUE CHECK (idempotency_key <> ''),
  account              TEXT    NOT NULL,
  channel              TEXT    NOT NULL,
  marketplace_order_id TEXT    NOT NULL,
  action               TEXT    NOT NULL CHECK (action <> ''),
  state                TEXT    NOT NULL CHECK (state IN ('queued', 'sending', 'succeeded', 'failed', 'needs_attention', 'canceled')),
  attempts             INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at      TEXT    NOT NULL,
  lease_owner          TEXT,
  lease_until          TEXT,
  request              TEXT    NOT NULL,
  result               TEXT,
  error                TEXT,
  created_at           TEXT    NOT NULL,
  updated_at           TEXT    NOT NULL,
  progress             TEXT,
  fingerprint          TEXT
) STRICT;
INSERT INTO actions_new (seq, id, idempotency_key, account, channel, marketplace_order_id, action, state, attempts, next_attempt_at, lease_owner, lease_until, request, result, error, created_at, updated_at, progress, fingerprint)
  SELECT seq, id, idempotency_key, account, channel, marketplace_order_id, action, state, attempts, next_attempt_at, lease_owner, lease_until, request, result, error, created_at, updated_at, progress, fingerprint FROM actions;
DELETE FROM sqlite_sequence WHERE name = 'actions_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'actions_new', seq FROM sqlite_sequence WHERE name = 'actions';
DROP TABLE actions;
ALTER TABLE actions_new RENAME TO actions;
CREATE INDEX actions_due ON actions (state, next_attempt_at);
CREATE INDEX actions_order ON actions (account, marketplace_order_id, seq);
CREATE INDEX actions_pending_order ON actions (account, channel, marketplace_order_id, seq) WHERE state IN ('queued', 'sending');

CREATE TRIGGER webhook_action_outcome AFTER UPDATE OF state ON actions
  WHEN NEW.state IN ('succeeded', 'failed', 'needs_attention') AND OLD.state IS NOT NEW.state
    AND EXISTS (SELECT 1 FROM webhook_endpoints WHERE deleted_at IS NULL)
BEGIN
  INSERT INTO webhook_events (type, account, data, created_at) VALUES (
    CASE NEW.state WHEN 'succeeded' THEN 'action.succeeded' ELSE 'action.failed' END, NEW.account, json_object(
    'action_id', NEW.id, 'order_id', (SELECT id FROM orders WHERE account = NEW.account AND channel = NEW.channel AND marketplace_order_id = NEW.marketplace_order_id),
    'account', NEW.account, 'channel', NEW.channel, 'marketplace_order_id', NEW.marketplace_order_id, 'action', NEW.action,
    'state', NEW.state, 'attempts', NEW.attempts, 'error', json(NEW.error), 'result', json(NEW.result)),
    strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
