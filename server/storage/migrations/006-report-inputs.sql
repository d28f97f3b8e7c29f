-- 006: what evaluators enter for their reports: programme costs, selected quotes from evaluation forms,
-- a TIDieR-style intervention description and per-trial report settings (primary outcome, effect size, SEs, protocol MDES).

-- Entered programme costs. basis: 'per_school' (charged per engaged setting, e.g. £1,500 per setting per year),
-- 'per_dsl' (per engaged DSL) or 'total' (one amount shared between settings).
CREATE TABLE programme_costs (
  id INTEGER PRIMARY KEY,
  trial_id TEXT NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
  item TEXT NOT NULL CHECK (length(item) BETWEEN 1 AND 200),
  amount_pence INTEGER NOT NULL CHECK (amount_pence >= 0),
  basis TEXT NOT NULL CHECK (basis IN ('per_school', 'per_dsl', 'total')),
  note TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX programme_costs_trial ON programme_costs(trial_id);

-- Free-text answers an evaluator chose to quote in the IPE report (one row per response and item).
CREATE TABLE report_quotes (
  trial_id TEXT NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
  response_id INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
  item TEXT NOT NULL,
  selected_by TEXT NOT NULL,                  -- 'user:<id>' or 'cli:<os user>'
  selected_at TEXT NOT NULL,
  PRIMARY KEY (trial_id, response_id, item)
);

-- TIDieR-style description of the intervention, one text block per field; missing fields use report defaults.
CREATE TABLE intervention_descriptions (
  trial_id TEXT NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
  field TEXT NOT NULL CHECK (field IN ('name', 'why', 'what_materials', 'what_procedures', 'who_provided', 'how',
    'where', 'when_how_much', 'tailoring', 'modifications', 'how_well_planned', 'how_well_actual')),
  body TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  PRIMARY KEY (trial_id, field)
);

-- Report choices per trial. primary_outcome: 'admin:<measure>' or '<instrument id>:<scale>' (e.g. 'pss10:total').
CREATE TABLE report_settings (
  trial_id TEXT PRIMARY KEY REFERENCES trials(id) ON DELETE CASCADE,
  primary_outcome TEXT,
  effect_size TEXT NOT NULL DEFAULT 'glass' CHECK (effect_size IN ('glass', 'hedges')),
  se_type TEXT NOT NULL DEFAULT 'auto' CHECK (se_type IN ('auto', 'cr1', 'cr2')),
  protocol_mdes TEXT NOT NULL DEFAULT '{}',   -- JSON {icc, r2_cluster, r2_individual, cluster_size, alpha, power}
  updated_at TEXT NOT NULL
);
