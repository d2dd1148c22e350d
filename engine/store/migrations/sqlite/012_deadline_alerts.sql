-- orderwire: foreign_keys off
-- 011 deadline alerts, SQLite flavour (keep in step with postgres/011_deadline_alerts.sql).
-- deadline_alerts: the "sent" marker of `order.deadline_approaching`, one row per order and
-- deadline kind (acceptance, shipping), written in the same transaction as the webhook event, so
-- an alert is raised once whatever the restarts and however many daemons watch.
-- webhook_events accepts the new type. SQLite cannot change a CHECK constraint in place: the
-- table is rebuilt with its sequence kept (no event id ever comes back), and the three webhook
-- triggers are created again as they were (005, 009).
CREATE TABLE deadline_alerts (
  order_id TEXT NOT NULL REFERENCES orders (id),
  kind     TEXT NOT NULL CHECK (kind IN ('acceptance', 'shipping')),
  deadline TEXT NOT NULL,
  alerted_at TEXT NOT NULL,
  PRIMARY KEY (order_id, kind)
) STRICT;

DROP TRIGGER webhook_order_event;
DROP TRIGGER webhook_action_outcome;
DROP TRIGGER webhook_fan_out;

CREATE TABLE webhook_events_new (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  type       TEXT    NOT NULL CHECK (type IN ('order.created', 'order.status_changed', 'order.refunded', 'order.lines_canceled', 'order.deadline_approaching', 'action.succeeded', 'action.failed')),
  account    TEXT    NOT NULL,
  data       TEXT    NOT NULL,
  created_at TEXT    NOT NULL
) STRICT;
INSERT INTO webhook_events_new (seq, type, account, data, created_at) SELECT seq, type, account, data, created_at FROM webhook_events;
DELETE FROM sqlite_sequence WHERE name = 'webhook_events_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'webhook_events_new', seq FROM sqlite_sequence WHERE name = 'webhook_events';
DROP TABLE webhook_events;
ALTER TABLE webhook_events_new RENAME TO webhook_events;

CREATE TRIGGER webhook_order_event AFTER INSERT ON order_events
  WHEN NEW.type IN ('order.created', 'order.status_changed', 'order.refunded', 'order.lines_canceled') AND EXISTS (SELECT 1 FROM webhook_endpoints WHERE deleted_at IS NULL)
BEGIN
  INSERT INTO webhook_events (type, account, data, created_at) VALUES (NEW.type, NEW.account, json_patch(json_object(
    'order_id', NEW.order_id, 'account', NEW.account, 'channel', NEW.channel, 'marketplace_order_id', NEW.marketplace_order_id,
    'from_status', NEW.from_status, 'to_status', NEW.to_status,
    'from_marketplace_status', NEW.from_marketplace_status, 'to_marketplace_status', NEW.to_marketplace_status, 'at', NEW.at),
    CASE WHEN NEW.details IS NULL THEN '{}' ELSE json_object('lines', json(json_extract(NEW.details, '$.lines'))) END),
    strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

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

CREATE TRIGGER webhook_fan_out AFTER INSERT ON webhook_events
BEGIN
  INSERT INTO webhook_deliveries (endpoint_id, event_seq, state, attempts, next_attempt_at, created_at)
  SELECT e.id, NEW.seq, 'pending', 0, NEW.created_at, NEW.created_at FROM webhook_endpoints e
  WHERE e.deleted_at IS NULL
    AND EXISTS (SELECT 1 FROM json_each(e.accounts) WHERE value = NEW.account)
    AND EXISTS (SELECT 1 FROM json_each(e.events) WHERE value = NEW.type);
END;
