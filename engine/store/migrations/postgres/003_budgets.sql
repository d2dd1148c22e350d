-- 003 shared request budgets (keep in step with sqlite/003_budgets.sql): per account and
-- endpoint, the instants of the last requests granted, so every daemon on one store keeps to the
-- marketplace's ceilings together (engine/store/shared/budget-rules.ts).
CREATE TABLE budgets (
  key        TEXT        PRIMARY KEY,
  -- ms since the epoch, oldest first, at most `limit` of them.
  taken      BIGINT[]    NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL
);
