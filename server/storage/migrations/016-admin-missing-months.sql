-- 016: how the arm-comparison report treats months missing from a school's LA outcome data: 'complete' (the
-- default) analyses only schools with every month of the outcome and baseline windows; 'prorate' scales up a
-- window with at least half its months. The report names the setting in use.
ALTER TABLE report_settings ADD COLUMN admin_missing_months TEXT NOT NULL DEFAULT 'complete' CHECK (admin_missing_months IN ('complete', 'prorate'));
