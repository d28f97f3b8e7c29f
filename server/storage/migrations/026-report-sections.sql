-- 026: the report sections an evaluator writes (Markdown), one row per trial and section; an absent row is an
-- empty section, which the reports say is not yet written. Each change is audited (report_inputs.sections).
CREATE TABLE report_sections (
  trial_id TEXT NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
  section TEXT NOT NULL CHECK (section IN ('executive_summary', 'key_conclusions', 'introduction', 'logic_model', 'interpretation', 'limitations')),
  body TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,                   -- 'user:<id>' or 'cli:<os user>'
  PRIMARY KEY (trial_id, section)
);
