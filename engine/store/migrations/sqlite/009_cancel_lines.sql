-- orderwire: foreign_keys off
-- 009 the cancel_lines action (line cancellation before shipment), SQLite flavour (keep in step
-- with postgres/009_cancel_lines.sql): actions.action accepts it. SQLite cannot change a CHECK
-- constraint in place: the table is rebuilt with its sequence kept, and its indexes and the
-- action-outcome webhook trigger are created again as they were.

DROP TRIGGER webhook_action_outcome;

CREATE TABLE actions_new (
  seq                  INTEGER PRIMARY KEY AUTOINCREMENT,
  id                   TEXT    NOT NULL UNIQUE,
  idempotency_key      TEXT    NOT NULL UNIQUE CHECK (idempotency_key <> ''),
  account              TEXT    NOT NULL,
  channel              TEXT    NOT NULL,
  marketplace_order_id TEXT    NOT NULL,
  action               TEXT    NOT NULL CHECK (action IN ('accept', 'refuse', 'ship', 'refund', 'cancel', 'cancel_lines')),
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
