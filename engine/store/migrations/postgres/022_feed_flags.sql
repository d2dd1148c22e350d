-- 022 feed flags, PostgreSQL flavour (keep in step with sqlite/022_feed_flags.sql): what the API's
-- order feed needs to know of an order to render its item without reading its document, written
-- with the order by the sync (shared/prepare-order.ts) and backfilled here for existing rows.
-- has_invoice: the document's `has_invoice` (NULL when the order does not say); lists_documents:
-- the document has a `documents` member (the feed then renders the item as the order route does,
-- engine/api/feed-page.ts). The backfill casts to jsonb so it reads the document whether it is
-- stored as jsonb or as text. The partial index answers "has this order an upload_invoice action"
-- (asked per feed item) from an index holding those actions only.
ALTER TABLE orders ADD COLUMN has_invoice BOOLEAN, ADD COLUMN lists_documents BOOLEAN NOT NULL DEFAULT false;
UPDATE orders SET has_invoice = CASE jsonb_typeof(document::jsonb -> 'has_invoice') WHEN 'boolean' THEN (document::jsonb ->> 'has_invoice')::boolean END,
    lists_documents = (document::jsonb -> 'documents') IS NOT NULL
  WHERE jsonb_typeof(document::jsonb -> 'has_invoice') = 'boolean' OR (document::jsonb -> 'documents') IS NOT NULL;
CREATE INDEX actions_upload_invoice ON actions (account, channel, marketplace_order_id) WHERE action = 'upload_invoice';
