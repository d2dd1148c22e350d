-- 008 personal data retention and erasure, SQLite flavour (keep in step with
-- postgres/008_personal_data.sql): when the buyer's and the addresses' personal data were redacted
-- from the order's document and raw payload (engine/order/personal-data.ts). The partial index
-- finds orders in a final status whose retention is due without reading the others.
ALTER TABLE orders ADD COLUMN personal_data_redacted_at TEXT;
CREATE INDEX orders_personal_data_due ON orders (last_changed_at)
  WHERE personal_data_redacted_at IS NULL AND status IN ('closed', 'refused', 'canceled', 'refunded');
