-- 018: the trial-specific text of the start page a DSL sees before the first question (who runs the study, why,
-- who to contact, the privacy notice link); one row per trial, set by an evaluator, shown escaped.
CREATE TABLE trial_start_pages (
  trial_id TEXT PRIMARY KEY REFERENCES trials(id) ON DELETE CASCADE,
  run_by TEXT NOT NULL,
  purpose TEXT NOT NULL DEFAULT '',
  contact TEXT NOT NULL,
  privacy_url TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
);
