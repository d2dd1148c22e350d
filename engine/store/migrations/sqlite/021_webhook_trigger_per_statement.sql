-- 021 the order events' webhook trigger once per statement: PostgreSQL only
-- (postgres/021_webhook_trigger_per_statement.sql); SQLite has no statement triggers, and its
-- row trigger costs no round trip.
SELECT 1;
