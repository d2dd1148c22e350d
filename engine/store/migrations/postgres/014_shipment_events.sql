-- 014 shipment events, PostgreSQL flavour (keep in step with sqlite/014_shipment_events.sql):
-- order_events and webhook_events accept `order.shipment_added` (lines gained units in parcels;
-- details.lines: the units per line), which is also a webhook event.
ALTER TABLE order_events DROP CONSTRAINT order_events_type_check;
ALTER TABLE order_events ADD CONSTRAINT order_events_type_check
  CHECK (type IN ('order.created', 'order.status_changed', 'line.status_changed', 'order.updated', 'order.refunded', 'order.lines_canceled', 'order.shipment_added'));
ALTER TABLE webhook_events DROP CONSTRAINT webhook_events_type_check;
ALTER TABLE webhook_events ADD CONSTRAINT webhook_events_type_check
  CHECK (type IN ('order.created', 'order.status_changed', 'order.refunded', 'order.lines_canceled', 'order.shipment_added', 'order.deadline_approaching', 'action.succeeded', 'action.failed'));

-- Order events worth a webhook, only while some endpoint exists (no cost otherwise); refunds and
-- cancelations carry what each line gained.
CREATE OR REPLACE FUNCTION webhook_order_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.type IN ('order.created', 'order.status_changed', 'order.refunded', 'order.lines_canceled', 'order.shipment_added') AND EXISTS (SELECT 1 FROM webhook_endpoints WHERE deleted_at IS NULL) THEN
    INSERT INTO webhook_events (type, account, data, created_at) VALUES (NEW.type, NEW.account, jsonb_build_object(
      'order_id', NEW.order_id, 'account', NEW.account, 'channel', NEW.channel, 'marketplace_order_id', NEW.marketplace_order_id,
      'from_status', NEW.from_status, 'to_status', NEW.to_status,
      'from_marketplace_status', NEW.from_marketplace_status, 'to_marketplace_status', NEW.to_marketplace_status,
      'at', to_char(NEW.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
      || CASE WHEN NEW.details IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('lines', NEW.details->'lines') END, clock_timestamp());
  END IF;
  RETURN NULL;
END $$;
