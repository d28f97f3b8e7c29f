-- 014: who a survey wave (or form) goes to, session topics, and the package a programme session was delivered under.

-- A wave limited by arm and by dosage (the Bolton evaluation form went to the intervention DSLs with three formal sessions).
ALTER TABLE waves ADD COLUMN arms TEXT;                 -- JSON array of arms whose DSLs are invited; NULL: every arm
ALTER TABLE waves ADD COLUMN min_sessions INTEGER CHECK (min_sessions IS NULL OR min_sessions BETWEEN 1 AND 50);  -- formal sessions a DSL must have attended

-- The short list of topics a trial records sessions against, and each session's topics plus free text.
CREATE TABLE trial_topics (
  trial_id TEXT NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
  code TEXT NOT NULL CHECK (code GLOB '[a-z0-9]*' AND length(code) BETWEEN 1 AND 40),
  label TEXT NOT NULL CHECK (length(label) BETWEEN 1 AND 120),
  position INTEGER NOT NULL,
  PRIMARY KEY (trial_id, code)
);
CREATE TABLE session_topics (
  session_id INTEGER NOT NULL REFERENCES supervision_sessions(id) ON DELETE CASCADE,
  code TEXT NOT NULL,
  PRIMARY KEY (session_id, code)
);
ALTER TABLE supervision_sessions ADD COLUMN topics_note TEXT CHECK (topics_note IS NULL OR length(topics_note) <= 1000);

-- A programme session counts towards the package it was delivered under (a school can be in two packages).
ALTER TABLE supervision_sessions ADD COLUMN package_id INTEGER REFERENCES programme_packages(id);
CREATE INDEX supervision_sessions_package ON supervision_sessions(package_id) WHERE package_id IS NOT NULL;
