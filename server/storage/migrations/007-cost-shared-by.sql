-- 007: a per-setting programme cost may buy a package shared by several settings (e.g. £1,500 a year for 10 two-hour
-- sessions, one package shared by 2 settings); shared_by is how many settings share one package (1 = not shared).
ALTER TABLE programme_costs ADD COLUMN shared_by INTEGER NOT NULL DEFAULT 1 CHECK (shared_by BETWEEN 1 AND 20);
