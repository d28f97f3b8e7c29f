-- Outcome imports from the command line are applied in short transactions, so the server keeps taking survey
-- answers during a long import; what each chunk changed is kept until the import finishes, so an import that
-- fails or is killed part-way is rolled back (by the next import, or the server at start).
CREATE TABLE outcome_imports (
  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  rows INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('applying', 'done', 'rolled back')),
  pid INTEGER,                                -- the importing process, to tell a running import from an abandoned one
  started_at TEXT NOT NULL,
  finished_at TEXT
);

-- One row per admin_outcomes row an unfinished import added or changed: the value before it (NULL = added).
CREATE TABLE outcome_import_undo (
  id INTEGER PRIMARY KEY,
  import_id INTEGER NOT NULL REFERENCES outcome_imports(id) ON DELETE CASCADE,
  urn INTEGER NOT NULL,
  period TEXT NOT NULL,
  measure TEXT NOT NULL,
  previous_count INTEGER,
  previous_imported_at TEXT
);
CREATE INDEX outcome_import_undo_import ON outcome_import_undo(import_id, id);
