-- 015: every school's status in a trial is known, with its date and reason: excluded before randomisation, declined
-- after allocation, withdrawn, and "attendance record missing" (an intervention school whose supervision attendance
-- was not recorded). trial_schools is rebuilt to allow 'excluded' (SQLite cannot change a CHECK in place); its rows
-- are copied unchanged. school_status_events keeps every change, oldest first, for the audit and the report.

CREATE TABLE trial_schools_015 (
  trial_id TEXT NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
  urn INTEGER NOT NULL REFERENCES schools(urn),
  status TEXT NOT NULL DEFAULT 'enrolled' CHECK (status IN ('enrolled', 'excluded', 'declined', 'withdrawn')),
  status_on TEXT,                             -- date (YYYY-MM-DD) the current status took effect; NULL when enrolled at import
  status_reason TEXT,                         -- why (free text the evaluator gave); NULL when enrolled at import
  attendance_missing_on TEXT,                 -- set when the school's supervision attendance record is missing
  attendance_missing_reason TEXT,
  PRIMARY KEY (trial_id, urn),
  CHECK ((attendance_missing_on IS NULL) = (attendance_missing_reason IS NULL))
);
INSERT INTO trial_schools_015 (trial_id, urn, status) SELECT trial_id, urn, status FROM trial_schools;
DROP TABLE trial_schools;
ALTER TABLE trial_schools_015 RENAME TO trial_schools;

CREATE TABLE school_status_events (
  id INTEGER PRIMARY KEY,
  trial_id TEXT NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
  urn INTEGER NOT NULL REFERENCES schools(urn),
  status TEXT NOT NULL CHECK (status IN ('enrolled', 'excluded', 'declined', 'withdrawn', 'attendance_missing')),
  effective_on TEXT NOT NULL,                 -- YYYY-MM-DD
  reason TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  recorded_by TEXT NOT NULL                   -- 'user:<id>' or 'cli:<os user>'
);
CREATE INDEX school_status_events_trial ON school_status_events(trial_id, urn, id);
CREATE TRIGGER school_status_events_append_only BEFORE UPDATE ON school_status_events
BEGIN SELECT RAISE(ABORT, 'school status history is append-only'); END;
