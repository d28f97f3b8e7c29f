// View-model of the implementation and process evaluation (IPE) report: reach, dosage, fidelity, ad-hoc support, time logs, evaluation forms, TIDieR description and costs, all formatted as text.
import {
  adhocSummary, costSummary, dosageSummary, evaluationFormSummary, fidelitySummary, reachSummary, sessionFormSummary, timeLogSummary,
  EVALUATION_INSTRUMENT, evaluationQuestions, type FormQuestion,
} from '../analysis/ipe';
import { dosageChart } from '../charts';
import { ARM_LABEL, figure, reportHeader, type FigureView, type LabelValue } from './common';
import { fmtHours, fmtInt, fmtNumber, fmtPercent, fmtPounds, fmtWeeks } from './format';
import type { ReportData } from './report-data';
import { evaluatorSections, type EvaluatorSectionsView } from './evaluator-sections';

/** TIDieR checklist items (Hoffmann et al. 2014, BMJ 348:g1687) with defaults taken from the Bolton report's intervention description. */
export const TIDIER_DEFAULTS: { field: string; label: string; text: string }[] = [
  { field: 'name', label: '1. Brief name', text: 'Social-work supervision for Designated Safeguarding Leads (DSLs) in schools.' },
  { field: 'why', label: '2. Why (rationale)', text: 'DSLs make judgements about children\'s safety, usually without supervision of their own. Regular reflective supervision from an experienced social worker is expected to improve their understanding of thresholds, the quality of contacts to children\'s social care, their use of Early Help and multi-agency working, and their own wellbeing.' },
  { field: 'what_materials', label: '3. What (materials)', text: 'A supervision agreement; a DSL session preparation sheet; a record of supervision kept by the supervisor; a DSL time log; a DSL evaluation form.' },
  { field: 'what_procedures', label: '4. What (procedures)', text: 'An introductory meeting, then formal supervision sessions following the same structure: review of previous actions, discussion of cases (anonymised, including a family at Early Help level), management, professional development and support, and agreed actions. Ad-hoc support by phone, email or in person between sessions.' },
  { field: 'who_provided', label: '5. Who provided', text: 'An experienced senior social worker employed by the local authority.' },
  { field: 'how', label: '6. How (mode)', text: 'Face to face, one to one (individual supervision); ad-hoc contacts by phone, email or in person were logged.' },
  { field: 'where', label: '7. Where', text: 'In the DSL\'s own school, in a quiet private space, usually at the end of the school day.' },
  { field: 'when_how_much', label: '8. When and how much', text: 'Formal sessions of up to two hours at regular intervals of 4–6 weeks over the intervention period, after an introductory meeting.' },
  { field: 'tailoring', label: '9. Tailoring', text: 'Sessions were centred on the DSL\'s own cases, needs and development.' },
  { field: 'modifications', label: '10. Modifications', text: 'None recorded.' },
  { field: 'how_well_planned', label: '11. How well (planned)', text: 'Sessions and ad-hoc contacts were logged by the supervisor; DSLs kept time logs and completed an evaluation form.' },
  { field: 'how_well_actual', label: '12. How well (actual)', text: 'See the dosage and fidelity sections of this report.' },
];

const MODE_LABEL: Record<string, string> = { phone: 'Phone', email: 'Email', face_to_face: 'In person (face to face)', online: 'Online', 'not stated': 'Not stated' };

export interface IpeView {
  kind: 'ipe';
  title: string; subtitle: string; trialId: string; generatedOn: string; demoNotice: string | null;
  reach: { rows: { arm: string; la: string; schools: string; schoolsEngaged: string; dsls: string; dslsEngaged: string }[]; totals: { arm: string; schools: string; schoolsEngaged: string; dsls: string; dslsEngaged: string }[]; note: string };
  dosage: { rows: { category: string; schools: string }[]; total: string; figure: FigureView; note: string };
  fidelity: LabelValue[];
  adhoc: { rows: { mode: string; count: string }[]; summary: string };
  timeLogs: { rows: LabelValue[]; byMode: { mode: string; entries: string; hours: string }[]; empty: string | null };
  sessionForms: { rows: LabelValue[]; note: string };
  evaluation: { summary: string; questions: { title: string; respondents: string; detail: string; quotes: string[] }[]; empty: string | null };
  tidier: { label: string; text: string; source: string }[];
  /** The evaluator's introduction, logic model and limitations (the sections of the evaluation this report shares). */
  sections: EvaluatorSectionsView;
  costs: { lines: { item: string; basis: string; amount: string; total: string; note: string }[]; rows: LabelValue[]; empty: string | null };
}

export { evaluationQuestions };

const BASIS_LABEL = { per_school: 'per setting', per_dsl: 'per DSL', total: 'total, shared between settings' } as const;

/** How an entered cost is charged, in words ('per package shared by 2 settings (24 packages)' when settings share one). */
export function costBasisLabel(basis: keyof typeof BASIS_LABEL, sharedBy: number, units?: number): string {
  if (basis !== 'per_school' || sharedBy <= 1) return BASIS_LABEL[basis];
  return `per package shared by ${fmtInt(sharedBy)} settings${units === undefined ? '' : ` (${fmtInt(units)} package${units === 1 ? '' : 's'})`}`;
}

export function buildIpe(data: ReportData, generatedAt: Date): IpeView {
  const reach = reachSummary(data.schools, data.dsls, data.sessions);
  const dose = dosageSummary(data.schools, data.sessions, data.trial.sessionsIntended);
  const fid = fidelitySummary(data.schools, data.sessions, dose.intended, data.trial.sessionIntervalWeeks);
  const adhoc = adhocSummary(data.sessions);
  const logs = timeLogSummary(data.forms);
  const perSession = sessionFormSummary(data.sessions, data.forms);
  const evals = evaluationFormSummary(data.forms, evaluationQuestions(), data.quotes);

  const engagedSchools = reach.totals.intervention.schoolsEngaged;
  const engagedDsls = reach.totals.intervention.dslsEngaged;
  const costs = costSummary(data.costs, engagedSchools, engagedDsls);
  const [wMin, wMax] = [fid.interval.minWeeks, fid.interval.maxWeeks];

  return {
    kind: 'ipe',
    ...reportHeader(data, 'Implementation and process evaluation', generatedAt),
    reach: {
      rows: reach.rows.map((r) => ({
        arm: ARM_LABEL[r.arm], la: r.laName, schools: fmtInt(r.schools),
        schoolsEngaged: `${fmtInt(r.schoolsEngaged)} (${fmtPercent(r.schoolsEngaged, r.schools)})`,
        dsls: fmtInt(r.dsls), dslsEngaged: `${fmtInt(r.dslsEngaged)} (${fmtPercent(r.dslsEngaged, r.dsls)})`,
      })),
      totals: (['intervention', 'control'] as const).map((arm) => {
        const t = reach.totals[arm];
        return { arm: ARM_LABEL[arm], schools: fmtInt(t.schools), schoolsEngaged: `${fmtInt(t.schoolsEngaged)} (${fmtPercent(t.schoolsEngaged, t.schools)})`, dsls: fmtInt(t.dsls), dslsEngaged: `${fmtInt(t.dslsEngaged)} (${fmtPercent(t.dslsEngaged, t.dsls)})` };
      }),
      note: 'Engaged: attended at least one supervision session of any kind (introduction, formal or ad hoc). Engagement in the control arm would indicate contamination.',
    },
    dosage: {
      rows: dose.categories.map((c) => ({ category: c.label, schools: fmtInt(c.schools) })),
      total: fmtInt(dose.total),
      figure: figure('1', dosageChart({ id: 'ipe-dosage', rows: dose.categories.map((c) => ({ category: c.label, schools: c.schools })) })),
      note: `Intervention schools by the formal supervision sessions their DSL attended after the introductory meeting; ${dose.intended} formal sessions were intended.`,
    },
    fidelity: [
      { label: 'Formal sessions delivered against intended', value: `${fmtInt(fid.formalDelivered)} of ${fmtInt(fid.formalIntended)} (${fmtPercent(fid.formalDelivered, fid.formalIntended)}): ${fid.intendedPerSchool} for each of ${fmtInt(fid.interventionSchools)} intervention schools` },
      { label: 'Schools receiving every intended formal session', value: `${fmtInt(fid.schoolsWithAllSessions)} of ${fmtInt(fid.interventionSchools)} (${fmtPercent(fid.schoolsWithAllSessions, fid.interventionSchools)})` },
      { label: `Intervals between consecutive sessions (intended ${wMin}–${wMax} weeks)`, value: fid.interval.count === 0 ? 'No school had two or more sessions' : `${fmtInt(fid.interval.count)} intervals: ${fmtInt(fid.interval.within)} within ${wMin}–${wMax} weeks (${fmtPercent(fid.interval.within, fid.interval.count)}), ${fmtInt(fid.interval.shorter)} shorter, ${fmtInt(fid.interval.longer)} longer; median ${fmtWeeks(fid.interval.medianWeeks)} (range ${fmtWeeks(fid.interval.shortestWeeks)} to ${fmtWeeks(fid.interval.longestWeeks)})` },
      { label: 'Format of sessions (introductions and formal)', value: `${fmtInt(fid.format.individual)} one-to-one, ${fmtInt(fid.format.group)} group` },
      { label: 'Mode of sessions', value: Object.entries(fid.mode).filter(([, n]) => n > 0).map(([m, n]) => `${MODE_LABEL[m] ?? m} ${fmtInt(n)}`).join(', ') || 'None recorded' },
      { label: 'Mean length of formal sessions', value: fid.meanFormalMinutes === null ? 'n/a' : `${fmtNumber(fid.meanFormalMinutes, 0)} minutes` },
      { label: 'Control schools with supervision sessions recorded', value: fmtInt(fid.controlSchoolsWithSessions) },
    ],
    adhoc: {
      rows: Object.entries(adhoc.byMode).map(([m, n]) => ({ mode: MODE_LABEL[m] ?? m, count: fmtInt(n) })),
      summary: adhoc.total === 0 ? 'No ad-hoc support was logged.' : `${fmtInt(adhoc.total)} ad-hoc contacts with DSLs of ${fmtInt(adhoc.schools)} schools, ${fmtHours(adhoc.totalMinutes)} hours in all.`,
    },
    timeLogs: {
      rows: [
        { label: 'Time-log entries', value: fmtInt(logs.entries) },
        { label: 'DSLs keeping a time log', value: fmtInt(logs.dsls) },
        { label: 'Hours logged', value: fmtHours(logs.totalMinutes) },
        { label: 'Median hours per DSL', value: logs.medianHoursPerDsl === null ? 'n/a' : fmtNumber(logs.medianHoursPerDsl, 1) },
        { label: 'Entries without a duration', value: fmtInt(logs.missingDuration) },
      ],
      byMode: Object.keys(logs.entriesByMode).sort().map((m) => ({ mode: MODE_LABEL[m] ?? m, entries: fmtInt(logs.entriesByMode[m]), hours: fmtHours(logs.minutesByMode[m] ?? 0) })),
      empty: logs.entries === 0 ? 'No DSL time logs have been submitted.' : null,
    },
    sessionForms: {
      rows: [
        { label: 'Session attendances (a DSL at a session, ad hoc included)', value: fmtInt(perSession.attendances) },
        { label: 'Attendances with a DSL time-log entry for that session', value: `${fmtInt(perSession.timeLogged)} of ${fmtInt(perSession.attendances)} (${fmtPercent(perSession.timeLogged, perSession.attendances)})` },
        { label: 'Time per session, DSL time log and supervisor\'s log (same sessions)', value: perSession.meanMinutes.pairs === 0 ? 'n/a' : `${fmtNumber(perSession.meanMinutes.dsl as number, 0)} and ${fmtNumber(perSession.meanMinutes.supervisor as number, 0)} minutes on average (${fmtInt(perSession.meanMinutes.pairs)} entries)` },
        { label: 'Preparation sheets returned (introduction and formal sessions)', value: `${fmtInt(perSession.prepared)} of ${fmtInt(perSession.plannedAttendances)} (${fmtPercent(perSession.prepared, perSession.plannedAttendances)})` },
        { label: 'Records of supervision written (introduction and formal sessions)', value: `${fmtInt(perSession.recorded)} of ${fmtInt(perSession.plannedAttendances)} (${fmtPercent(perSession.recorded, perSession.plannedAttendances)})` },
      ],
      note: `Each DSL at a session has their own time-log and preparation-sheet link for it; the supervisor writes one record per DSL.${perSession.timeLogsWithoutSession ? ` ${fmtInt(perSession.timeLogsWithoutSession)} time-log entr${perSession.timeLogsWithoutSession === 1 ? 'y was' : 'ies were'} returned without a session (in a survey wave or imported) and ${perSession.timeLogsWithoutSession === 1 ? 'is' : 'are'} counted in the time-log totals above only.` : ''}`,
    },
    evaluation: {
      summary: `${fmtInt(evals.forms)} evaluation form${evals.forms === 1 ? '' : 's'} completed by ${fmtInt(evals.dsls)} DSL${evals.dsls === 1 ? '' : 's'}. Quotations are those selected by the evaluators; they are reproduced as written.`,
      questions: evals.questions.map((q) => ({
        title: q.title,
        respondents: `${fmtInt(q.respondents)} of ${fmtInt(evals.forms)} answered${q.items.length > 1 ? ` (${fmtInt(q.answers)} answers)` : ''}`,
        detail: q.numeric ? `Mean ${fmtNumber(q.numeric.mean, 1)}, median ${fmtNumber(q.numeric.median, 1)}, range ${fmtNumber(q.numeric.min, 1)} to ${fmtNumber(q.numeric.max, 1)}` : q.kind === 'text' ? `${fmtInt(q.quotes.length)} quotation${q.quotes.length === 1 ? '' : 's'} selected` : '',
        quotes: q.quotes.map((x) => x.text),
      })),
      empty: evals.forms === 0 ? 'No evaluation forms have been returned.' : null,
    },
    sections: evaluatorSections(data, 'ipe'),
    tidier: TIDIER_DEFAULTS.map((d) => {
      const entered = data.descriptions[d.field];
      return { label: d.label, text: entered ?? d.text, source: entered ? 'entered for this trial' : 'default description' };
    }),
    costs: {
      lines: costs.lines.map((l) => ({ item: l.item, basis: costBasisLabel(l.basis, l.sharedBy, l.units), amount: fmtPounds(l.amountPence), total: fmtPounds(l.totalPence), note: l.note ?? '' })),
      rows: [
        { label: 'Total programme cost', value: fmtPounds(costs.totalPence) },
        { label: `Cost per setting (${fmtInt(costs.schools)} settings receiving the programme)`, value: fmtPounds(costs.perSchoolPence) },
        { label: `Cost per DSL (${fmtInt(costs.dsls)} DSLs supervised)`, value: fmtPounds(costs.perDslPence) },
      ],
      empty: data.costs.length === 0 ? 'No programme costs have been entered for this trial (for example "£1,500 per setting per year for 10 two-hour sessions").' : null,
    },
  };
}
