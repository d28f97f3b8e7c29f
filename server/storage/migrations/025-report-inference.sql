-- 025: randomisation inference, cluster bootstrap and CACE in the arm-comparison report (issue 15), per trial and
-- off by default. Permutation test: re-runs of the trial's own allocation procedure (draws), re-run b seeded with
-- R's set.seed(seed + b); exact enumeration when there are at most 20 units. Bootstrap: resamples of whole clusters
-- within strata after set.seed(seed). CACE: receipt is "at least cace_threshold formal sessions" (and the dosage as
-- a continuous receipt). A seed or threshold stays NULL until entered; the settings page asks for it when switched on.
ALTER TABLE report_settings ADD COLUMN permutation_test INTEGER NOT NULL DEFAULT 0 CHECK (permutation_test IN (0, 1));
ALTER TABLE report_settings ADD COLUMN permutation_draws INTEGER NOT NULL DEFAULT 10000 CHECK (permutation_draws BETWEEN 100 AND 100000);
ALTER TABLE report_settings ADD COLUMN permutation_seed INTEGER CHECK (permutation_seed BETWEEN 1 AND 2147000000);
ALTER TABLE report_settings ADD COLUMN bootstrap_ci INTEGER NOT NULL DEFAULT 0 CHECK (bootstrap_ci IN (0, 1));
ALTER TABLE report_settings ADD COLUMN bootstrap_draws INTEGER NOT NULL DEFAULT 2000 CHECK (bootstrap_draws BETWEEN 100 AND 20000);
ALTER TABLE report_settings ADD COLUMN bootstrap_seed INTEGER CHECK (bootstrap_seed BETWEEN 1 AND 2147000000);
ALTER TABLE report_settings ADD COLUMN cace INTEGER NOT NULL DEFAULT 0 CHECK (cace IN (0, 1));
ALTER TABLE report_settings ADD COLUMN cace_threshold INTEGER CHECK (cace_threshold BETWEEN 1 AND 50);
