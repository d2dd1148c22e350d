-- 006 actions serialized per order, PostgreSQL flavour (keep in step with
-- sqlite/006_action_serialization.sql). Several actions may wait on one order (a refund of
-- another line behind a refund, a refund behind an accept): the one-pending-per-kind index goes;
-- the worker sends an order's pending actions one at a time, oldest first (this index finds
-- them). `fingerprint` identifies the request as submitted (before validation), so a repeated
-- submission is recognised whatever the order's status has become since.
DROP INDEX actions_one_pending;
CREATE INDEX actions_pending_order ON actions (account, channel, marketplace_order_id, seq) WHERE state IN ('queued', 'sending');
ALTER TABLE actions ADD COLUMN fingerprint TEXT;
