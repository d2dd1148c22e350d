-- 023 the acknowledgement as the feed shows it, SQLite flavour (postgres/023_ack_resource.sql is a
-- no-op: PostgreSQL's feed renders acknowledgements in JavaScript). `resource` holds the JSON text
-- of the order's `acknowledgement` member (orderResource: the non-NULL columns, in this order),
-- kept by the two triggers below on every insert and on every change of a column it shows, so the
-- feed's query concatenates stored text instead of building it with json_patch(json_object(...))
-- per acknowledged order: 0.1 ms a page of 100 acknowledged orders, about a third of what the feed
-- adds to the serving floor (bench/README.md, "Issue 18, wave 8: the API feed"). Backfilled here.
ALTER TABLE order_acks ADD COLUMN resource TEXT;
UPDATE order_acks SET resource = json_patch('{}', json_object('reference', reference, 'acknowledged_version', acknowledged_version,
  'acknowledged_at', acknowledged_at, 'import_error', import_error, 'import_error_at', import_error_at));
CREATE TRIGGER order_acks_resource_on_insert AFTER INSERT ON order_acks BEGIN
  UPDATE order_acks SET resource = json_patch('{}', json_object('reference', NEW.reference, 'acknowledged_version', NEW.acknowledged_version,
    'acknowledged_at', NEW.acknowledged_at, 'import_error', NEW.import_error, 'import_error_at', NEW.import_error_at))
  WHERE order_id = NEW.order_id;
END;
CREATE TRIGGER order_acks_resource_on_update AFTER UPDATE OF reference, acknowledged_version, acknowledged_at, import_error, import_error_at ON order_acks BEGIN
  UPDATE order_acks SET resource = json_patch('{}', json_object('reference', NEW.reference, 'acknowledged_version', NEW.acknowledged_version,
    'acknowledged_at', NEW.acknowledged_at, 'import_error', NEW.import_error, 'import_error_at', NEW.import_error_at))
  WHERE order_id = NEW.order_id;
END;
