// Which schools' LA outcome data cover every month of the outcome and baseline windows, which are left out (or pro-rated, when the report setting says so) and why, and the month-by-month coverage table.
import type { ArmName, ReportData } from './report-data';

export type CoverageMode = 'complete' | 'prorate';

export interface SchoolCoverage {
  urn: number;
  arm: ArmName;
  outcomeMissing: string[];
  baselineMissing: string[];
  /** Why the school's administrative outcomes are not analysed; null when they are. */
  excludedBecause: string | null;
  /** Multipliers applied to the window sums under pro-rating (1 when the window is complete). */
  outcomeFactor: number;
  baselineFactor: number;
}

export interface CoverageSummary {
  mode: CoverageMode;
  outcomeMonths: string[];
  baselineMonths: string[];
  /** Some allocated school has baseline-window data, so the baseline covariate is used and its window must be covered too. */
  baselineUsed: boolean;
  schools: Map<number, SchoolCoverage>;
  /** False for hand-built report data without coverage: every month is then taken as covered. */
  known: boolean;
}

/** Every month from a to b inclusive, 'YYYY-MM'. */
export function monthsBetween(a: string, b: string): string[] {
  const out: string[] = [];
  let [y, m] = a.split('-').map(Number);
  const [yb, mb] = b.split('-').map(Number);
  while (y < yb || (y === yb && m <= mb)) {
    out.push(`${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`);
    m += 1;
    if (m > 12) { m = 1; y += 1; }
    if (out.length > 1200) break;
  }
  return out;
}

function listMonths(months: string[]): string {
  if (months.length <= 4) return months.join(', ');
  return `${months.slice(0, 3).join(', ')} and ${months.length - 3} more`;
}

/**
 * Coverage of each allocated school. Default ('complete'): a school is analysed only with a count for every month of
 * the outcome window and, when the baseline covariate is used, of the baseline window; a month with no row is a gap
 * in the LA's data, never a zero. 'prorate' (an explicit report setting): a window with at least half its months is
 * scaled up to the full window (sum × months in window ÷ months with data); below half the school is left out.
 */
export function adminCoverage(data: ReportData, allocated: Array<{ urn: number; arm: ArmName }>): CoverageSummary | null {
  if (!data.adminWindows.outcome) return null;
  const mode: CoverageMode = data.settings.adminMissingMonths === 'prorate' ? 'prorate' : 'complete';
  const outcomeMonths = monthsBetween(...data.adminWindows.outcome);
  const baselineMonths = data.adminWindows.baseline ? monthsBetween(...data.adminWindows.baseline) : [];
  const known = data.adminCoverage !== undefined;
  const covered = new Map((data.adminCoverage ?? []).map((c) => [c.urn, new Set(c.months)]));
  const baselineUsed = known
    ? allocated.some((s) => baselineMonths.some((m) => covered.get(s.urn)?.has(m)))
    : data.adminOutcomes.some((o) => o.baselineMonths > 0);
  const schools = new Map<number, SchoolCoverage>();
  for (const s of allocated) {
    const have = covered.get(s.urn) ?? new Set<string>();
    const outcomeMissing = known ? outcomeMonths.filter((m) => !have.has(m)) : [];
    const baselineMissing = known && baselineUsed ? baselineMonths.filter((m) => !have.has(m)) : [];
    let excludedBecause: string | null = null;
    let outcomeFactor = 1;
    let baselineFactor = 1;
    const describe = (window: string, missing: string[], of: number) => `${window} window: ${missing.length} of ${of} months missing (${listMonths(missing)})`;
    if (outcomeMissing.length === outcomeMonths.length) excludedBecause = 'no outcome-window data';
    else if (mode === 'complete') {
      const reasons = [outcomeMissing.length ? describe('outcome', outcomeMissing, outcomeMonths.length) : '', baselineMissing.length ? describe('baseline', baselineMissing, baselineMonths.length) : ''].filter(Boolean);
      if (reasons.length) excludedBecause = reasons.join('; ');
    } else {
      const half = (missing: string[], of: number) => of - missing.length >= of / 2;
      const reasons = [!half(outcomeMissing, outcomeMonths.length) ? `${describe('outcome', outcomeMissing, outcomeMonths.length)}, more than half` : '',
        baselineMissing.length && !half(baselineMissing, baselineMonths.length) ? `${describe('baseline', baselineMissing, baselineMonths.length)}, more than half` : ''].filter(Boolean);
      if (reasons.length) excludedBecause = reasons.join('; ');
      outcomeFactor = outcomeMonths.length / (outcomeMonths.length - outcomeMissing.length);
      baselineFactor = baselineMissing.length && baselineMonths.length > baselineMissing.length ? baselineMonths.length / (baselineMonths.length - baselineMissing.length) : 1;
    }
    schools.set(s.urn, { urn: s.urn, arm: s.arm, outcomeMissing, baselineMissing, excludedBecause, outcomeFactor, baselineFactor });
  }
  return { mode, outcomeMonths, baselineMonths, baselineUsed, schools, known };
}
