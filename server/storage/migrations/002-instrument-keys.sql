-- 002: per-trial answer keys for instruments scored against a key (CSA identification vignettes and knowledge).
-- key_json is a JSON object item id -> accepted answer, list of accepted answers, or null (item not scored);
-- its entries replace the bundled (illustrative) key's entries for that trial. instrument is 'id@version'.
CREATE TABLE instrument_keys (
  trial_id TEXT NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
  instrument TEXT NOT NULL,
  key_json TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  PRIMARY KEY (trial_id, instrument)
);
