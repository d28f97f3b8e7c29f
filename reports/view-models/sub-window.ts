// The robustness sub-window: the months of the outcome window the primary model is re-run on (report setting, or by default the latter half, as the Bolton report's January–March 2020 check).
import { monthsBetween } from './admin-coverage';

/** The sub-window for an outcome window: the setting when given, else its latter half (the last ⌊n/2⌋ months); null without an outcome window of 2 months or more. */
export function subWindowOf(outcome: [string, string] | null, setting: [string, string] | null | undefined): { months: [string, string]; fromSetting: boolean } | null {
  if (setting) return { months: setting, fromSetting: true };
  if (!outcome) return null;
  const all = monthsBetween(...outcome);
  if (all.length < 2) return null;
  const half = all.slice(all.length - Math.floor(all.length / 2));
  return { months: [half[0], half[half.length - 1]], fromSetting: false };
}
