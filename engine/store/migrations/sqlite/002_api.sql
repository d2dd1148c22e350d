-- 002 back-office API, SQLite flavour (keep in step with postgres/002_api.sql): API tokens,
-- acknowledgements, webhook endpoints, the webhook outbox and its deliveries.

-- API tokens: only the SHA-256 of the token is kept (and a short prefix to recognise it in lists).
-- accounts: JSON array of the account ids the token may see and act on.
CREATE TABLE api_tokens (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  prefix     TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  accounts   TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT
) STRICT;

-- What the back office did with an order: acknowledged it (its own reference, at a version of the
-- order) and/or reported an import error. One row per order.
CREATE TABLE order_acks (
  order_id             TEXT    PRIMARY KEY REFERENCES orders (id),
  account              TEXT    NOT NULL,
  reference            TEXT,
  acknowledged_version INTEGER,
  acknowledged_at      TEXT,
  import_error         TEXT,
  import_error_at      TEXT,
  updated_at           TEXT    NOT NULL
) STRICT;
CREATE INDEX order_acks_account ON order_acks (account);

-- Registered webhook endpoints. accounts / events: JSON arrays. The signing secret is never
-- stored: it is derived from ORDERWIRE_SECRET_KEY and the endpoint id.
CREATE TABLE webhook_endpoints (
  id          TEXT PRIMARY KEY,
  url         TEXT NOT NULL,
  description TEXT,
  accounts    TEXT NOT NULL,
  events      TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  deleted_at  TEXT
) STRICT;

-- The outbox: one row per event worth delivering, written by triggers in the same transaction as
-- the change (an order event, an action reaching an outcome). The event id is 'evt_' || seq.
CREATE TABLE webhook_events (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  type       TEXT    NOT NULL CHECK (type IN ('order.created', 'order.status_changed', 'action.succeeded', 'action.failed')),
  account    TEXT    NOT NULL,
  data       TEXT    NOT NULL,
  created_at TEXT    NOT NULL
) STRICT;

-- One delivery per (endpoint, event), created by a trigger when the event is written.
CREATE TABLE webhook_deliveries (
  seq             INTEGER PRIMARY KEY AUTOINCREMENT,
  endpoint_id     TEXT    NOT NULL REFERENCES webhook_endpoints (id),
  event_seq       INTEGER NOT NULL REFERENCES webhook_events (seq),
  state           TEXT    NOT NULL CHECK (state IN ('pending', 'delivered', 'dead')),
  attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at TEXT    NOT NULL,
  lease_owner     TEXT,
  lease_until     TEXT,
  last_status     INTEGER,
  last_error      TEXT,
  last_attempt_at TEXT,
  delivered_at    TEXT,
  created_at      TEXT    NOT NULL,
  UNIQUE (endpoint_id, event_seq)
) STRICT;
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, seq);

-- Order events worth a webhook, only while some endpoint exists (no cost otherwise).
CREATE TRIGGER webhook_order_event AFTER INSERT ON order_events
  WHEN NEW.type IN ('order.created', 'order.status_changed') AND EXISTS (SELECT 1 FROM webhook_endpoints WHERE deleted_at IS NULL)
BEGIN
  INSERT INTO webhook_events (type, account, data, created_at) VALUES (NEW.type, NEW.account, json_object(
    'order_id', NEW.order_id, 'account', NEW.account, 'channel', NEW.channel, 'marketplace_order_id', NEW.marketplace_order_id,
    'from_status', NEW.from_status, 'to_status', NEW.to_status,
    'from_marketplace_status', NEW.from_marketplace_status, 'to_marketplace_status', NEW.to_marketplace_status, 'at', NEW.at),
    strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

-- An action reaching an outcome: succeeded, or failed / needs_attention (both action.failed).
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

-- Fan-out: a delivery for every live endpoint subscribed to the event's type and account.
CREATE TRIGGER webhook_fan_out AFTER INSERT ON webhook_events
BEGIN
  INSERT INTO webhook_deliveries (endpoint_id, event_seq, state, attempts, next_attempt_at, created_at)
  SELECT e.id, NEW.seq, 'pending', 0, NEW.created_at, NEW.created_at FROM webhook_endpoints e
  WHERE e.deleted_at IS NULL
    AND EXISTS (SELECT 1 FROM json_each(e.accounts) WHERE value = NEW.account)
    AND EXISTS (SELECT 1 FROM json_each(e.events) WHERE value = NEW.type);
END;
