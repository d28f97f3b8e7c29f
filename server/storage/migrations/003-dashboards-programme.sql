-- 003: published LA dashboards (snapshots: public visitors see the last published version, never live data)
-- and the programme outside a trial (trials.kind = 'programme'): which LA runs it, its packages and their settings.

CREATE TABLE published_dashboards (
  id INTEGER PRIMARY KEY,
  la_code TEXT NOT NULL REFERENCES local_authorities(code),
  published_at TEXT NOT NULL,
  published_by TEXT NOT NULL,                 -- 'user:<id>' or 'cli:<os user>'
  snapshot_json TEXT NOT NULL                 -- the disclosure-controlled view-model (no raw counts below the threshold)
);
CREATE INDEX published_dashboards_la ON published_dashboards(la_code, id);
CREATE TRIGGER published_dashboards_append_only BEFORE UPDATE ON published_dashboards
BEGIN SELECT RAISE(ABORT, 'a published dashboard is never changed: publish a new one'); END;

-- A traded programme: the LA that sells it and the academic year it covers.
CREATE TABLE programmes (
  trial_id TEXT PRIMARY KEY REFERENCES trials(id) ON DELETE CASCADE,
  la_code TEXT NOT NULL REFERENCES local_authorities(code),
  academic_year TEXT NOT NULL CHECK (academic_year GLOB '[0-9][0-9][0-9][0-9]/[0-9][0-9]')
);

-- A package bought for one year: e.g. £1,500 for 10 two-hour sessions, shareable by up to four settings.
CREATE TABLE programme_packages (
  id INTEGER PRIMARY KEY,
  trial_id TEXT NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  price_pence INTEGER NOT NULL CHECK (price_pence >= 0),
  sessions_included INTEGER NOT NULL CHECK (sessions_included BETWEEN 1 AND 100),
  session_minutes INTEGER NOT NULL CHECK (session_minutes BETWEEN 1 AND 1440),
  max_settings INTEGER NOT NULL DEFAULT 4 CHECK (max_settings BETWEEN 1 AND 20),
  created_at TEXT NOT NULL,
  UNIQUE (trial_id, name)
);

-- The settings (schools) sharing a package; the price is shared equally between them.
CREATE TABLE package_settings (
  package_id INTEGER NOT NULL REFERENCES programme_packages(id) ON DELETE CASCADE,
  urn INTEGER NOT NULL REFERENCES schools(urn),
  PRIMARY KEY (package_id, urn)
);
