// DSL time logs (dsl-time-log form): entries, hours by mode and hours per DSL.
import { median, type IpeForm } from './types';

export interface TimeLogSummary {
  entries: number;
  dsls: number;
  totalMinutes: number;
  minutesByMode: Record<string, number>;
  entriesByMode: Record<string, number>;
  medianHoursPerDsl: number | null;
  /** Entries without a usable duration. */
  missingDuration: number;
}

export const TIME_LOG_INSTRUMENT = 'dsl-time-log';

export function timeLogSummary(forms: IpeForm[]): TimeLogSummary {
  const logs = forms.filter((f) => f.instrument.split('@')[0] === TIME_LOG_INSTRUMENT);
  const minutesByDsl = new Map<string, number>();
  const minutesByMode: Record<string, number> = {};
  const entriesByMode: Record<string, number> = {};
  let total = 0;
  let missing = 0;
  for (const f of logs) {
    const raw = f.answers.dsl_time_log_duration;
    const minutes = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
    const mode = typeof f.answers.dsl_time_log_mode === 'string' ? f.answers.dsl_time_log_mode : 'not stated';
    entriesByMode[mode] = (entriesByMode[mode] ?? 0) + 1;
    if (!Number.isFinite(minutes) || minutes < 0) { missing++; continue; }
    total += minutes;
    minutesByMode[mode] = (minutesByMode[mode] ?? 0) + minutes;
    minutesByDsl.set(f.dslId, (minutesByDsl.get(f.dslId) ?? 0) + minutes);
  }
  return {
    entries: logs.length,
    dsls: new Set(logs.map((f) => f.dslId)).size,
    totalMinutes: total,
    minutesByMode,
    entriesByMode,
    medianHoursPerDsl: median([...minutesByDsl.values()].map((m) => m / 60)),
    missingDuration: missing,
  };
}
