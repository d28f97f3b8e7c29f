-- 010: the published figures of a closed survey wave, per LA and study, frozen the first time a dashboard shows them.
-- Later publications and previews reuse them as they are, so erasures, withdrawals, late imports and rescoring after
-- the close can never be read off the difference between two pages. Holds disclosure-controlled output only (the
-- same tables and bars the page prints), never an individual's answer.
CREATE TABLE frozen_wave_figures (
  la_code TEXT NOT NULL REFERENCES local_authorities(code),
  trial_id TEXT NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
  wave TEXT NOT NULL CHECK (wave IN ('baseline', 'midpoint', 'endline')),
  frozen_at TEXT NOT NULL,
  figures_json TEXT NOT NULL,
  PRIMARY KEY (la_code, trial_id, wave)
);
CREATE TRIGGER frozen_wave_figures_never_change BEFORE UPDATE ON frozen_wave_figures
BEGIN SELECT RAISE(ABORT, 'the figures of a closed wave are frozen once shown'); END;
