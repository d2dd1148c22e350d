-- 019 lz4 for the order's large values, PostgreSQL only: document (jsonb) and raw (text) are a few
-- KB an order, so the server compresses each one it stores (TOAST). Its default, pglz, was about a
-- quarter of the server's CPU per stored order (bench/pg-page-write.ts: 143-154 µs an order with
-- pglz, 109 µs with lz4); lz4 also decompresses faster for the feed. Applies to values written
-- from now on (nothing is rewritten). A server built without lz4 (or older than 14) keeps pglz:
-- the statement is run through EXECUTE so its refusal can be caught, and the migration succeeds.
DO $$
BEGIN
  EXECUTE 'ALTER TABLE orders ALTER COLUMN document SET COMPRESSION lz4, ALTER COLUMN raw SET COMPRESSION lz4';
EXCEPTION WHEN feature_not_supported OR syntax_error OR invalid_parameter_value THEN
  RAISE NOTICE 'orders.document and orders.raw keep the default compression: %', SQLERRM;
END $$;
