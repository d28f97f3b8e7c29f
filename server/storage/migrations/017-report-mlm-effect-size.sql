-- 017: whether the arm-comparison report adds the multilevel model's effect sizes for survey outcomes (DSLs in
-- schools, random intercepts, REML as lme4), and which of EEF's two it leads with: 'total' (Hedges' g on the
-- total variance) or 'within' (on the within-school variance); 'off' (the default) leaves the report as it was.
ALTER TABLE report_settings ADD COLUMN mlm_effect_size TEXT NOT NULL DEFAULT 'off' CHECK (mlm_effect_size IN ('off', 'total', 'within'));
