-- 018 raw as text, PostgreSQL only (SQLite stores raw as TEXT already): the marketplace's payload
-- as received, which nothing queries into (it is read whole, by getOrder, listOrders and the
-- personal-data redaction, cast back to json there). As json the server validated every payload on
-- every write, 4 KB an order, for nothing: the engine wrote it from JSON.stringify. The cast keeps
-- each stored text as it was (json keeps its input text). Rewrites the table once.
ALTER TABLE orders ALTER COLUMN raw TYPE TEXT;
