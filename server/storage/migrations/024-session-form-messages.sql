-- 024: the outbox can send a DSL the links to their forms for a logged supervision session (kind 'session_forms', keyed by
-- session and DSL), and evaluators can word that message. SQLite cannot widen a CHECK in place, so both tables are rebuilt.

CREATE TABLE outbox_messages_024 (
  id INTEGER PRIMARY KEY,
  dedupe_key TEXT NOT NULL UNIQUE,
  trial_id TEXT NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('invitation', 'reminder', 'thank_you', 'session_forms', 'test')),
  wave_id INTEGER REFERENCES waves(id) ON DELETE CASCADE,
  dsl_id TEXT REFERENCES dsls(id) ON DELETE CASCADE,
  session_id INTEGER REFERENCES supervision_sessions(id) ON DELETE CASCADE,  -- kind 'session_forms': the session whose forms it links
  sequence INTEGER NOT NULL DEFAULT 0,
  test_address TEXT,
  status TEXT NOT NULL DEFAULT 'queued'
    CHECK (status IN ('queued', 'sending', 'sent', 'delivered', 'bounced', 'failed', 'cancelled', 'uncertain')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error TEXT,
  provider TEXT,
  provider_id TEXT,
  queued_at TEXT NOT NULL,
  queued_by TEXT NOT NULL,
  sent_at TEXT,
  updated_at TEXT NOT NULL,
  CHECK ((kind = 'test') = (dsl_id IS NULL)),
  CHECK ((kind = 'session_forms') = (session_id IS NOT NULL))
);
INSERT INTO outbox_messages_024 (id, dedupe_key, trial_id, kind, wave_id, dsl_id, sequence, test_address, status, attempts, next_attempt_at,
  last_error, provider, provider_id, queued_at, queued_by, sent_at, updated_at)
  SELECT id, dedupe_key, trial_id, kind, wave_id, dsl_id, sequence, test_address, status, attempts, next_attempt_at,
  last_error, provider, provider_id, queued_at, queued_by, sent_at, updated_at FROM outbox_messages;
DROP TABLE outbox_messages;
ALTER TABLE outbox_messages_024 RENAME TO outbox_messages;
CREATE INDEX outbox_due ON outbox_messages(status, next_attempt_at);
CREATE INDEX outbox_wave_dsl ON outbox_messages(wave_id, dsl_id);
CREATE INDEX outbox_trial ON outbox_messages(trial_id, kind, status);

CREATE TABLE message_templates_024 (
  trial_id TEXT NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('invitation', 'reminder', 'thank_you', 'session_forms')),
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  PRIMARY KEY (trial_id, kind)
);
INSERT INTO message_templates_024 SELECT trial_id, kind, subject, body, updated_at, updated_by FROM message_templates;
DROP TABLE message_templates;
ALTER TABLE message_templates_024 RENAME TO message_templates;
