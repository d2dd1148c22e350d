-- 009 the cancel_lines action (line cancellation before shipment), PostgreSQL flavour (keep in
-- step with sqlite/009_cancel_lines.sql): actions.action accepts it.
ALTER TABLE actions DROP CONSTRAINT actions_action_check;
ALTER TABLE actions ADD CONSTRAINT actions_action_check
  CHECK (action IN ('accept', 'refuse', 'ship', 'refund', 'cancel', 'cancel_lines'));
