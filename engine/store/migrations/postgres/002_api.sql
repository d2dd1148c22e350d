-- 002 back-office API, PostgreSQL flavour (keep in step with sqlite/002_api.sql): API tokens,
-- acknowledgements, webhook endpoints, the webhook outbox and its deliveries.

CREATE TABLE api_tokens (
  id         TEXT        PRIMARY KEY,
  name       TEXT        NOT NULL,
  prefix     TEXT        NOT NULL,
  token_hash TEXT        NOT NULL UNIQUE,
  accounts   JSONB       NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  revoked_at TIMESTAMPTZ
);

CREATE TABLE order_acks (
  order_id             TEXT        PRIMARY KEY REFERENCES orders (id),
  account              TEXT        NOT NULL,
  reference            TEXT,
  acknowledged_version INTEGER,
  acknowledged_at      TIMESTAMPTZ,
  import_error         TEXT,
  import_error_at      TIMESTAMPTZ,
  updated_at           TIMESTAMPTZ NOT NULL
);
CREATE INDEX order_acks_account ON order_acks (account);

CREATE TABLE webhook_endpoints (
  id          TEXT        PRIMARY KEY,
  url         TEXT        NOT NULL,
  description TEXT,
  accounts    JSONB       NOT NULL,
  events      JSONB       NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL,
  deleted_at  TIMESTAMPTZ
);

-- The outbox, written by triggers in the same transaction as the change. Event id: 'evt_' || seq.
-- Nothing reads it by position (deliveries are claimed by state), so seqs committing out of order
-- between concurrent transactions lose nothing.
CREATE TABLE webhook_events (
  seq        BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  type       TEXT        NOT NULL CHECK (type IN ('order.created', 'order.status_changed', 'action.succeeded', 'action.failed')),
  account    TEXT        NOT NULL,
  data       JSONB       NOT NULL,
  created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE webhook_deliveries (
  seq             BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  endpoint_id     TEXT        NOT NULL REFERENCES webhook_endpoints (id),
  event_seq       BIGINT      NOT NULL REFERENCES webhook_events (seq),
  state           TEXT        NOT NULL CHECK (state IN ('pending', 'delivered', 'dead')),
  attempts        INTEGER     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at TIMESTAMPTZ NOT NULL,
  lease_owner     TEXT,
  lease_until     TIMESTAMPTZ,
  last_status     INTEGER,
  last_error      TEXT,
  last_attempt_at TIMESTAMPTZ,
  delivered_at    TIMESTAMPTZ,
  created_at      TIMESTAMPTZ NOT NULL,
  UNIQUE (endpoint_id, event_seq)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, seq);

CREATE FUNCTION webhook_order_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.type IN ('order.created', 'order.status_changed') AND EXISTS (SELECT 1 FROM webhook_endpoints WHERE deleted_at IS NULL) THEN
    INSERT INTO webhook_events (type, account, data, created_at) VALUES (NEW.type, NEW.account, jsonb_build_object(
      'order_id', NEW.order_id, 'account', NEW.account, 'channel', NEW.channel, 'marketplace_order_id', NEW.marketplace_order_id,
      'from_status', NEW.from_status, 'to_status', NEW.to_status,
      'from_marketplace_status', NEW.from_marketplace_status, 'to_marketplace_status', NEW.to_marketplace_status,
      'at', to_char(NEW.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')), clock_timestamp());
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER webhook_order_event AFTER INSERT ON order_events FOR EACH ROW EXECUTE FUNCTION webhook_order_event();

CREATE FUNCTION webhook_action_outcome() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.state IN ('succeeded', 'failed', 'needs_attention') AND OLD.state IS DISTINCT FROM NEW.state
     AND EXISTS (SELECT 1 FROM webhook_endpoints WHERE deleted_at IS NULL) THEN
    INSERT INTO webhook_events (type, account, data, created_at) VALUES (
      CASE NEW.state WHEN 'succeeded' THEN 'action.succeeded' ELSE 'action.failed' END, NEW.account, jsonb_build_object(
      'action_id', NEW.id,
      'order_id', (SELECT id FROM orders WHERE account = NEW.account AND channel = NEW.channel AND marketplace_order_id = NEW.marketplace_order_id),
      'account', NEW.account, 'channel', NEW.channel, 'marketplace_order_id', NEW.marketplace_order_id, 'action', NEW.action,
      'state', NEW.state, 'attempts', NEW.attempts, 'error', NEW.error, 'result', NEW.result), clock_timestamp());
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER webhook_action_outcome AFTER UPDATE OF state ON actions FOR EACH ROW EXECUTE FUNCTION webhook_action_outcome();

CREATE FUNCTION webhook_fan_out() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO webhook_deliveries (endpoint_id, event_seq, state, attempts, next_attempt_at, created_at)
  SELECT e.id, NEW.seq, 'pending', 0, NEW.created_at, NEW.created_at FROM webhook_endpoints e
  WHERE e.deleted_at IS NULL AND e.accounts ? NEW.account AND e.events ? NEW.type;
  RETURN NULL;
END $$;
CREATE TRIGGER webhook_fan_out AFTER INSERT ON webhook_events FOR EACH ROW EXECUTE FUNCTION webhook_fan_out();
