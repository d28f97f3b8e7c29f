-- 001: the trial registry: places, people (pseudonymous), trials, allocation, waves, invitations,
-- responses, scores, supervision, administrative outcomes, accounts and the append-only audit log.
-- Timestamps are ISO-8601 UTC text; dates are YYYY-MM-DD; months are YYYY-MM.

CREATE TABLE local_authorities (
  code TEXT PRIMARY KEY,                      -- DfE LA code, e.g. '350' (Bolton)
  name TEXT NOT NULL
);

CREATE TABLE schools (
  urn INTEGER PRIMARY KEY,                    -- DfE Unique Reference Number
  name TEXT NOT NULL,
  la_code TEXT NOT NULL REFERENCES local_authorities(code),
  phase TEXT,                                 -- PhaseOfEducation (name)
  type TEXT,                                  -- TypeOfEstablishment (name)
  pupils INTEGER CHECK (pupils IS NULL OR pupils >= 0),
  fsm_percent REAL CHECK (fsm_percent IS NULL OR (fsm_percent >= 0 AND fsm_percent <= 100)),
  ofsted_rating TEXT,
  urban_rural TEXT,
  is_synthetic INTEGER NOT NULL DEFAULT 0     -- 1 for demo and fixture schools
);
CREATE INDEX schools_la ON schools(la_code);

-- A trial, or a traded programme outside a trial (kind = 'programme': no randomisation).
CREATE TABLE trials (
  id TEXT PRIMARY KEY CHECK (id GLOB '[a-z0-9]*' AND length(id) <= 40),
  title TEXT NOT NULL,
  kind TEXT NOT NULL DEFAULT 'trial' CHECK (kind IN ('trial', 'programme')),
  unit TEXT NOT NULL DEFAULT 'school' CHECK (unit IN ('school', 'local_authority')),
  strata TEXT NOT NULL DEFAULT '[]',          -- JSON array of stratifying variables
  method TEXT,                                -- randomisation method planned
  seed INTEGER,
  status TEXT NOT NULL DEFAULT 'setup' CHECK (status IN ('setup', 'randomised', 'fieldwork', 'analysis', 'closed')),
  sessions_intended INTEGER,                  -- formal sessions each school should receive (plus introduction)
  session_interval_weeks TEXT NOT NULL DEFAULT '[4,6]',  -- JSON [min, max] weeks between sessions
  starts_on TEXT,
  ends_on TEXT,
  retention_until TEXT,                       -- date after which personal data must be erased
  is_demo INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);

CREATE TABLE trial_schools (
  trial_id TEXT NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
  urn INTEGER NOT NULL REFERENCES schools(urn),
  status TEXT NOT NULL DEFAULT 'enrolled' CHECK (status IN ('enrolled', 'declined', 'withdrawn')),
  PRIMARY KEY (trial_id, urn)
);

-- One randomisation per trial: what was run, on what input, with which seed.
CREATE TABLE randomisations (
  id INTEGER PRIMARY KEY,
  trial_id TEXT NOT NULL UNIQUE REFERENCES trials(id) ON DELETE CASCADE,
  method TEXT NOT NULL,
  algorithm_version TEXT NOT NULL,
  seed INTEGER NOT NULL,
  input_sha256 TEXT NOT NULL,
  strata TEXT NOT NULL,                       -- JSON array of columns
  cluster TEXT,                               -- column randomised as a cluster, if any
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL
);

CREATE TABLE allocations (
  trial_id TEXT NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
  urn INTEGER NOT NULL REFERENCES schools(urn),
  randomisation_id INTEGER NOT NULL REFERENCES randomisations(id) ON DELETE CASCADE,
  stratum TEXT NOT NULL,
  draw REAL NOT NULL,
  arm TEXT NOT NULL CHECK (arm IN ('control', 'intervention')),
  PRIMARY KEY (trial_id, urn)
);
CREATE TRIGGER allocations_write_once BEFORE UPDATE ON allocations
BEGIN SELECT RAISE(ABORT, 'allocations are written once and never changed'); END;
CREATE TRIGGER allocations_keep BEFORE DELETE ON allocations
WHEN (SELECT is_demo FROM trials WHERE id = OLD.trial_id) = 0
BEGIN SELECT RAISE(ABORT, 'allocations of a real trial are never deleted'); END;
CREATE TRIGGER randomisations_write_once BEFORE UPDATE ON randomisations
BEGIN SELECT RAISE(ABORT, 'a randomisation record is written once'); END;

-- DSLs: pseudonymous; identifying details live in dsl_contacts so analysis never needs them.
CREATE TABLE dsls (
  id TEXT PRIMARY KEY,                        -- pseudonymous id, e.g. 'dsl-7k3f9q2m'
  trial_id TEXT NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
  urn INTEGER NOT NULL REFERENCES schools(urn),
  role TEXT,                                  -- headteacher, deputy, pastoral manager, ...
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'withdrawn', 'erased')),
  withdrawn_at TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX dsls_trial_school ON dsls(trial_id, urn);

CREATE TABLE dsl_contacts (
  dsl_id TEXT PRIMARY KEY REFERENCES dsls(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  email TEXT NOT NULL
);
CREATE UNIQUE INDEX dsl_contacts_email ON dsl_contacts(dsl_id, email);

CREATE TABLE waves (
  id INTEGER PRIMARY KEY,
  trial_id TEXT NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
  name TEXT NOT NULL CHECK (name IN ('baseline', 'midpoint', 'endline')),
  opens_at TEXT NOT NULL,
  closes_at TEXT NOT NULL,
  instruments TEXT NOT NULL,                  -- JSON array of 'id@version', in page order
  UNIQUE (trial_id, name),
  CHECK (closes_at > opens_at)
);

-- Invitation tokens are never stored: only their SHA-256.
CREATE TABLE invitations (
  id INTEGER PRIMARY KEY,
  wave_id INTEGER NOT NULL REFERENCES waves(id) ON DELETE CASCADE,
  dsl_id TEXT NOT NULL REFERENCES dsls(id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  UNIQUE (wave_id, dsl_id)
);

-- One response per invitation (or per supervision record); answers live in response_snapshots.
CREATE TABLE responses (
  id INTEGER PRIMARY KEY,
  invitation_id INTEGER UNIQUE REFERENCES invitations(id) ON DELETE CASCADE,
  dsl_id TEXT REFERENCES dsls(id) ON DELETE CASCADE,
  wave_id INTEGER REFERENCES waves(id) ON DELETE CASCADE,
  supervision_session_id INTEGER REFERENCES supervision_sessions(id) ON DELETE CASCADE,
  author_user_id INTEGER REFERENCES users(id),
  instruments TEXT NOT NULL,                  -- JSON array of 'id@version' answered
  status TEXT NOT NULL DEFAULT 'partial' CHECK (status IN ('partial', 'complete')),
  current_page INTEGER NOT NULL DEFAULT 0,
  started_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  submitted_at TEXT
);
CREATE INDEX responses_wave ON responses(wave_id);

-- Raw answers are appended, never overwritten: the newest snapshot is the current state.
CREATE TABLE response_snapshots (
  id INTEGER PRIMARY KEY,
  response_id INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('progress', 'submit', 'import')),
  answers TEXT NOT NULL,                      -- JSON object item id -> value
  page INTEGER NOT NULL DEFAULT 0,
  saved_at TEXT NOT NULL
);
CREATE INDEX response_snapshots_response ON response_snapshots(response_id, id);
CREATE TRIGGER response_snapshots_append_only BEFORE UPDATE ON response_snapshots
BEGIN SELECT RAISE(ABORT, 'raw answers are never overwritten'); END;

CREATE TABLE scores (
  response_id INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
  instrument TEXT NOT NULL,                   -- 'id@version' of the rules that produced it
  scale TEXT NOT NULL,
  value REAL,                                 -- NULL when it cannot be computed
  reason TEXT,                                -- why value is NULL
  band TEXT,
  computed_at TEXT NOT NULL,
  PRIMARY KEY (response_id, instrument, scale)
);

-- Staff accounts: evaluators/admins, supervising social workers, LA officers. DSLs have no account.
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'evaluator', 'supervisor', 'la_officer')),
  la_code TEXT REFERENCES local_authorities(code),
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  CHECK (role <> 'la_officer' OR la_code IS NOT NULL)
);

CREATE TABLE auth_sessions (
  id_hash TEXT PRIMARY KEY,                   -- SHA-256 of the cookie value
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);

CREATE TABLE supervisor_assignments (
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  trial_id TEXT NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
  urn INTEGER NOT NULL REFERENCES schools(urn),
  PRIMARY KEY (user_id, trial_id, urn)
);

CREATE TABLE supervision_sessions (
  id INTEGER PRIMARY KEY,
  trial_id TEXT NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
  supervisor_user_id INTEGER REFERENCES users(id),
  kind TEXT NOT NULL CHECK (kind IN ('introduction', 'formal', 'adhoc')),
  mode TEXT NOT NULL CHECK (mode IN ('face_to_face', 'online', 'phone', 'email')),
  format TEXT NOT NULL CHECK (format IN ('individual', 'group')),
  held_on TEXT NOT NULL,
  duration_minutes INTEGER NOT NULL CHECK (duration_minutes >= 0 AND duration_minutes <= 1440),
  created_at TEXT NOT NULL
);
CREATE INDEX supervision_sessions_trial ON supervision_sessions(trial_id, held_on);

CREATE TABLE supervision_attendees (
  session_id INTEGER NOT NULL REFERENCES supervision_sessions(id) ON DELETE CASCADE,
  dsl_id TEXT NOT NULL REFERENCES dsls(id) ON DELETE CASCADE,
  urn INTEGER NOT NULL REFERENCES schools(urn),
  PRIMARY KEY (session_id, dsl_id)
);

-- Local-authority administrative outcomes: one count per school, month and measure.
CREATE TABLE admin_outcomes (
  urn INTEGER NOT NULL REFERENCES schools(urn),
  period TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
  measure TEXT NOT NULL CHECK (measure IN ('contacts', 'contacts_nfa', 'referrals', 'referrals_nfa',
    'early_help', 'cin', 's47', 'looked_after', 'csa_contacts')),
  count INTEGER NOT NULL CHECK (count >= 0),
  imported_at TEXT NOT NULL,
  PRIMARY KEY (urn, period, measure)
);

-- Append-only record of every sensitive action.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,                        -- 'user:<id>', 'cli:<os user>', 'system'
  action TEXT NOT NULL,                       -- e.g. 'randomise', 'randomise.refused', 'import.schools'
  trial_id TEXT,
  detail TEXT NOT NULL DEFAULT '{}'           -- JSON, never personal data or secrets
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
