-- 023 the acknowledgement as the feed shows it: SQLite only (sqlite/023_ack_resource.sql, a column
-- kept by triggers that the SQLite feed query concatenates); PostgreSQL's feed renders
-- acknowledgements in JavaScript from their columns, so there is nothing to do here.
SELECT 1;
