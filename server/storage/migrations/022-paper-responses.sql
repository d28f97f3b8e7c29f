-- Survey responses that were not answered on the web (dslkit import responses): paper or legacy returns, who typed
-- them in, the date the DSL completed them, and the file they came from. A response without a row here came from the web.
CREATE TABLE response_sources (
  response_id INTEGER PRIMARY KEY REFERENCES responses(id) ON DELETE CASCADE,
  source TEXT NOT NULL CHECK (source IN ('paper')),
  entered_by TEXT NOT NULL CHECK (length(entered_by) BETWEEN 1 AND 200),
  completed_on TEXT NOT NULL CHECK (completed_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  entered_at TEXT NOT NULL,
  file_sha256 TEXT NOT NULL,
  file_line INTEGER NOT NULL
);
