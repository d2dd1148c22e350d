-- 020 the order's document as text with its deadlines in columns: PostgreSQL only
-- (postgres/020_document_text.sql); SQLite stores the document as TEXT already.
SELECT 1;
