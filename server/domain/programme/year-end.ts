// The year-end account of a traded programme (no control group): sessions delivered against those bought, cost per setting and per DSL,
// and wellbeing change of DSLs who answered at the start and end of the year, with the caveat that change is not impact.
import { protectSummary, MIN_RESPONDENTS_FOR_SUMMARY, type PublishedSummary } from '../disclosure';
import { meanWithCi, type MeanCi } from '../dashboards/mean-ci';
import { PUBLISHED_SCALES } from '../dashboards/scales';
import { evaluationFormSummary, median, EVALUATION_INSTRUMENT, type FormQuestion, type IpeForm } from '../../../reports/analysis/ipe';

export interface PackageFacts { id: number; name: string; pricePence: number; sessionsIncluded: number; sessionMinutes: number; maxSettings: number; urns: number[] }
export interface ProgrammeFacts {
  id: string; title: string; laName: string; academicYear: string;
  packages: PackageFacts[];
  settings: Array<{ urn: number; name: string; dsls: number }>;
  /** Sessions logged by supervisors, with the settings of the DSLs who attended and the package they were delivered under (null: not recorded). */
  sessions: Array<{ id: number; minutes: number; urns: number[]; kind: 'introduction' | 'formal' | 'adhoc'; packageId: number | null }>;
  /** Scores at the start (baseline) and end (endline) of the year, by DSL. */
  scores: Array<{ wave: 'baseline' | 'endline'; dslId: string; instrument: string; scale: string; value: number }>;
  /** Completed DSL evaluation forms (feedback on supervision), newest answers. */
  feedback: IpeForm[];
  /** The evaluation form's questions in survey order. */
  feedbackQuestions: FormQuestion[];
}

export const NO_CONTROL_CAVEAT = 'This programme has no control group. Changes between the start and the end of the year may have happened anyway '
  + '(for example because of the time of year, other support, or who chose to answer), so they are not evidence that supervision caused them. '
  + 'Only a comparison with similar DSLs who did not receive supervision, such as a randomised trial, can show impact.';

/** Sessions delivered count the introduction and formal sessions under the package; ad-hoc advice is reported beside them, never towards the sessions bought. */
export interface PackageLine { name: string; settings: number; pricePence: number; sessionsBought: number; hoursBought: number; sessionsDelivered: number; hoursDelivered: number; adhocContacts: number; adhocHours: number }
export interface SettingLine { urn: number; name: string; packages: number; costPence: number; dsls: number; costPerDslPence: number | null; sessionsAttended: number; adhocContacts: number }
export interface ChangeLine { label: string; hint: string; pairs: number; change: PublishedSummary<{ start: number; end: number; diff: MeanCi }> }

/** DSL feedback in numbers only: no answer text leaves the form (quotes are chosen by evaluators, in the IPE report). */
export interface FeedbackSummary {
  forms: number;
  dsls: number;
  /** Self-reported hours in supervision: shown only for at least MIN_RESPONDENTS_FOR_SUMMARY DSLs. */
  hours: PublishedSummary<{ respondents: number; mean: number; median: number }>;
  /** How many forms answered each question. */
  questions: Array<{ title: string; respondents: number }>;
}

export interface YearEndReport {
  title: string; laName: string; academicYear: string; caveat: string;
  totals: {
    pricePence: number; settings: number; dsls: number; sessionsBought: number; sessionsDelivered: number; hoursBought: number; hoursDelivered: number;
    costPerSettingPence: number | null; costPerDslPence: number | null; adhocContacts: number; adhocHours: number;
    /** Sessions whose package is not recorded and cannot be told (their settings share several packages): in no package's count. */
    unattributed: number;
  };
  packages: PackageLine[];
  settings: SettingLine[];
  change: ChangeLine[];
  feedback: FeedbackSummary;
  minPairs: number;
}

/** Pure: computes the report from the facts. Each package's price is shared equally between its settings. */
export function yearEndReport(f: ProgrammeFacts): YearEndReport {
  // A session counts under the package it was delivered under; one logged without a package counts under the only package its settings share.
  const packageOf = (s: ProgrammeFacts['sessions'][number]): number | null => {
    if (s.packageId !== null) return s.packageId;
    const covering = f.packages.filter((p) => s.urns.every((u) => p.urns.includes(u)));
    return covering.length === 1 ? covering[0].id : null;
  };
  const attributed = f.sessions.map((s) => ({ ...s, pkg: packageOf(s) }));
  const hours = (list: Array<{ minutes: number }>) => list.reduce((a, s) => a + s.minutes, 0) / 60;
  const packages: PackageLine[] = f.packages.map((p) => {
    const mine = attributed.filter((s) => s.pkg === p.id);
    const delivered = mine.filter((s) => s.kind !== 'adhoc');
    const adhoc = mine.filter((s) => s.kind === 'adhoc');
    return {
      name: p.name, settings: p.urns.length, pricePence: p.pricePence, sessionsBought: p.sessionsIncluded, hoursBought: p.sessionsIncluded * p.sessionMinutes / 60,
      sessionsDelivered: delivered.length, hoursDelivered: hours(delivered), adhocContacts: adhoc.length, adhocHours: hours(adhoc),
    };
  });
  const settings: SettingLine[] = f.settings.map((s) => {
    const mine = f.packages.filter((p) => p.urns.includes(s.urn));
    const cost = mine.reduce((a, p) => a + p.pricePence / p.urns.length, 0);
    const attended = f.sessions.filter((x) => x.urns.includes(s.urn));
    return {
      urn: s.urn, name: s.name, packages: mine.length, costPence: Math.round(cost), dsls: s.dsls, costPerDslPence: s.dsls ? Math.round(cost / s.dsls) : null,
      sessionsAttended: attended.filter((x) => x.kind !== 'adhoc').length, adhocContacts: attended.filter((x) => x.kind === 'adhoc').length,
    };
  });
  const price = f.packages.reduce((a, p) => a + p.pricePence, 0);
  const dsls = f.settings.reduce((a, s) => a + s.dsls, 0);
  const delivered = attributed.filter((s) => s.pkg !== null && s.kind !== 'adhoc');
  const adhocAll = attributed.filter((s) => s.kind === 'adhoc');
  const change: ChangeLine[] = [];
  for (const scale of PUBLISHED_SCALES) {
    const of = (wave: string) => new Map(f.scores.filter((x) => x.wave === wave && x.instrument.split('@')[0] === scale.instrument && x.scale === scale.scale).map((x) => [x.dslId, x.value]));
    const start = of('baseline');
    const end = of('endline');
    const pairs = [...start.keys()].filter((id) => end.has(id)).sort();
    if (!start.size && !end.size) continue;
    change.push({
      label: scale.label, hint: scale.hint, pairs: pairs.length,
      change: protectSummary(pairs.length, () => {
        const s = pairs.map((id) => start.get(id)!);
        const e = pairs.map((id) => end.get(id)!);
        return { start: s.reduce((a, b) => a + b, 0) / s.length, end: e.reduce((a, b) => a + b, 0) / e.length, diff: meanWithCi(pairs.map((id) => end.get(id)! - start.get(id)!)) };
      }),
    });
  }
  return {
    title: f.title, laName: f.laName, academicYear: f.academicYear, caveat: NO_CONTROL_CAVEAT, feedback: feedbackSummary(f),
    totals: {
      pricePence: price, settings: f.settings.length, dsls,
      sessionsBought: f.packages.reduce((a, p) => a + p.sessionsIncluded, 0), sessionsDelivered: delivered.length,
      hoursBought: packages.reduce((a, p) => a + p.hoursBought, 0), hoursDelivered: hours(delivered),
      adhocContacts: adhocAll.length, adhocHours: hours(adhocAll), unattributed: attributed.filter((s) => s.pkg === null).length,
      costPerSettingPence: f.settings.length ? Math.round(price / f.settings.length) : null, costPerDslPence: dsls ? Math.round(price / dsls) : null,
    },
    packages, settings, change, minPairs: MIN_RESPONDENTS_FOR_SUMMARY,
  };
}

/** Checks a package before it is stored: the seed 004 offer is £1,500, 10 sessions of 120 minutes, up to 4 settings. */
export function packageProblems(p: { name: string; pricePence: number; sessionsIncluded: number; sessionMinutes: number; maxSettings: number; urns: number[] }): string[] {
  const out: string[] = [];
  if (!p.name.trim() || p.name.length > 120) out.push('the package needs a name of 1 to 120 characters');
  if (!Number.isInteger(p.pricePence) || p.pricePence < 0) out.push('the price must be a positive amount in pounds and pence');
  if (!Number.isInteger(p.sessionsIncluded) || p.sessionsIncluded < 1 || p.sessionsIncluded > 100) out.push('sessions included must be a whole number from 1 to 100');
  if (!Number.isInteger(p.sessionMinutes) || p.sessionMinutes < 1 || p.sessionMinutes > 1440) out.push('session length must be whole minutes from 1 to 1440');
  if (!Number.isInteger(p.maxSettings) || p.maxSettings < 1 || p.maxSettings > 20) out.push('the most settings sharing a package must be from 1 to 20');
  if (!p.urns.length) out.push('name at least one setting (school URN) sharing the package');
  if (new Set(p.urns).size !== p.urns.length) out.push('a setting is listed twice');
  if (p.urns.length > p.maxSettings) out.push(`this package can be shared by at most ${p.maxSettings} settings, but ${p.urns.length} were given`);
  return out;
}

/** "£1,500.00" from pence. */
export function pounds(pence: number): string {
  return `£${(pence / 100).toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** Parses "1500" or "1,500.50" or "£1500" into pence; NaN when it is not money. */
export function parsePounds(text: string): number {
  const t = text.trim().replace(/^£/, '').replace(/,/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(t)) return Number.NaN;
  return Math.round(Number(t) * 100);
}

/** Counts of feedback forms and answers per question, and the hours DSLs report (one figure per DSL: their latest form). */
function feedbackSummary(f: ProgrammeFacts): FeedbackSummary {
  const summary = evaluationFormSummary(f.feedback, f.feedbackQuestions, []);
  const latestHours = new Map<string, number>();
  for (const form of f.feedback) {
    if (form.instrument.split('@')[0] !== EVALUATION_INSTRUMENT) continue;
    const hours = Number(form.answers.dsl_evaluation_hours);
    if (form.answers.dsl_evaluation_hours !== undefined && form.answers.dsl_evaluation_hours !== '' && Number.isFinite(hours)) latestHours.set(form.dslId, hours);
  }
  const hours = [...latestHours.values()];
  return {
    forms: summary.forms, dsls: summary.dsls,
    hours: protectSummary(hours.length, () => ({ respondents: hours.length, mean: hours.reduce((a, b) => a + b, 0) / hours.length, median: median(hours) as number })),
    questions: summary.questions.map((q) => ({ title: q.title, respondents: q.respondents })),
  };
}
