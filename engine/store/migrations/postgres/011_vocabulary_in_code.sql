-- 011 the vocabulary is declared once (engine/vocabulary/), PostgreSQL flavour (keep in step with
-- sqlite/011_vocabulary_in_code.sql): the store no longer repeats the action kinds
-- (actions.action) and the normalized statuses (orders.status) in CHECK constraints, so a new
-- kind or status needs no migration; the engine checks both before writing
-- (store/shared/validate.ts, store/shared/prepare-order.ts).
ALTER TABLE actions DROP CONSTRAINT actions_action_check;
ALTER TABLE actions ADD CONSTRAINT actions_action_check CHECK (action <> '');
ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status <> '');
