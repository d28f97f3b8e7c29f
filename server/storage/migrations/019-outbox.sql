-- 019: the outbox (every message to a DSL queued in the same transaction as the decision to send it, sent by the
-- server's sender worker), per-trial fieldwork settings and message templates, and DSLs' opt-outs from reminders.

-- One row per message. dedupe_key makes "never twice for the same DSL, wave (or session) and kind" a constraint:
-- 'invitation:<wave id>:<dsl id>', 'reminder:<wave id>:<dsl id>:<n>', 'thank_you:<wave id>:<dsl id>',
-- 'test:<random>'. No address, link or text is stored: they are derived when the message is sent, so an erased DSL's
-- queued messages go with the DSL (ON DELETE CASCADE) and a database copy holds no working link.
CREATE TABLE outbox_messages (
  id INTEGER PRIMARY KEY,
  dedupe_key TEXT NOT NULL UNIQUE,
  trial_id TEXT NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('invitation', 'reminder', 'thank_you', 'test')),
  wave_id INTEGER REFERENCES waves(id) ON DELETE CASCADE,
  dsl_id TEXT REFERENCES dsls(id) ON DELETE CASCADE,
  sequence INTEGER NOT NULL DEFAULT 0,            -- reminder number (1, 2, ...); 0 for other kinds
  test_address TEXT,                              -- only for kind 'test': the staff member's own address
  status TEXT NOT NULL DEFAULT 'queued'
    CHECK (status IN ('queued', 'sending', 'sent', 'delivered', 'bounced', 'failed', 'cancelled', 'uncertain')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,                  -- when the worker may try (again)
  last_error TEXT,                                -- why it failed, was cancelled or is being retried
  provider TEXT,                                  -- 'smtp' or 'notify' once sent
  provider_id TEXT,                               -- SMTP Message-ID or Notify notification id
  queued_at TEXT NOT NULL,
  queued_by TEXT NOT NULL,
  sent_at TEXT,
  updated_at TEXT NOT NULL,
  CHECK ((kind = 'test') = (dsl_id IS NULL))
);
CREATE INDEX outbox_due ON outbox_messages(status, next_attempt_at);
CREATE INDEX outbox_wave_dsl ON outbox_messages(wave_id, dsl_id);
CREATE INDEX outbox_trial ON outbox_messages(trial_id, kind, status);

-- How a trial's fieldwork runs itself. auto_send: invitations go when a wave opens and reminders when due.
CREATE TABLE fieldwork_settings (
  trial_id TEXT PRIMARY KEY REFERENCES trials(id) ON DELETE CASCADE,
  auto_send INTEGER NOT NULL DEFAULT 0 CHECK (auto_send IN (0, 1)),
  reminder_interval_days INTEGER NOT NULL DEFAULT 7 CHECK (reminder_interval_days BETWEEN 1 AND 60),
  reminder_max INTEGER NOT NULL DEFAULT 2 CHECK (reminder_max BETWEEN 0 AND 10),
  thank_you INTEGER NOT NULL DEFAULT 0 CHECK (thank_you IN (0, 1)),
  thank_you_since TEXT,                           -- thank DSLs who complete from this time on (when it was switched on)
  contact TEXT NOT NULL DEFAULT '',               -- who DSLs may write to, shown in every message
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
);

-- An evaluator's wording for one kind of message (Handlebars, checked against the known fields when saved).
CREATE TABLE message_templates (
  trial_id TEXT NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('invitation', 'reminder', 'thank_you')),
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  PRIMARY KEY (trial_id, kind)
);

-- A DSL who followed the opt-out link in a message: no more reminders or thank-yous (the survey link still works).
CREATE TABLE dsl_opt_outs (
  dsl_id TEXT PRIMARY KEY REFERENCES dsls(id) ON DELETE CASCADE,
  opted_out_at TEXT NOT NULL
);

-- The hash of each DSL's opt-out token (the token itself is derived from the server secret when a message is sent).
CREATE TABLE opt_out_links (
  token_hash TEXT PRIMARY KEY,
  dsl_id TEXT NOT NULL UNIQUE REFERENCES dsls(id) ON DELETE CASCADE
);
