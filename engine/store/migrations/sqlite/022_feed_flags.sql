-- 022 feed flags, SQLite flavour (keep in step with postgres/022_feed_flags.sql): what the API's
-- order feed needs to know of an order to render its item without reading its document, written
-- with the order by the sync (shared/prepare-order.ts) and backfilled here for existing rows.
-- has_invoice: the document's `has_invoice` (1, 0; NULL when the order does not say);
-- lists_documents: 1 when the document has a `documents` member (the feed then renders the item
-- as the order route does, engine/api/feed-page.ts). New columns go at the end of the row, behind
-- raw: reading them costs a walk of the row's overflow pages, measured at about 25 µs a page of
-- 100 orders (bench/README.md, "Issue 18, wave 7: the API feed"), far less than finding them in
-- the text. The partial index answers "has this order an upload_invoice action" (asked per feed
-- item) from an index holding those actions only.
ALTER TABLE orders ADD COLUMN has_invoice INTEGER CHECK (has_invoice IN (0, 1));
ALTER TABLE orders ADD COLUMN lists_documents INTEGER NOT NULL DEFAULT 0 CHECK (lists_documents IN (0, 1));
UPDATE orders SET has_invoice = CASE json_type(document, '$.has_invoice') WHEN 'true' THEN 1 WHEN 'false' THEN 0 END,
    lists_documents = json_type(document, '$.documents') IS NOT NULL
  WHERE json_type(document, '$.has_invoice') IN ('true', 'false') OR json_type(document, '$.documents') IS NOT NULL;
CREATE INDEX actions_upload_invoice ON actions (account, channel, marketplace_order_id) WHERE action = 'upload_invoice';
