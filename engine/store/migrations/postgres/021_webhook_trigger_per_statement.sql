-- 021 the order events' webhook trigger runs once per statement, PostgreSQL only (SQLite's trigger
-- is unchanged): a page's events come in one COPY, and a row trigger ran a PL/pgSQL call and an
-- EXISTS query for every event, webhook endpoints or not. The statement trigger sees the
-- statement's new rows (a transition table) and turns those worth a webhook into webhook events in
-- seq order, the same rows as before (015's rules), only while some endpoint exists.
CREATE FUNCTION webhook_order_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM webhook_endpoints WHERE deleted_at IS NULL) THEN
    INSERT INTO webhook_events (type, account, data, created_at)
    SELECT e.type, e.account, jsonb_build_object(
      'order_id', e.order_id, 'account', e.account, 'channel', e.channel, 'marketplace_order_id', e.marketplace_order_id,
      'from_status', e.from_status, 'to_status', e.to_status,
      'from_marketplace_status', e.from_marketplace_status, 'to_marketplace_status', e.to_marketplace_status,
      'at', to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
      || CASE WHEN e.details IS NULL THEN '{}'::jsonb
              WHEN e.details ? 'document' THEN jsonb_build_object('document', e.details->'document')
              ELSE jsonb_build_object('lines', e.details->'lines') END, clock_timestamp()
    FROM new_events e
    WHERE e.type IN ('order.created', 'order.status_changed', 'order.refunded', 'order.lines_canceled', 'order.shipment_added', 'order.document_available')
    ORDER BY e.seq;
  END IF;
  RETURN NULL;
END $$;
DROP TRIGGER webhook_order_event ON order_events;
DROP FUNCTION webhook_order_event();
CREATE TRIGGER webhook_order_events AFTER INSERT ON order_events REFERENCING NEW TABLE AS new_events
  FOR EACH STATEMENT EXECUTE FUNCTION webhook_order_events();
