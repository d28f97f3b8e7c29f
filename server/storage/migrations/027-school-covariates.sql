-- School covariates beyond GIAS (dslkit import covariates): ever-FSM, EAL, SEN support and KS2 per school of a trial,
-- each value with the import it came from; each import with its file name, SHA-256, date and the columns it held.
-- Also: which FSM variable a niesr-fsm-median randomisation blocked on, and the national or LA comparison figures the
-- evaluator enters for Table 2 of the arm-comparison report.
CREATE TABLE covariate_imports (
  id INTEGER PRIMARY KEY,
  trial_id TEXT NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
  source TEXT NOT NULL,                       -- the file's name as given
  sha256 TEXT NOT NULL,                       -- SHA-256 of the file's bytes
  covariates TEXT NOT NULL,                   -- JSON object: covariate key -> the file's column it came from
  rows INTEGER NOT NULL,
  imported_at TEXT NOT NULL,
  imported_by TEXT NOT NULL
);
CREATE INDEX covariate_imports_trial ON covariate_imports(trial_id);

CREATE TABLE school_covariates (
  trial_id TEXT NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
  urn INTEGER NOT NULL REFERENCES schools(urn),
  covariate TEXT NOT NULL,                    -- fsm_ever, eal, sen_support, ks2_expected, ks2_higher
  value REAL CHECK (value IS NULL OR (value >= 0 AND value <= 100)),
  missing TEXT,                               -- why value is NULL: 'blank', or the file's code (SUPP, NE, ...)
  import_id INTEGER NOT NULL REFERENCES covariate_imports(id) ON DELETE CASCADE,
  source_line INTEGER NOT NULL,
  CHECK ((value IS NULL) <> (missing IS NULL)),
  PRIMARY KEY (trial_id, urn, covariate)
);

-- The column niesr-fsm-median blocked on (NULL: PercentageFSM, or a method without FSM blocks).
ALTER TABLE randomisations ADD COLUMN fsm_column TEXT;

-- Table 2's comparison column: what the figures are (e.g. "England, state-funded primary schools, 2019") and one
-- figure per characteristic (percent, or pupils for the number on roll).
CREATE TABLE report_comparison (
  trial_id TEXT PRIMARY KEY REFERENCES trials(id) ON DELETE CASCADE,
  heading TEXT NOT NULL CHECK (length(heading) BETWEEN 1 AND 200),
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
);
CREATE TABLE report_comparison_figures (
  trial_id TEXT NOT NULL REFERENCES report_comparison(trial_id) ON DELETE CASCADE,
  characteristic TEXT NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (trial_id, characteristic)
);
