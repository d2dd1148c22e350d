-- 004 action progress, SQLite flavour (keep in step with postgres/004_action_progress.sql): the
-- worker's own bookkeeping of an action (steps completed, an unsure outcome to settle by reading
-- the order back, the order's facts before the first send), kept apart from `result`, which the
-- API and webhooks show.
ALTER TABLE actions ADD COLUMN progress TEXT;

-- Earlier versions flagged an unsure outcome inside `result`: move the flag where it belongs.
UPDATE actions
  SET progress = json_object('unsure', json_object('step', 0, 'message', coalesce(json_extract(result, '$.message'), 'outcome unknown'))),
      result = NULL
  WHERE result IS NOT NULL AND json_valid(result) AND json_extract(result, '$.ambiguous') = 1;
