-- 013 reference lists, PostgreSQL flavour (keep in step with sqlite/013_reference_lists.sql).
-- reference_lists: a channel's value list (carriers, reasons) as one account's marketplace serves
-- it (channel lists.<name>.live: Mirakl SH21, RE01; Octopia carriers), with its fetch time.
-- entries is the JSON array of {code, label, tracking_url?}, NULL until a fetch succeeded; a
-- failed refresh keeps it and records attempted_at, error and the count of failures in a row.
CREATE TABLE reference_lists (
  account      TEXT        NOT NULL CHECK (account <> ''),
  channel      TEXT        NOT NULL CHECK (channel <> ''),
  list         TEXT        NOT NULL CHECK (list <> ''),
  source       TEXT        NOT NULL CHECK (source <> ''),
  entries      JSONB,
  fetched_at   TIMESTAMPTZ,
  attempted_at TIMESTAMPTZ NOT NULL,
  error        TEXT,
  failures     INTEGER     NOT NULL DEFAULT 0 CHECK (failures >= 0),
  PRIMARY KEY (account, channel, list)
);
