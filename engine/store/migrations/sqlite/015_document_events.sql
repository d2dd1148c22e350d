-- orderwire: foreign_keys off
-- 015 document events, SQLite flavour (keep in step with postgres/015_document_events.sql):
-- order_events and webhook_events accept `order.document_available` (a document of the order can
-- be fetched from orderwire: details.document), which is also a webhook event carrying the
-- document. SQLite cannot change a CHECK constraint in place: both tables are rebuilt with their
-- sequences kept (no seq ever comes back), and the three webhook triggers are created again as
-- they were (014), the order one also for document events.
DROP TRIGGER webhook_order_event;
DROP TRIGGER webhook_action_outcome;
DROP TRIGGER webhook_fan_out;

CREATE TABLE order_events_new (
  seq                     INTEGER PRIMARY KEY AUTOINCREMENT,
  order_id                TEXT    NOT NULL REFERENCES orders (id) DEFERRABLE INITIALLY DEFERRED,
  account                 TEXT    NOT NULL,
  channel                 TEXT    NOT NULL,
  marketplace_order_id    TEXT    NOT NULL,
  type                    TEXT    NOT NULL CHECK (type IN ('order.created', 'order.status_changed', 'line.status_changed', 'order.updated', 'order.refunded', 'order.lines_canceled', 'order.shipment_added', 'order.document_available')),
  line_id                 TEXT,
  from_status             TEXT,
  to_status               TEXT,
  from_marketplace_status TEXT,
  to_marketplace_status   TEXT,
  -- order.refunded, order.lines_canceled: {"lines": [{line_id, quantity, amount, shipping_amount}]};
  -- order.shipment_added: {"lines": [{line_id, quantity}]}; order.document_available: {"document": {...}}
  details                 TEXT,
  at                      TEXT    NOT NULL
) STRICT;
INSERT INTO order_events_new (seq, order_id, account, channel, marketplace_order_id, type, line_id, from_status, to_status, from_marketplace_status, to_marketplace_status, details, at)
  SELECT seq, order_id, account, channel, marketplace_order_id, type, line_id, from_status, to_status, from_marketplace_status, to_marketplace_status, details, at FROM order_events;
DELETE FROM sqlite_sequence WHERE name = 'order_events_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'order_events_new', seq FROM sqlite_sequence WHERE name = 'order_events';
DROP TABLE order_events;
ALTER TABLE order_events_new RENAME TO order_events;
CREATE INDEX order_events_order ON order_events (order_id, seq);
CREATE INDEX order_events_account ON order_events (account, seq);

CREATE TABLE webhook_events_new (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  type       TEXT    NOT NULL CHECK (type IN ('order.created', 'order.status_changed', 'order.refunded', 'order.lines_canceled', 'order.shipment_added', 'order.document_available', 'order.deadline_approaching', 'action.succeeded', 'action.failed')),
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
  WHEN NEW.type IN ('order.created', 'order.status_changed', 'order.refunded', 'order.lines_canceled', 'order.shipment_added', 'order.document_available') AND EXISTS (SELECT 1 FROM webhook_endpoints WHERE deleted_at IS NULL)
BEGIN
  INSERT INTO webhook_events (type, account, data, created_at) VALUES (NEW.type, NEW.account, json_patch(json_object(
    'order_id', NEW.order_id, 'account', NEW.account, 'channel', NEW.channel, 'marketplace_order_id', NEW.marketplace_order_id,
    'from_status', NEW.from_status, 'to_status', NEW.to_status,
    'from_marketplace_status', NEW.from_marketplace_status, 'to_marketplace_status', NEW.to_marketplace_status, 'at', NEW.at),
    CASE WHEN NEW.details IS NULL THEN '{}'
         WHEN json_extract(NEW.details, '$.document') IS NOT NULL THEN json_object('document', json(json_extract(NEW.details, '$.document')))
         ELSE json_object('lines', json(json_extract(NEW.details, '$.lines'))) END),
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
