-- 019 lz4 compression of orders.document and orders.raw: PostgreSQL only
-- (postgres/019_lz4_compression.sql); nothing to do on SQLite, which does not compress values.
SELECT 1;
