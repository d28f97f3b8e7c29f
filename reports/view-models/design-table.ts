// The arm-comparison report's design table: the blocking or strata the allocation actually used (and the models adjust for), where the allocation came from, the answer key each keyed survey was scored with, and every outcome with its measure and data source.
import crypto from 'node:crypto';
import { bundledKey, keyableItems } from '../../instruments/answer-key';
import { getRegistry, type InstrumentDef } from '../../instruments/registry';
import type { ScoringSpec } from '../../instruments/scoring-rules';
import type { LabelValue } from './common';
import { fmtDate, fmtInt, fmtMonth, fmtNumber } from './format';
import { FORM_IDS, type OutcomeDataset } from './outcomes';
import type { ArmName, ReportData, ReportSchool } from './report-data';
import { blockingFsm, type BlockingFsm } from './blocking-fsm';

export interface DesignOutcomeRow { outcome: string; role: 'Primary' | 'Secondary'; measure: string; source: string }

export interface DesignOutcomesView { rows: DesignOutcomeRow[]; notes: string[] }

const FSM_BLOCKS = ['fsm-low', 'fsm-high'];

/** R's median() of a list of numbers (null when empty). */
function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

const plural = (n: number, one: string, many = `${one}s`) => `${fmtInt(n)} ${n === 1 ? one : many}`;

/** Schools per stratum among the allocated, in code-point order of the stratum. */
function strataCounts(allocated: ReportSchool[]): Array<[string, ReportSchool[]]> {
  const by = new Map<string, ReportSchool[]>();
  for (const s of allocated) if (s.stratum && s.stratum !== 'all') by.set(s.stratum, [...(by.get(s.stratum) ?? []), s]);
  return [...by.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function listStrata(strata: Array<[string, ReportSchool[]]>, max = 10): string {
  const shown = strata.slice(0, max).map(([name, schools]) => `“${name}” (${plural(schools.length, 'school')})`);
  return `${shown.join(', ')}${strata.length > max ? ` and ${strata.length - max} more` : ''}`;
}

const fsmRange = (schools: ReportSchool[], fsm: BlockingFsm) => {
  const v = schools.map(fsm.value).filter((x): x is number => typeof x === 'number');
  return v.length ? `${fmtNumber(Math.min(...v), 1)}–${fmtNumber(Math.max(...v), 1)}${fsm.label}` : `${fsm.label} not recorded`;
};

/** The blocking or strata of the allocation, named as the allocation recorded them; the models include one dummy per stratum when there are several. */
export function blockingText(data: ReportData, allocated: ReportSchool[]): string {
  const r = data.randomisation;
  if (!r) return 'Not yet randomised';
  const strata = strataCounts(allocated);
  const columns = r.strata.length ? r.strata : data.trial.strata;
  const models = strata.length > 1 ? '; the outcome models include a dummy for each of them (strata dummies)' : '; with one stratum the models have no stratum dummies';
  const parts: string[] = [];
  if (r.cluster) {
    const las = new Set(allocated.map((s) => s.laCode)).size;
    parts.push(`Local authorities randomised as whole clusters (column “${r.cluster}”): ${plural(las, 'local authority', 'local authorities')}, every school in an LA in its arm`);
  }
  if (!r.imported && r.method === 'niesr-fsm-median' && strata.every(([name]) => FSM_BLOCKS.includes(name)) && strata.length === 2) {
    const [high, low] = [strata.find(([n]) => n === 'fsm-high')![1], strata.find(([n]) => n === 'fsm-low')![1]];
    const fsm = blockingFsm(data);
    const med = median(allocated.map(fsm.value).filter((x): x is number => typeof x === 'number'));
    parts.push(`2 blocks by ${fsm.label === '% FSM' ? '% free school meals' : fsm.label} (niesr-fsm-median): the lower half of schools by ${fsm.label}, “fsm-low” (${plural(low.length, 'school')}, ${fsmRange(low, fsm)}), and the upper half, “fsm-high” (${plural(high.length, 'school')}, ${fsmRange(high, fsm)}), split at the median${med === null ? '' : ` of ${fmtNumber(med, 1)}${fsm.label}`}; arms alternate in random order within each block`);
  } else if (strata.length > 1) {
    const from = r.imported
      ? (columns.length ? `from the imported file's “${columns.join('”, “')}” column` : 'recorded in the imported file')
      : (columns.length ? `by ${columns.join(' × ')}` : 'recorded with each school');
    parts.push(`${plural(strata.length, r.imported ? 'block' : 'stratum', r.imported ? 'blocks' : 'strata')} ${from}: ${listStrata(strata)}${r.imported ? '' : '; complete randomisation within each stratum'}`);
  } else if (!r.cluster) {
    parts.push(r.imported ? 'None recorded: the imported file has no stratum or block column' : 'None: complete randomisation without strata');
  }
  return `${parts.join('. ')}${models}`;
}

/** Where the allocation came from: made by dslkit (method, algorithm version, seed) or imported with its provenance. */
export function allocationSourceText(data: ReportData): string {
  const r = data.randomisation;
  if (!r) return 'Not yet randomised';
  if (r.imported) {
    const file = data.design?.allocationFile;
    return `Imported: allocation made outside dslkit (${r.method.replace(/^imported: /, '')}) with ${r.algorithmVersion}, seed ${r.seed}, on ${fmtDate(r.createdAt)}; allocation file ${file ? `“${file}”, ` : ''}SHA-256 ${r.inputSha256.slice(0, 12)}…`;
  }
  const previews = r.previews !== undefined ? `; ${r.previews} balance preview${r.previews === 1 ? '' : 's'} (audited with their seeds) before it was locked` : '';
  return `Made by dslkit: ${r.method} (algorithm ${r.algorithmVersion}, seed ${r.seed}), run ${fmtDate(r.createdAt)}; input SHA-256 ${r.inputSha256.slice(0, 12)}…${previews}`;
}

function definition(key: string): InstrumentDef | null {
  try { return getRegistry().get(key); } catch { return null; }
}

/** "Perceived Stress Scale (PSS-10), version 1 (pss10@1)": the instrument by name, with the id@version its scores record. */
function instrumentName(def: InstrumentDef | null, key: string): string {
  return def ? `${def.title}, version ${def.version} (${key})` : key;
}

/** Instruments asked in the trial's survey waves (not forms), each once, in wave order. */
function surveyInstruments(data: ReportData): string[] {
  return [...new Set(data.waves.flatMap((w) => w.instruments))].filter((k) => !FORM_IDS.has(k.split('@')[0]));
}

/** SHA-256 of the key in force (items in order, JSON), first 12 hex digits: the same key always gives the same fingerprint. */
export function keyFingerprint(key: Record<string, unknown>): string {
  const canonical = JSON.stringify(Object.keys(key).sort().map((k) => [k, key[k]]));
  return crypto.createHash('sha256').update(canonical).digest('hex').slice(0, 12);
}

/** One design fact per survey instrument scored against an answer key: which key (bundled or the trial's own, its version) and whether every score used it. */
export function answerKeyRows(data: ReportData): LabelValue[] {
  const rows: LabelValue[] = [];
  for (const key of surveyInstruments(data)) {
    const def = definition(key);
    if (!def || keyableItems(def).length === 0) continue;
    const stored = data.design?.answerKeys.find((k) => k.instrument === key);
    const effective = bundledKey(def, (stored?.overrides ?? {}) as Parameters<typeof bundledKey>[1]);
    const keyed = (def.scoring as ScoringSpec).scales.filter((s) => s.method === 'proportionCorrect');
    const label = def.id === 'csa-identification' ? 'CSA survey answer key' : `Answer key (${def.title})`;
    const scales = keyed.map((s) => s.label ?? s.id).join('; ');
    const fingerprint = `key fingerprint ${keyFingerprint(effective.key)}`;
    if (!stored) {
      const status = [...new Set(Object.values(effective.status))].join('; ');
      rows.push({ label, value: `${instrumentName(def, key)}, scales ${scales}: the bundled key, not replaced for this trial (${status}); ${fingerprint}` });
      continue;
    }
    const replaced = Object.keys(stored.overrides).length;
    const stale = keyed.reduce((n, s) => n + (stored.scoresBefore[s.id] ?? 0), 0);
    rows.push({
      label,
      value: `${instrumentName(def, key)}, scales ${scales}: the trial's own key, version ${stored.timesSet}, stored ${fmtDate(stored.storedAt)}; it replaces ${plural(replaced, 'entry', 'entries')} of the bundled key; ${fingerprint}`
        + (stale ? `. ${plural(stale, 'score')} of these scales ${stale === 1 ? 'was' : 'were'} computed before this key was stored and not rescored since (dslkit rescore --trial ${data.trial.id}): the results use them as stored` : '. Every score of these scales was computed with it'),
    });
  }
  return rows;
}

/** The scale's label as the instrument names it. */
function scaleLabel(def: InstrumentDef | null, scale: string): string {
  const s = def ? (def.scoring as ScoringSpec).scales.find((x) => x.id === scale) : undefined;
  return s?.label ?? scale;
}

/** Each outcome the report analyses (or will, once its data come), with what is measured and where the data come from; primary first. */
export function designOutcomes(data: ReportData, outcomes: OutcomeDataset[], primaryKey: string | null): DesignOutcomesView {
  const endline = data.waves.find((w) => w.name === 'endline');
  const baselineWave = data.waves.find((w) => w.name === 'baseline');
  const ordered = [...outcomes].sort((a, b) => Number(b.key === primaryKey) - Number(a.key === primaryKey));
  const keyedScales = new Set(surveyInstruments(data).flatMap((k) => {
    const def = definition(k);
    return def ? (def.scoring as ScoringSpec).scales.filter((s) => s.method === 'proportionCorrect').map((s) => `${def.id}:${s.id}`) : [];
  }));
  const rows = ordered.map((o): DesignOutcomeRow => {
    const role = o.key === primaryKey ? 'Primary' as const : 'Secondary' as const;
    const withData = (unit: string) => {
      const units = o.rows.length;
      const analysable = o.rows.filter((r) => typeof r.y === 'number').length;
      return `${fmtInt(analysable)} of ${plural(units, unit)} with a value so far`;
    };
    if (o.key.startsWith('admin:')) {
      const [o0, o1] = data.adminWindows.outcome ?? ['', ''];
      return {
        outcome: o.label, role,
        measure: `Count per school from ${fmtMonth(o0)} to ${fmtMonth(o1)} as a proportion of pupils on roll${o.hasBaseline ? '; baseline: the same count in the 12 months before' : ''} (${withData('school')})`,
        source: `Local authority administrative data: children's social care records, measure “${o.key.slice('admin:'.length)}”, counted per school and month and imported into dslkit`,
      };
    }
    const [id, scale] = o.key.split(':');
    const instrument = endline?.instruments.find((k) => k.split('@')[0] === id) ?? id;
    const def = definition(instrument);
    const asksAtBaseline = baselineWave?.instruments.some((k) => k.split('@')[0] === id) ?? false;
    const waves = `endline wave (${fmtDate(endline?.opensAt)} to ${fmtDate(endline?.closesAt)})${asksAtBaseline && baselineWave ? `; baseline: the same scale in the baseline wave (${fmtDate(baselineWave.opensAt)} to ${fmtDate(baselineWave.closesAt)})` : ''}`;
    return {
      outcome: o.label, role,
      measure: `${scaleLabel(def, scale)}: each responding DSL's score in the ${waves} (${withData('DSL')})`,
      source: `DSL survey: ${instrumentName(def, instrument)}${keyedScales.has(o.key) ? ', scored against the answer key named above' : ''}`,
    };
  });
  const notes: string[] = [];
  if (!outcomes.some((o) => o.key.startsWith('admin:'))) notes.push(data.adminWindows.outcome ? 'No local authority administrative outcomes have been imported for the outcome window yet.' : 'The trial has no start and end dates, so there is no window for local authority administrative outcomes.');
  if (!endline) notes.push('The trial has no endline survey wave, so no survey outcomes.');
  return { rows, notes };
}

/** Design facts in order: trial, arms, unit, blocking, allocation source, answer keys, dates, sessions, waves, outcome window. */
export function designRows(data: ReportData, allocated: ReportSchool[]): LabelValue[] {
  const t = data.trial;
  const byArm = (arm: ArmName) => allocated.filter((s) => s.arm === arm).length;
  return [
    { label: 'Trial', value: `${t.title} (${t.id})` },
    { label: 'Arms', value: `Intervention: supervision of the DSL by a social worker (${byArm('intervention')} schools). Control: usual practice (${byArm('control')} schools).` },
    { label: 'Unit of randomisation', value: t.unit === 'school' ? 'School (cluster randomised; DSLs analysed within their school)' : 'Local authority (cluster randomised)' },
    { label: 'Blocking and strata', value: blockingText(data, allocated) },
    { label: 'Allocation source', value: allocationSourceText(data) },
    ...answerKeyRows(data),
    { label: 'Intervention period', value: `${fmtDate(t.startsOn)} to ${fmtDate(t.endsOn)}` },
    { label: 'Sessions intended', value: t.sessionsIntended === null ? 'Not set (3 formal sessions after an introduction assumed)' : `An introduction plus ${t.sessionsIntended} formal sessions, every ${t.sessionIntervalWeeks[0]}–${t.sessionIntervalWeeks[1]} weeks` },
    { label: 'Survey waves', value: data.waves.length ? data.waves.map((w) => `${w.name} ${fmtDate(w.opensAt)} to ${fmtDate(w.closesAt)}`).join('; ') : 'None' },
    { label: 'Administrative outcome window', value: data.adminWindows.outcome ? `${fmtMonth(data.adminWindows.outcome[0])} to ${fmtMonth(data.adminWindows.outcome[1])} (baseline: the previous 12 months)` : 'Not set (the trial has no start and end dates)' },
  ];
}
