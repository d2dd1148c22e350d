-- 018 raw as text: nothing to do on SQLite, whose raw column is TEXT already. PostgreSQL's raw
-- was json, validated by the server on every write (postgres/018_raw_text.sql).
SELECT 1;
