// Builds the analysis datasets of a trial's outcomes from report data: administrative measures per school (proportion of pupils) and survey scales per DSL (endline, with the baseline wave as covariate).
import { getRegistry } from '../../instruments/registry';
import type { DataRow } from '../analysis/types';
import type { ReportData, ReportSchool } from './report-data';
import { adminCoverage, type CoverageSummary } from './admin-coverage';

export const ADMIN_MEASURE_LABELS: Record<string, string> = {
  contacts_nfa: 'Contacts leading to no further action (NFA)',
  contacts: 'Contacts',
  referrals: 'Referrals (contacts leading to referral for assessment)',
  referrals_nfa: 'Referrals for assessment leading to NFA',
  early_help: 'Early Help assessments completed',
  cin: 'New Child in Need plans',
  s47: 'Child protection: new section 47 enquiries',
  looked_after: 'Children becoming looked after',
  csa_contacts: 'Contacts about possible child sexual abuse',
};
const ADMIN_ORDER = Object.keys(ADMIN_MEASURE_LABELS);

/** Instruments that are forms, not outcomes. */
export const FORM_IDS = new Set(['dsl-evaluation', 'dsl-time-log', 'dsl-preparation', 'supervision-record']);

export interface OutcomeDataset {
  /** 'admin:<measure>' or '<instrument id>:<scale>'. */
  key: string;
  label: string;
  kind: 'proportion' | 'score';
  /** Row per school (admin) or per DSL (survey): y, baseline, arm, urn, la (the school's LA code), stratum, pupils. */
  rows: DataRow[];
  /** The baseline covariate is used (present for at least one analysable row). */
  hasBaseline: boolean;
  /** How the outcome is measured, for the table notes. */
  description: string;
  /** "higher is better" etc. */
  direction: string;
  /** Decimal places for means. */
  digits: number;
}

export function isAllocated(s: ReportSchool): s is ReportSchool & { arm: 'intervention' | 'control' } {
  return s.arm === 'intervention' || s.arm === 'control';
}

/**
 * Every administrative measure with data in the outcome window, contacts leading to NFA first (the Bolton primary
 * outcome). A school whose data do not cover the windows (admin-coverage.ts) has no outcome (y null) and is named in
 * the report's coverage section; under the pro-rating setting its window sums are scaled up instead.
 */
export function adminDatasets(data: ReportData, coverage: CoverageSummary | null = adminCoverage(data, data.schools.filter(isAllocated))): OutcomeDataset[] {
  if (data.adminOutcomes.length === 0 || !data.adminWindows.outcome) return [];
  const schools = data.schools.filter(isAllocated);
  const withOutcome = new Set(data.adminOutcomes.filter((o) => o.outcomeMonths > 0).map((o) => o.urn));
  const withBaseline = new Set(data.adminOutcomes.filter((o) => o.baselineMonths > 0).map((o) => o.urn));
  const measures = [...new Set(data.adminOutcomes.map((o) => o.measure))].sort((a, b) => ADMIN_ORDER.indexOf(a) - ADMIN_ORDER.indexOf(b));
  // One urn -> counts map per measure (numeric keys: no string building per school and measure).
  const byMeasure = new Map<string, Map<number, ReportData['adminOutcomes'][number]>>(measures.map((m) => [m, new Map()]));
  for (const o of data.adminOutcomes) byMeasure.get(o.measure)!.set(o.urn, o);
  const [o0, o1] = data.adminWindows.outcome;
  const excludedCount = coverage ? [...coverage.schools.values()].filter((c) => c.excludedBecause !== null && c.excludedBecause !== 'no outcome-window data').length : 0;
  const coverageNote = !coverage?.known ? ''
    : coverage.mode === 'prorate'
      ? '; months missing from a school\'s data are pro-rated (report setting: the window sum × months in the window ÷ months with data, for schools with at least half of each window)'
      : `; only schools with data for every month of the outcome window${coverage.baselineUsed ? ' and of the baseline window' : ''} are analysed${excludedCount ? ` (${excludedCount} school${excludedCount === 1 ? '' : 's'} with gaps left out: see Administrative data coverage)` : ''}`;
  return measures.map((measure) => {
    const ofMeasure = byMeasure.get(measure)!;
    const rows: DataRow[] = schools.map((s) => {
      const o = ofMeasure.get(s.urn);
      const pupils = s.pupils && s.pupils > 0 ? s.pupils : null;
      const cov = coverage?.schools.get(s.urn);
      const out = cov?.excludedBecause ? false : withOutcome.has(s.urn);
      // A school with data for some measure in the window but no row for this one had none of it (0); a school with no data at all is missing.
      const y = pupils === null || !out ? null : ((o?.outcomeCount ?? 0) * (cov?.outcomeFactor ?? 1)) / pupils;
      const baseline = pupils === null || !out || !withBaseline.has(s.urn) ? null : ((o?.baselineCount ?? 0) * (cov?.baselineFactor ?? 1)) / pupils;
      return { urn: s.urn, la: s.laCode, arm: s.arm, stratum: s.stratum ?? 'all', pupils, y, baseline, count: o?.outcomeCount ?? null };
    });
    const hasBaseline = rows.some((r) => r.baseline !== null && r.y !== null);
    const label = ADMIN_MEASURE_LABELS[measure] ?? measure;
    const derived = measure === 'contacts' && data.derivedContacts
      ? `. Contacts were not imported for ${data.derivedContacts.schools} school${data.derivedContacts.schools === 1 ? '' : 's'} (${data.derivedContacts.schoolMonths} school-months): there they are derived as contacts leading to NFA plus contacts leading to referral (Bolton report, Table 4 footnote)`
      : '';
    return {
      key: `admin:${measure}`, label, kind: 'proportion' as const, rows, hasBaseline, digits: 4,
      description: `Administrative outcomes: the count between ${o0} and ${o1} as a proportion of pupils on roll, one row per school weighted by pupils`
        + (hasBaseline ? '; the same measure in the previous 12 months as baseline' : '; no baseline-period data were available, so no baseline covariate')
        + coverageNote + derived
        + '. A negative difference means fewer contacts in intervention schools, which may be favourable, though the programme may also raise appropriate contacts',
      direction: '',
    };
  });
}

interface ScaleInfo { label: string; direction: string }

function scaleInfo(instrumentKey: string, scale: string): ScaleInfo & { title: string } {
  try {
    const def = getRegistry().get(instrumentKey);
    const spec = def.scoring as { scales?: { id: string; label: string; direction?: string }[] };
    const s = spec.scales?.find((x) => x.id === scale);
    const dir = s?.direction ?? def.direction[scale] ?? 'none';
    return {
      title: def.title,
      label: s?.label ?? scale,
      direction: dir === 'higher_better' ? 'higher is better' : dir === 'lower_better' ? 'higher is worse' : dir === 'none' ? '' : String(dir).replace(/_/g, ' '),
    };
  } catch {
    return { title: instrumentKey, label: scale, direction: '' };
  }
}

/** Every scale of every outcome instrument in the endline wave, one row per DSL in an allocated school. */
export function surveyDatasets(data: ReportData): OutcomeDataset[] {
  const endline = data.waves.find((w) => w.name === 'endline');
  if (!endline) return [];
  const baseline = data.waves.find((w) => w.name === 'baseline');
  const schoolOf = new Map(data.schools.filter(isAllocated).map((s) => [s.urn, s]));
  const dsls = data.dsls.filter((d) => schoolOf.has(d.urn) && d.status !== 'erased');
  // Scores by wave, then instrument id and scale, then DSL: the per-DSL lookups below use the DSL id alone as key.
  const score = new Map<string, Map<string, number | null>>();
  for (const s of data.scores) {
    const key = `${s.waveId}\u0000${s.instrument.split('@')[0]}\u0000${s.scale}`;
    let m = score.get(key);
    if (!m) { m = new Map(); score.set(key, m); }
    m.set(s.dslId, s.value);
  }
  const out: OutcomeDataset[] = [];
  for (const key of endline.instruments) {
    const id = key.split('@')[0];
    if (FORM_IDS.has(id)) continue;
    let scales: string[] = [];
    try { scales = getRegistry().get(key).scales; } catch { scales = [...new Set(data.scores.filter((s) => s.instrument === key).map((s) => s.scale))]; }
    for (const scale of scales) {
      const info = scaleInfo(key, scale);
      const endScores = score.get(`${endline.id}\u0000${id}\u0000${scale}`);
      const baseScores = baseline ? score.get(`${baseline.id}\u0000${id}\u0000${scale}`) : undefined;
      const rows: DataRow[] = dsls.map((d) => {
        const s = schoolOf.get(d.urn)!;
        const y = endScores?.get(d.id);
        const b = baseScores?.get(d.id);
        return { dsl: d.id, urn: d.urn, la: s.laCode, arm: s.arm, stratum: s.stratum ?? 'all', y: y ?? null, baseline: b ?? null };
      });
      const hasBaseline = rows.some((r) => r.baseline !== null && r.y !== null);
      const label = scales.length > 1 || info.label.toLowerCase() !== 'total' ? `${info.title}: ${info.label}` : info.title;
      out.push({
        key: `${id}:${scale}`, label, kind: 'score', rows, hasBaseline, digits: 2, direction: info.direction,
        description: `Survey outcomes: the endline score, one row per responding DSL, standard errors clustered by school`
          + (hasBaseline ? '; the baseline wave score on the same scale as covariate' : '; no baseline scores on this scale, so no baseline covariate'),
      });
    }
  }
  return out;
}
