-- 016 documents in the database, PostgreSQL flavour (keep in step with sqlite/016_stored_files.sql):
-- with config `documents.store: database` the document store (engine/store/database-documents.ts)
-- keeps each document's metadata in stored_files and its bytes as numbered chunks (256 KiB) of a
-- content of its own in stored_file_chunks, written while they stream in. A document names its
-- content once complete (commit): a replaced download swaps contents in one transaction, and a
-- write that failed leaves chunks no document names (deleted by discardFileContent). Daemons
-- sharing this database share their documents.
CREATE TABLE stored_files (
  id           TEXT        PRIMARY KEY,
  content      TEXT        NOT NULL,
  chunks       INTEGER     NOT NULL CHECK (chunks >= 0),
  file_name    TEXT        NOT NULL,
  content_type TEXT        NOT NULL,
  size         BIGINT      NOT NULL CHECK (size >= 0),
  sha256       TEXT        NOT NULL,
  stored_at    TIMESTAMPTZ NOT NULL,
  account      TEXT,
  order_id     TEXT,
  -- A marketplace document: {"document_id", "type", "size"} as the marketplace lists it.
  marketplace  JSONB
);
CREATE INDEX stored_files_order ON stored_files (order_id);

CREATE TABLE stored_file_chunks (
  content    TEXT        NOT NULL,
  seq        INTEGER     NOT NULL CHECK (seq >= 0),
  data       BYTEA       NOT NULL,
  written_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (content, seq)
);
-- Documents are mostly compressed already (PDF, images): kept out of line without trying to compress them again.
ALTER TABLE stored_file_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
