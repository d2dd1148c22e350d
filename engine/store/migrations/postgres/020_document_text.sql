-- 020 the order's document as text, PostgreSQL only (SQLite stores it as TEXT already). As jsonb,
-- the server parsed every document it was sent (a few KB an order, the engine's canonical JSON)
-- into its binary form: about a third of its CPU per stored order (bench/README.md, "Issue 18,
-- wave 7: PostgreSQL"). Only two queries looked into it by key, the deadlines (the due_before
-- filter and the deadline alerts): they get columns of their own, written with each order.
-- The erasure's lookup by the buyer's e-mail (rare, a scan either way) parses the text then. The
-- feed serves the stored text as it is. Existing documents keep jsonb's text form (still JSON).
-- Rewrites the table once; lz4 is kept where the server has it (019: a type change resets it).
ALTER TABLE orders ADD COLUMN acceptance_deadline TEXT, ADD COLUMN shipping_deadline TEXT;
UPDATE orders SET acceptance_deadline = document ->> 'acceptance_deadline', shipping_deadline = document ->> 'shipping_deadline'
  WHERE document ? 'acceptance_deadline' OR document ? 'shipping_deadline';
DO $$
BEGIN
  EXECUTE 'ALTER TABLE orders ALTER COLUMN document TYPE TEXT, ALTER COLUMN document SET COMPRESSION lz4';
EXCEPTION WHEN feature_not_supported OR syntax_error OR invalid_parameter_value THEN
  RAISE NOTICE 'orders.document keeps the default compression: %', SQLERRM;
  ALTER TABLE orders ALTER COLUMN document TYPE TEXT;
END $$;
