-- 011 deadline alerts, PostgreSQL flavour (keep in step with sqlite/011_deadline_alerts.sql).
-- deadline_alerts: the "sent" marker of `order.deadline_approaching`, one row per order and
-- deadline kind (acceptance, shipping), written in the same transaction as the webhook event, so
-- an alert is raised once whatever the restarts and however many daemons watch (the primary key
-- decides between two daemons finding the same order at once).
CREATE TABLE deadline_alerts (
  order_id   TEXT        NOT NULL REFERENCES orders (id),
  kind       TEXT        NOT NULL CHECK (kind IN ('acceptance', 'shipping')),
  deadline   TIMESTAMPTZ NOT NULL,
  alerted_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (order_id, kind)
);
ALTER TABLE webhook_events DROP CONSTRAINT webhook_events_type_check;
ALTER TABLE webhook_events ADD CONSTRAINT webhook_events_type_check
  CHECK (type IN ('order.created', 'order.status_changed', 'order.refunded', 'order.lines_canceled', 'order.deadline_approaching', 'action.succeeded', 'action.failed'));
