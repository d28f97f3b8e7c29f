-- 029: the months ('YYYY-MM/YYYY-MM', first and last) the arm-comparison report's robustness section re-runs the
-- primary model on (the Bolton report's January–March check); NULL: the latter half of the outcome window.
ALTER TABLE report_settings ADD COLUMN robustness_window TEXT CHECK (robustness_window IS NULL OR robustness_window GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]/[0-9][0-9][0-9][0-9]-[0-9][0-9]');
