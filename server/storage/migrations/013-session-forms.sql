-- 013: forms that belong to a supervision session, not to a survey wave: each DSL who attended a session gets their own
-- link to that session's DSL time log and preparation sheet (Bolton report, Appendix C: one time-log entry per session,
-- a preparation sheet before each). Tokens are derived from the server secret like invitation tokens and stored only hashed.
CREATE TABLE session_forms (
  id INTEGER PRIMARY KEY,
  session_id INTEGER NOT NULL REFERENCES supervision_sessions(id) ON DELETE CASCADE,
  dsl_id TEXT NOT NULL REFERENCES dsls(id) ON DELETE CASCADE,
  instrument TEXT NOT NULL,                   -- 'id@version'
  token_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  UNIQUE (session_id, dsl_id, instrument)
);
CREATE INDEX session_forms_dsl ON session_forms(dsl_id);

-- A session form's response (one per form instance, like one per invitation).
ALTER TABLE responses ADD COLUMN session_form_id INTEGER REFERENCES session_forms(id) ON DELETE CASCADE;
CREATE UNIQUE INDEX responses_session_form ON responses(session_form_id) WHERE session_form_id IS NOT NULL;
-- Records of supervision written on the staff site, found by session.
CREATE INDEX responses_supervision_session ON responses(supervision_session_id) WHERE supervision_session_id IS NOT NULL;
