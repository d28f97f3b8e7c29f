-- Sessions that came from an attendance spreadsheet (dslkit import attendance): the school the row named, how many
-- DSLs were present when the sheet gave a count rather than DSL ids (then the session has no attendee rows), and
-- which file and line it came from.
CREATE TABLE imported_sessions (
  session_id INTEGER PRIMARY KEY REFERENCES supervision_sessions(id) ON DELETE CASCADE,
  urn INTEGER NOT NULL REFERENCES schools(urn),
  dsls_present INTEGER NOT NULL CHECK (dsls_present >= 1),
  source TEXT NOT NULL,
  source_sha256 TEXT NOT NULL,
  source_line INTEGER NOT NULL,
  imported_at TEXT NOT NULL
);
CREATE INDEX imported_sessions_urn ON imported_sessions(urn);
