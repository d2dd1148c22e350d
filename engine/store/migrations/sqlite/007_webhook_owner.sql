-- 007 webhook endpoints remember the API token that registered them, SQLite flavour (keep in step
-- with postgres/007_webhook_owner.sql): a token may hold a limited number of live endpoints
-- (webhooks.max_endpoints_per_token). Endpoints registered before this migration have no token
-- and count for none.
ALTER TABLE webhook_endpoints ADD COLUMN token_id TEXT;
CREATE INDEX webhook_endpoints_token ON webhook_endpoints (token_id) WHERE deleted_at IS NULL;
