-- 004 action progress, PostgreSQL flavour (keep in step with sqlite/004_action_progress.sql): the
-- worker's own bookkeeping of an action (steps completed, an unsure outcome to settle by reading
-- the order back, the order's facts before the first send), kept apart from `result`, which the
-- API and webhooks show.
ALTER TABLE actions ADD COLUMN progress JSONB;

-- Earlier versions flagged an unsure outcome inside `result`: move the flag where it belongs.
UPDATE actions
  SET progress = jsonb_build_object('unsure', jsonb_build_object('step', 0, 'message', coalesce(result->>'message', 'outcome unknown'))),
      result = NULL
  WHERE jsonb_typeof(result) = 'object' AND result->'ambiguous' = 'true'::jsonb;
