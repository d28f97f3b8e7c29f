// The tables of the export bundle (schools, dsls_wide, items_long, sessions, outcomes_monthly), each with its codebook entries, built from the same report data and datasets the arm-comparison report analyses.
import { getRegistry, type InstrumentDef } from '../../../instruments/registry';
import { adminDatasets, ADMIN_MEASURE_LABELS, FORM_IDS, isAllocated } from '../../../reports/view-models/outcomes';
import type { ReportData } from '../../../reports/view-models/report-data';
import { MISSING_REASONS } from '../imports/covariates';

export type VarType = 'string' | 'integer' | 'number';

/** One variable as the codebook describes it (REDCap data-dictionary level). */
export interface Variable {
  variable: string;
  label: string;
  type: VarType;
  unit?: string;
  /** Allowed values with labels, in order (codes are the stored values). */
  values?: Array<{ code: string | number; label: string }>;
  range?: string;
  direction?: string;
  scoringRule?: string;
  missingRule?: string;
  source: string;
}

export type Cell = string | number | null;
export interface ExportTable { name: string; title: string; variables: Variable[]; rows: Array<Record<string, Cell>> }

export interface ItemAnswerRow { dslId: string; urn: number; waveId: number | null; sessionId: number | null; instrument: string; answers: Record<string, unknown> }
export interface MonthlyOutcomeRow { urn: number; period: string; measure: string; count: number }

export interface ExportSource {
  data: ReportData;
  items: ItemAnswerRow[];
  monthly: MonthlyOutcomeRow[];
  /** The school's pseudonymous id in this export. */
  schoolId: (urn: number) => string;
}

const WAVE_SUFFIX: Record<string, string> = { baseline: 'bl', midpoint: 'mid', endline: 'end' };
const ARM_VALUES = [{ code: 'control', label: 'Control (business as usual)' }, { code: 'intervention', label: 'Intervention (supervision)' }];
const STATUS_VALUES = [
  { code: 'enrolled', label: 'Enrolled' }, { code: 'excluded', label: 'Excluded before randomisation' },
  { code: 'declined', label: 'Declined after allocation' }, { code: 'withdrawn', label: 'Withdrew' },
];
const DSL_STATUS_VALUES = [{ code: 'active', label: 'Active' }, { code: 'withdrawn', label: 'Withdrew (answers kept)' }];
const RESPONSE_VALUES = [
  { code: 'complete', label: 'Completed the survey' }, { code: 'partial', label: 'Started, not completed' },
  { code: 'not_started', label: 'Invited, not started' }, { code: 'not_invited', label: 'Not invited to this wave' },
];
const WHY_VALUES = [
  { code: 'not_asked', label: 'The wave did not ask this instrument' }, { code: 'no_response', label: 'No completed response to the wave' },
  { code: 'too_few_items', label: 'Too many items unanswered for the scale\'s missing-item rule' },
];

/** A Stata- and R-safe name of at most 32 characters (letters, digits, _), from `base` with `suffix` kept whole. */
export function safeName(base: string, suffix = ''): string {
  const clean = (s: string) => s.toLowerCase().replace(/[^a-z0-9_]/g, '_').replace(/_+/g, '_').replace(/^_|_$/g, '');
  const s = suffix ? `_${clean(suffix)}` : '';
  return `${clean(base).slice(0, 32 - s.length).replace(/_$/, '')}${s}`;
}

function scaleRules(def: InstrumentDef): Array<{ id: string; label: string; direction: string; items: string[]; method: string; minAnswered?: number; maxMissing?: number; prorate?: boolean }> {
  return ((def.scoring as { scales?: unknown[] }).scales ?? []) as never;
}

function directionText(d: string | undefined): string {
  return d === 'higher-better' || d === 'higher_better' ? 'higher is better' : d === 'higher-worse' || d === 'lower_better' ? 'higher is worse' : d ? d.replace(/[-_]/g, ' ') : '';
}

function missingRuleText(s: { items: string[]; minAnswered?: number; maxMissing?: number; prorate?: boolean }): string {
  const n = s.items.length;
  if (s.minAnswered !== undefined) return `scored when at least ${s.minAnswered} of ${n} items are answered${s.prorate ? ' (prorated: mean of answered items x number of items)' : ''}, else blank`;
  if (s.maxMissing !== undefined) return `scored when at most ${s.maxMissing} of ${n} items are missing${s.prorate ? ' (prorated: mean of answered items x number of items)' : ''}, else blank`;
  return `every one of the ${n} items must be answered, else blank`;
}

/** Item questions and answer labels from an instrument's SurveyJS JSON. */
export function itemTexts(def: InstrumentDef): Map<string, { title: string; choices: Array<{ code: string | number; label: string }> }> {
  const out = new Map<string, { title: string; choices: Array<{ code: string | number; label: string }> }>();
  const strip = (s: unknown) => String(s ?? '').replace(/<[^>]*>/g, '').replace(/\s+/g, ' ').trim();
  const walk = (els: unknown[]): void => {
    for (const raw of els) {
      const e = raw as { name?: string; title?: unknown; type?: string; elements?: unknown[]; choices?: unknown[]; rateValues?: unknown[]; minRateDescription?: string; maxRateDescription?: string };
      if (e.elements) walk(e.elements);
      if (!e.name || e.type === 'html' || e.type === 'panel') continue;
      const list = (e.choices ?? e.rateValues ?? []).map((c) => (typeof c === 'object' && c !== null
        ? { code: (c as { value: string | number }).value, label: strip((c as { text?: unknown }).text ?? (c as { value: unknown }).value) }
        : { code: c as string | number, label: String(c) }));
      if (e.type === 'rating' && list.length) {
        if (e.minRateDescription) list[0] = { ...list[0], label: `${list[0].label} (${strip(e.minRateDescription)})` };
        if (e.maxRateDescription) list[list.length - 1] = { ...list[list.length - 1], label: `${list[list.length - 1].label} (${strip(e.maxRateDescription)})` };
      }
      if (e.type === 'boolean') list.push({ code: 'true', label: 'Yes' }, { code: 'false', label: 'No' });
      out.set(e.name, { title: strip(e.title ?? e.name), choices: list });
    }
  };
  for (const p of (def.survey as { pages?: Array<{ elements?: unknown[] }> }).pages ?? []) walk(p.elements ?? []);
  return out;
}

function dosageOf(data: ReportData, urn: number): { formal: number; introduction: number; adhoc: number; minutes: number; modes: Record<string, number> } {
  const mine = data.sessions.filter((s) => s.attendees.some((a) => a.urn === urn));
  const modes: Record<string, number> = { face_to_face: 0, online: 0, phone: 0, email: 0 };
  for (const s of mine) modes[s.mode] = (modes[s.mode] ?? 0) + 1;
  return {
    formal: mine.filter((s) => s.kind === 'formal').length, introduction: mine.filter((s) => s.kind === 'introduction').length,
    adhoc: mine.filter((s) => s.kind === 'adhoc').length, minutes: mine.reduce((a, s) => a + s.durationMinutes, 0), modes,
  };
}

/** The covariates held (imported for the trial), each as <key>_percent with its source files, and <key>_missing saying why a value is blank. */
function heldCovariates(data: ReportData) {
  return (data.covariates ?? []).filter((c) => c.sources.length > 0);
}

function covariateVariables(data: ReportData): Variable[] {
  return heldCovariates(data).flatMap((c): Variable[] => [
    { variable: `${c.key}_percent`, label: c.label, type: 'number', unit: 'percent', range: '0 to 100',
      source: `dslkit import covariates, column ${c.column} of ${c.sources.map((s) => `${s.file} (SHA-256 ${s.sha256}, imported ${s.importedAt.slice(0, 10)})`).join('; ')}` },
    { variable: `${c.key}_missing`, label: `Why ${c.key}_percent is blank`, type: 'string', values: [...MISSING_REASONS], source: 'dslkit import covariates' },
  ]);
}

function covariateCells(data: ReportData, urn: number): Record<string, Cell> {
  const cells: Record<string, Cell> = {};
  for (const c of heldCovariates(data)) {
    const v = data.covariateValues?.find((x) => x.urn === urn && x.covariate === c.key);
    cells[`${c.key}_percent`] = v?.value ?? null;
    cells[`${c.key}_missing`] = v ? (v.value === null ? v.missing : null) : 'not_imported';
  }
  return cells;
}

export function schoolsTable(src: ExportSource): ExportTable {
  const { data } = src;
  const rand = data.randomisation;
  const allocationSource = !rand ? 'none' : /import/i.test(`${rand.method} ${rand.algorithmVersion}`) ? 'imported' : 'dslkit';
  const datasets = adminDatasets(data);
  const outcomesBy = new Map(datasets.map((d) => [d.key.slice('admin:'.length), new Map(d.rows.map((r) => [Number(r.urn), r]))]));
  const admin = new Map<string, Map<number, ReportData['adminOutcomes'][number]>>();
  for (const o of data.adminOutcomes) { if (!admin.has(o.measure)) admin.set(o.measure, new Map()); admin.get(o.measure)!.set(o.urn, o); }
  const measures = [...new Set([...outcomesBy.keys(), ...admin.keys()])];
  const [o0, o1] = data.adminWindows.outcome ?? ['', ''];
  const [b0, b1] = data.adminWindows.baseline ?? ['', ''];
  const intended = data.trial.sessionsIntended;
  const vars: Variable[] = [
    { variable: 'school_id', label: 'School pseudonymous id (the URN is not exported; dslkit holds the key)', type: 'string', source: 'dslkit' },
    { variable: 'la_code', label: 'Local authority code (DfE)', type: 'string', source: 'GIAS import' },
    { variable: 'la_name', label: 'Local authority', type: 'string', source: 'GIAS import' },
    { variable: 'arm', label: 'Randomised arm of the school', type: 'string', values: ARM_VALUES, source: allocationSource === 'imported' ? 'allocation imported with provenance' : 'dslkit randomisation' },
    { variable: 'stratum', label: `Randomisation stratum or block${rand?.strata.length ? ` (${rand.strata.join(', ')})` : ''}`, type: 'string', source: 'randomisation' },
    { variable: 'allocation_source', label: 'Where the allocation was made', type: 'string', values: [{ code: 'dslkit', label: 'Randomised in dslkit' }, { code: 'imported', label: 'Imported from another program' }, { code: 'none', label: 'Not randomised' }], source: 'randomisation' },
    { variable: 'status', label: 'Participation status of the school in the trial', type: 'string', values: STATUS_VALUES, source: 'school statuses (staff site, dslkit school status)' },
    { variable: 'attendance_missing', label: 'Intervention school whose supervision attendance record is missing', type: 'integer', values: [{ code: 0, label: 'No' }, { code: 1, label: 'Yes' }], source: 'school statuses' },
    { variable: 'pupils', label: 'Pupils on roll', type: 'integer', unit: 'pupils', source: 'GIAS import (NumberOfPupils)' },
    { variable: 'fsm_percent', label: 'Pupils eligible for free school meals', type: 'number', unit: 'percent', range: '0 to 100', source: 'GIAS import (PercentageFSM)' },
    { variable: 'phase', label: 'Phase of education', type: 'string', source: 'GIAS import' },
    { variable: 'type', label: 'Type of establishment', type: 'string', source: 'GIAS import' },
    { variable: 'ofsted_rating', label: 'Ofsted rating', type: 'string', source: 'GIAS import' },
    { variable: 'urban_rural', label: 'Urban or rural', type: 'string', source: 'GIAS import' },
    ...covariateVariables(data),
  ];
  for (const m of measures) {
    const name = ADMIN_MEASURE_LABELS[m] ?? m;
    vars.push(
      { variable: safeName(m, 'count'), label: `${name}: count in the outcome window ${o0} to ${o1}`, type: 'integer', unit: 'children', source: 'LA administrative outcomes import' },
      { variable: safeName(m, 'baseline_count'), label: `${name}: count in the baseline window ${b0} to ${b1}`, type: 'integer', unit: 'children', source: 'LA administrative outcomes import' },
      { variable: safeName(m, 'months'), label: `${name}: months of the outcome window with data`, type: 'integer', unit: 'months', source: 'LA administrative outcomes import' },
      { variable: safeName(m, 'baseline_months'), label: `${name}: months of the baseline window with data`, type: 'integer', unit: 'months', source: 'LA administrative outcomes import' },
      { variable: safeName(m, 'y'), label: `${name}: outcome as analysed in the report (count / pupils; blank when the school is not analysed)`, type: 'number', unit: 'proportion of pupils', range: '0 to 1', direction: '', source: 'dslkit (report dataset)' },
      { variable: safeName(m, 'baseline'), label: `${name}: baseline covariate as analysed in the report (count / pupils)`, type: 'number', unit: 'proportion of pupils', range: '0 to 1', source: 'dslkit (report dataset)' },
    );
  }
  vars.push(
    { variable: 'sessions_formal', label: 'Formal supervision sessions logged for the school', type: 'integer', unit: 'sessions', source: 'supervision session logs' },
    { variable: 'sessions_introduction', label: 'Introductory sessions logged', type: 'integer', unit: 'sessions', source: 'supervision session logs' },
    { variable: 'sessions_adhoc', label: 'Ad-hoc advice contacts logged', type: 'integer', unit: 'contacts', source: 'supervision session logs' },
    { variable: 'supervision_minutes', label: 'Minutes of supervision logged (all kinds)', type: 'integer', unit: 'minutes', source: 'supervision session logs' },
    { variable: 'mode_face_to_face', label: 'Sessions held face to face', type: 'integer', unit: 'sessions', source: 'supervision session logs' },
    { variable: 'mode_online', label: 'Sessions held online', type: 'integer', unit: 'sessions', source: 'supervision session logs' },
    { variable: 'mode_phone', label: 'Sessions held by phone', type: 'integer', unit: 'sessions', source: 'supervision session logs' },
    { variable: 'mode_email', label: 'Sessions held by email', type: 'integer', unit: 'sessions', source: 'supervision session logs' },
    { variable: 'dosage', label: `Formal sessions received as a share of the ${intended ?? '(unset)'} intended, capped at 1`, type: 'number', range: '0 to 1', source: 'dslkit (sessions / trial setting)' },
  );
  const rows = data.schools.filter((s) => s.arm || s.enrolment).map((s) => {
    const d = dosageOf(data, s.urn);
    const row: Record<string, Cell> = {
      school_id: src.schoolId(s.urn), la_code: s.laCode, la_name: s.laName, arm: s.arm, stratum: s.stratum, allocation_source: s.arm ? allocationSource : 'none',
      status: s.enrolment ?? 'enrolled', attendance_missing: s.attendanceMissing ? 1 : 0, pupils: s.pupils, fsm_percent: s.fsmPercent, phase: s.phase,
      type: s.type, ofsted_rating: s.ofstedRating, urban_rural: s.urbanRural, ...covariateCells(data, s.urn),
    };
    for (const m of measures) {
      const o = admin.get(m)?.get(s.urn);
      const analysed = outcomesBy.get(m)?.get(s.urn);
      row[safeName(m, 'count')] = o?.outcomeCount ?? null;
      row[safeName(m, 'baseline_count')] = o?.baselineCount ?? null;
      row[safeName(m, 'months')] = o?.outcomeMonths ?? 0;
      row[safeName(m, 'baseline_months')] = o?.baselineMonths ?? 0;
      row[safeName(m, 'y')] = (analysed?.y as number | null | undefined) ?? null;
      row[safeName(m, 'baseline')] = (analysed?.baseline as number | null | undefined) ?? null;
    }
    Object.assign(row, {
      sessions_formal: d.formal, sessions_introduction: d.introduction, sessions_adhoc: d.adhoc, supervision_minutes: d.minutes,
      mode_face_to_face: d.modes.face_to_face, mode_online: d.modes.online, mode_phone: d.modes.phone, mode_email: d.modes.email,
      dosage: intended && s.arm ? Math.min(1, d.formal / intended) : null,
    });
    return row;
  });
  return { name: 'schools', title: 'One row per school in the trial', variables: vars, rows };
}

export function dslsWideTable(src: ExportSource): ExportTable {
  const { data } = src;
  const registry = getRegistry();
  const schools = new Map(data.schools.map((s) => [s.urn, s]));
  const waves = data.waves;
  const vars: Variable[] = [
    { variable: 'dsl_id', label: 'DSL pseudonymous id (no name, email or role anywhere in the export)', type: 'string', source: 'dslkit' },
    { variable: 'school_id', label: 'School pseudonymous id (as in schools.csv)', type: 'string', source: 'dslkit' },
    { variable: 'la_code', label: 'Local authority code (DfE)', type: 'string', source: 'GIAS import' },
    { variable: 'arm', label: 'Randomised arm of the DSL\'s school', type: 'string', values: ARM_VALUES, source: 'randomisation' },
    { variable: 'stratum', label: 'Randomisation stratum of the school', type: 'string', source: 'randomisation' },
    { variable: 'status', label: 'DSL status in the trial (DSLs erased at their request are left out of the export)', type: 'string', values: DSL_STATUS_VALUES, source: 'DSL roster and withdrawals' },
  ];
  const cells: Array<{ variable: string; why: string; waveId: number; instrument: string; scale: string }> = [];
  for (const w of waves) {
    vars.push({ variable: safeName('response', WAVE_SUFFIX[w.name]), label: `Response to the ${w.name} wave`, type: 'string', values: RESPONSE_VALUES, source: 'survey invitations and responses' });
    for (const key of w.instruments) {
      const id = key.split('@')[0];
      if (FORM_IDS.has(id)) continue;
      let def: InstrumentDef;
      try { def = registry.get(key); } catch { continue; }
      for (const s of scaleRules(def)) {
        const variable = safeName(`${id}_${s.id}`, WAVE_SUFFIX[w.name]);
        const why = safeName(`${id}_${s.id}`, `${WAVE_SUFFIX[w.name]}_why`);
        cells.push({ variable, why, waveId: w.id, instrument: key, scale: s.id });
        vars.push({
          variable, label: `${def.title}: ${s.label} (${w.name})`, type: 'number', direction: directionText(s.direction),
          scoringRule: `${s.method} of ${s.items.join(', ')} (${key})`, missingRule: missingRuleText(s), source: `${w.name} survey, scored by dslkit (${key})`,
        }, { variable: why, label: `Why ${variable} is blank`, type: 'string', values: WHY_VALUES, source: 'dslkit' });
      }
    }
  }
  const score = new Map(data.scores.map((s) => [`${s.waveId}|${s.dslId}|${s.instrument}|${s.scale}`, s.value]));
  const responded = new Map(data.waveResponses.map((r) => [`${r.waveId}|${r.dslId}`, r.status]));
  const invited = new Set(data.invitations.map((i) => `${i.waveId}|${i.dslId}`));
  const rows = data.dsls.filter((d) => d.status !== 'erased').map((d) => {
    const s = schools.get(d.urn);
    const row: Record<string, Cell> = { dsl_id: d.id, school_id: src.schoolId(d.urn), la_code: s?.laCode ?? null, arm: s?.arm ?? null, stratum: s?.stratum ?? null, status: d.status };
    for (const w of waves) {
      const st = responded.get(`${w.id}|${d.id}`);
      row[safeName('response', WAVE_SUFFIX[w.name])] = st ?? (invited.has(`${w.id}|${d.id}`) ? 'not_started' : 'not_invited');
    }
    for (const c of cells) {
      const v = score.get(`${c.waveId}|${d.id}|${c.instrument}|${c.scale}`);
      row[c.variable] = v ?? null;
      row[c.why] = v !== undefined && v !== null ? null : responded.get(`${c.waveId}|${d.id}`) === 'complete' ? 'too_few_items' : 'no_response';
    }
    return row;
  });
  return { name: 'dsls_wide', title: 'One row per DSL (not erased): each scale at each wave side by side', variables: vars, rows };
}

export function itemsLongTable(src: ExportSource): ExportTable {
  const { data } = src;
  const registry = getRegistry();
  const waveName = new Map(data.waves.map((w) => [w.id, w.name]));
  const armOf = new Map(data.schools.map((s) => [s.urn, s.arm]));
  const rows: Array<Record<string, Cell>> = [];
  const items = new Map<string, Variable>();
  for (const r of src.items) {
    let def: InstrumentDef | undefined;
    try { def = registry.get(r.instrument); } catch { def = undefined; }
    const texts = def ? itemTexts(def) : new Map();
    for (const item of def?.items ?? []) {
      if (!(item.id in r.answers)) continue;
      const value = r.answers[item.id];
      const t = texts.get(item.id);
      rows.push({
        dsl_id: r.dslId, school_id: src.schoolId(r.urn), arm: armOf.get(r.urn) ?? null, wave: r.waveId !== null ? waveName.get(r.waveId) ?? null : null,
        session_id: r.sessionId, instrument: r.instrument, item: item.id,
        value: value === null || value === undefined ? null : typeof value === 'object' ? JSON.stringify(value) : String(value),
      });
      if (!items.has(item.id)) {
        items.set(item.id, {
          variable: item.id, label: t?.title ?? item.id, type: item.kind === 'number' ? 'number' : 'string',
          values: t?.choices.length ? t.choices : undefined,
          range: item.min !== undefined || item.max !== undefined ? `${item.min ?? ''} to ${item.max ?? ''}` : undefined,
          source: `${def!.title} (${r.instrument}), item answer`,
        });
      }
    }
  }
  rows.sort((a, b) => String(a.dsl_id).localeCompare(String(b.dsl_id)) || String(a.instrument).localeCompare(String(b.instrument)) || String(a.item).localeCompare(String(b.item)));
  const vars: Variable[] = [
    { variable: 'dsl_id', label: 'DSL pseudonymous id', type: 'string', source: 'dslkit' },
    { variable: 'school_id', label: 'School pseudonymous id', type: 'string', source: 'dslkit' },
    { variable: 'arm', label: 'Randomised arm of the school', type: 'string', values: ARM_VALUES, source: 'randomisation' },
    { variable: 'wave', label: 'Survey wave (blank for a session form)', type: 'string', values: [{ code: 'baseline', label: 'Baseline' }, { code: 'midpoint', label: 'Midpoint' }, { code: 'endline', label: 'Endline' }], source: 'survey waves' },
    { variable: 'session_id', label: 'Supervision session the form belongs to (blank for a wave survey)', type: 'integer', source: 'supervision session logs' },
    { variable: 'instrument', label: 'Instrument and version (id@version)', type: 'string', source: 'instruments registry' },
    { variable: 'item', label: 'Item id (the item variables below give each question and its answer labels)', type: 'string', source: 'instruments registry' },
    { variable: 'value', label: 'The answer as stored (codes; free text as written)', type: 'string', source: 'respondent' },
    ...[...items.values()].sort((a, b) => a.variable.localeCompare(b.variable)).map((v) => ({ ...v, variable: `item:${v.variable}` })),
  ];
  return { name: 'items_long', title: 'Every item answer of every completed survey and form', variables: vars, rows };
}

export function sessionsTable(src: ExportSource): ExportTable {
  const { data } = src;
  const schools = new Map(data.schools.map((s) => [s.urn, s]));
  const rows: Array<Record<string, Cell>> = [];
  for (const s of data.sessions) {
    for (const urn of [...new Set(s.attendees.map((a) => a.urn))]) {
      rows.push({
        session_id: s.id, school_id: src.schoolId(urn), la_code: schools.get(urn)?.laCode ?? null, arm: schools.get(urn)?.arm ?? null,
        kind: s.kind, mode: s.mode, format: s.format, held_on: s.heldOn, duration_minutes: s.durationMinutes,
        dsls_present: s.attendees.filter((a) => a.urn === urn).length,
      });
    }
  }
  return {
    name: 'sessions', title: 'One row per supervision session and school attending', rows,
    variables: [
      { variable: 'session_id', label: 'Supervision session id', type: 'integer', source: 'supervision session logs' },
      { variable: 'school_id', label: 'School pseudonymous id', type: 'string', source: 'dslkit' },
      { variable: 'la_code', label: 'Local authority code (DfE)', type: 'string', source: 'GIAS import' },
      { variable: 'arm', label: 'Randomised arm of the school', type: 'string', values: ARM_VALUES, source: 'randomisation' },
      { variable: 'kind', label: 'Kind of contact', type: 'string', values: [{ code: 'introduction', label: 'Introductory session' }, { code: 'formal', label: 'Formal supervision session' }, { code: 'adhoc', label: 'Ad-hoc advice' }], source: 'supervision session logs' },
      { variable: 'mode', label: 'How it was held', type: 'string', values: [{ code: 'face_to_face', label: 'Face to face' }, { code: 'online', label: 'Online' }, { code: 'phone', label: 'Phone' }, { code: 'email', label: 'Email' }], source: 'supervision session logs' },
      { variable: 'format', label: 'Individual or group', type: 'string', values: [{ code: 'individual', label: 'Individual' }, { code: 'group', label: 'Group' }], source: 'supervision session logs' },
      { variable: 'held_on', label: 'Date held', type: 'string', unit: 'YYYY-MM-DD', source: 'supervision session logs' },
      { variable: 'duration_minutes', label: 'Length of the session', type: 'integer', unit: 'minutes', range: '0 to 1440', source: 'supervision session logs' },
      { variable: 'dsls_present', label: 'DSLs of this school present', type: 'integer', source: 'supervision session logs' },
    ],
  };
}

export function outcomesMonthlyTable(src: ExportSource): ExportTable {
  const rows = src.monthly.map((m) => ({ school_id: src.schoolId(m.urn), month: m.period, measure: m.measure, count: m.count }))
    .sort((a, b) => a.school_id.localeCompare(b.school_id) || a.month.localeCompare(b.month) || a.measure.localeCompare(b.measure));
  return {
    name: 'outcomes_monthly', title: 'LA administrative outcome counts as imported, per school, month and measure', rows,
    variables: [
      { variable: 'school_id', label: 'School pseudonymous id', type: 'string', source: 'dslkit' },
      { variable: 'month', label: 'Month', type: 'string', unit: 'YYYY-MM', source: 'LA administrative outcomes import' },
      { variable: 'measure', label: 'Measure', type: 'string', values: Object.entries(ADMIN_MEASURE_LABELS).map(([code, label]) => ({ code, label })), source: 'LA administrative outcomes import' },
      { variable: 'count', label: 'Children counted in the month', type: 'integer', unit: 'children', range: '0 or more', source: 'LA administrative outcomes import' },
    ],
  };
}

/** Schools that took part: allocated or with a status in the trial (used to pick which monthly rows belong to the trial). */
export function trialSchoolUrns(data: ReportData): Set<number> {
  return new Set(data.schools.filter((s) => isAllocated(s) || s.enrolment).map((s) => s.urn));
}

