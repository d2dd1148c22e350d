-- 015 document events, PostgreSQL flavour (keep in step with sqlite/015_document_events.sql):
-- order_events and webhook_events accept `order.document_available` (a document of the order can
-- be fetched from orderwire: details.document), which is also a webhook event; its webhook carries
-- the document. Other events keep their payload (details only ever held `lines` for them).
ALTER TABLE order_events DROP CONSTRAINT order_events_type_check;
ALTER TABLE order_events ADD CONSTRAINT order_events_type_check
  CHECK (type IN ('order.created', 'order.status_changed', 'line.status_changed', 'order.updated', 'order.refunded', 'order.lines_canceled', 'order.shipment_added', 'order.document_available'));
ALTER TABLE webhook_events DROP CONSTRAINT webhook_events_type_check;
ALTER TABLE webhook_events ADD CONSTRAINT webhook_events_type_check
  CHECK (type IN ('order.created', 'order.status_changed', 'order.refunded', 'order.lines_canceled', 'order.shipment_added', 'order.document_available', 'order.deadline_approaching', 'action.succeeded', 'action.failed'));

-- Order events worth a webhook, only while some endpoint exists (no cost otherwise); refunds,
-- cancelations and shipments carry what each line gained, a document event its document.
CREATE OR REPLACE FUNCTION webhook_order_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.type IN ('order.created', 'order.status_changed', 'order.refunded', 'order.lines_canceled', 'order.shipment_added', 'order.document_available') AND EXISTS (SELECT 1 FROM webhook_endpoints WHERE deleted_at IS NULL) THEN
    INSERT INTO webhook_events (type, account, data, created_at) VALUES (NEW.type, NEW.account, jsonb_build_object(
      'order_id', NEW.order_id, 'account', NEW.account, 'channel', NEW.channel, 'marketplace_order_id', NEW.marketplace_order_id,
      'from_status', NEW.from_status, 'to_status', NEW.to_status,
      'from_marketplace_status', NEW.from_marketplace_status, 'to_marketplace_status', NEW.to_marketplace_status,
      'at', to_char(NEW.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
      || CASE WHEN NEW.details IS NULL THEN '{}'::jsonb
              WHEN NEW.details ? 'document' THEN jsonb_build_object('document', NEW.details->'document')
              ELSE jsonb_build_object('lines', NEW.details->'lines') END, clock_timestamp());
  END IF;
  RETURN NULL;
END $$;
