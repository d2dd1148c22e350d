-- 017 pending document downloads, SQLite flavour (keep in step with postgres/017_document_downloads.sql):
-- a marketplace document (a delivery slip) whose download failed is kept here, by its store id,
-- until it is downloaded: the daemon retries it on its own on a bounded backoff
-- (engine/sync/document-retrier.ts), not only when a sync lists its order again, and gives up
-- after a number of attempts (gave_up_at set; a later listing may still download it).
CREATE TABLE document_downloads (
  id                   TEXT    PRIMARY KEY,
  order_id             TEXT    NOT NULL,
  account              TEXT    NOT NULL,
  channel              TEXT    NOT NULL,
  marketplace_order_id TEXT    NOT NULL,
  document_id          TEXT    NOT NULL,
  attempts             INTEGER NOT NULL CHECK (attempts > 0),
  next_attempt_at      TEXT    NOT NULL,
  last_error           TEXT    NOT NULL,
  gave_up_at           TEXT,
  updated_at           TEXT    NOT NULL
) STRICT;
CREATE INDEX document_downloads_due ON document_downloads (account, next_attempt_at) WHERE gave_up_at IS NULL;
