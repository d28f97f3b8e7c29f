// Validates what evaluators enter for their reports (programme costs, report settings, the TIDieR description), for the staff forms and `dslkit report-inputs` alike: zod schemas, problems pointing at fields.
import { z } from 'zod';
import { ValidationError, type FieldProblem } from '../../../shared/errors';
import type { ProtocolMdes, ReportCost, ReportSettings } from '../../../reports/view-models/report-data';
import { INFERENCE_FIELD_NAMES, parseInferenceFields, type InferenceFields } from './inference-settings';

/** Cost bases as the forms and the CLI name them, and as they are stored. */
export const COST_BASES = { 'per-setting-per-year': 'per_school', 'per-dsl': 'per_dsl', total: 'total' } as const;
export type CostBasisName = keyof typeof COST_BASES;
export const COST_BASIS_NAMES = Object.keys(COST_BASES) as CostBasisName[];

/** The TIDieR checklist fields (Hoffmann et al. 2014), in checklist order; same names as intervention_descriptions.field. */
export const TIDIER_FIELD_NAMES = ['name', 'why', 'what_materials', 'what_procedures', 'who_provided', 'how', 'where',
  'when_how_much', 'tailoring', 'modifications', 'how_well_planned', 'how_well_actual'] as const;
export type TidierFieldName = (typeof TIDIER_FIELD_NAMES)[number];

export const MAX_DESCRIPTION_CHARS = 4000;

/** Parses "1500", "1,500.50" or "£1500" into pence; NaN when it is not an amount of money. */
export function poundsToPence(text: string): number {
  const t = text.trim().replace(/^£/, '').replace(/,/g, '');
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(t)) return Number.NaN;
  return Math.round(Number(t) * 100);
}

function problemsOf(error: z.ZodError): FieldProblem[] {
  return error.issues.map((i) => ({ pointer: `/${String(i.path[0] ?? '')}`, detail: i.message }));
}

function fail(summary: string, problems: FieldProblem[]): never {
  throw new ValidationError(`${summary}: ${problems.map((p) => (p.line !== undefined ? `line ${p.line}: ${p.detail}` : p.detail)).join('; ')}`, problems);
}

const costSchema = z.object({
  item: z.string().trim().min(1, { error: 'Enter what the cost is for, like "Supervision package (10 two-hour sessions)"' })
    .max(200, { error: 'The item must be 200 characters or fewer' }),
  amount: z.string().trim().min(1, { error: 'Enter the amount in pounds, like 1500 or 1,500.00' })
    .refine((v) => v === '' || Number.isFinite(poundsToPence(v)), { error: 'The amount must be in pounds, like 1500 or 1,500.00' }),
  basis: z.enum(COST_BASIS_NAMES as [CostBasisName, ...CostBasisName[]], { error: 'Select how the cost is charged: per setting per year, per DSL, or a total' }),
  'shared-by': z.string().trim().regex(/^([1-9]|1\d|20)$/, { error: 'The number of settings sharing a package must be a whole number from 1 to 20' }),
  note: z.string().trim().max(500, { error: 'The note must be 500 characters or fewer' }),
});

/** Raw cost fields (form fields or CLI options); an absent shared-by means 1, an absent note none. */
export interface CostFields { item?: string; amount?: string; basis?: string; sharedBy?: string; note?: string }

/** Validates an entered cost. A package shared by more than one setting is only meaningful for a per-setting cost. */
export function parseCost(fields: CostFields): ReportCost {
  const r = costSchema.safeParse({ item: fields.item ?? '', amount: fields.amount ?? '', basis: fields.basis ?? '', 'shared-by': fields.sharedBy || '1', note: fields.note ?? '' });
  if (!r.success) fail('The cost was not saved', problemsOf(r.error));
  const sharedBy = Number(r.data['shared-by']);
  if (sharedBy > 1 && r.data.basis !== 'per-setting-per-year') {
    fail('The cost was not saved', [{ pointer: '/shared-by', detail: 'Only a per-setting cost can be shared between settings: leave "shared by" as 1 for a per-DSL or total cost' }]);
  }
  return { item: r.data.item, amountPence: poundsToPence(r.data.amount), basis: COST_BASES[r.data.basis], sharedBy, note: r.data.note || null };
}

/** Settings fields: undefined keeps the stored value, '' goes back to the default. */
export interface SettingsFields extends InferenceFields {
  primaryOutcome?: string; effectSize?: string; seType?: string; missingMonths?: string; mlmEffectSize?: string; robustnessWindow?: string;
  icc?: string; r2Cluster?: string; r2Individual?: string; clusterSize?: string; alpha?: string; power?: string;
}

/** Form/option names of the settings fields (the pointers of their problems). */
export const SETTINGS_FIELD_NAMES: Record<keyof SettingsFields, string> = {
  primaryOutcome: 'primary-outcome', effectSize: 'effect-size', seType: 'se-type', missingMonths: 'missing-months', mlmEffectSize: 'mlm-effect-size', robustnessWindow: 'robustness-window', icc: 'icc', r2Cluster: 'r2-cluster',
  r2Individual: 'r2-individual', clusterSize: 'cluster-size', alpha: 'alpha', power: 'power', ...INFERENCE_FIELD_NAMES,
};

const decimal = (name: string, min: number, max: number, openMax: boolean) => z.string().trim()
  .refine((v) => v === '' || (/^\d*\.?\d+$/.test(v) && Number(v) >= min && (openMax ? Number(v) < max : Number(v) <= max)),
    { error: `${name} must be a number from ${min} to ${openMax ? 'below ' : ''}${max}` });

/** "2026-01 to 2026-03" (or "2026-01/2026-03"): the robustness sub-window's first and last month. */
const ROBUSTNESS_WINDOW = /^(\d{4}-(?:0[1-9]|1[0-2]))\s*(?:to|\/|–|-)\s*(\d{4}-(?:0[1-9]|1[0-2]))$/;

const settingsSchema = z.object({
  'primary-outcome': z.string().trim().regex(/^$|^admin:[a-z_]{1,40}$|^[a-z0-9-]{1,40}:[a-z0-9_]{1,40}$/, { error: 'The primary outcome must be "admin:<measure>" or "<instrument>:<scale>", like admin:contacts_nfa or pss10:total' }),
  'effect-size': z.enum(['glass', 'hedges'], { error: 'Select the effect size: Glass\'s delta or Hedges\' g' }),
  'se-type': z.enum(['auto', 'cr1', 'cr2'], { error: 'Select the standard errors: automatic, CR1 or CR2' }),
  'missing-months': z.enum(['complete', 'prorate'], { error: 'Select how months missing from LA outcome data are treated: complete (leave the school out) or prorate' }),
  'mlm-effect-size': z.enum(['off', 'total', 'within'], { error: 'Select whether the report adds the multilevel effect sizes: no, leading with the total variance, or leading with the within-school variance' }),
  'robustness-window': z.string().trim()
    .refine((v) => v === '' || ROBUSTNESS_WINDOW.test(v), { error: 'Enter the robustness months as the first and last month, like 2026-01 to 2026-03' })
    .refine((v) => { const m = ROBUSTNESS_WINDOW.exec(v); return !m || (m[1] <= m[2]); }, { error: 'The first month of the robustness window must not be after its last month' }),
  icc: decimal('The intracluster correlation', 0, 1, true),
  'r2-cluster': decimal('The school-level R²', 0, 1, true),
  'r2-individual': decimal('The individual-level R²', 0, 1, true),
  'cluster-size': z.string().trim().refine((v) => v === '' || (/^\d*\.?\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 100000), { error: 'The average cluster size must be a number from 1 to 100000' }),
  alpha: z.string().trim().refine((v) => v === '' || (/^\d*\.?\d+$/.test(v) && Number(v) > 0 && Number(v) <= 0.5), { error: 'Alpha must be a number above 0 and at most 0.5' }),
  power: z.string().trim().refine((v) => v === '' || (/^\d*\.?\d+$/.test(v) && Number(v) > 0 && Number(v) < 1), { error: 'Power must be a number above 0 and below 1' }),
});

const MDES_KEYS: Array<[keyof SettingsFields, keyof ProtocolMdes]> = [
  ['icc', 'icc'], ['r2Cluster', 'r2Cluster'], ['r2Individual', 'r2Individual'], ['clusterSize', 'clusterSize'], ['alpha', 'alpha'], ['power', 'power'],
];

/** Applies entered settings to the stored ones and validates the result. */
export function parseSettings(fields: SettingsFields, current: ReportSettings): ReportSettings {
  const str = (v: number | undefined) => (v === undefined || v === null ? '' : String(v));
  const pick = (k: keyof SettingsFields, stored: string) => (fields[k] === undefined ? stored : fields[k]!);
  const raw = {
    'primary-outcome': pick('primaryOutcome', current.primaryOutcome ?? ''), 'effect-size': pick('effectSize', current.effectSize), 'se-type': pick('seType', current.seType),
    // a form without the radio (or an empty value) keeps the stored choice
    'missing-months': fields.missingMonths ? fields.missingMonths : current.adminMissingMonths ?? 'complete',
    'mlm-effect-size': fields.mlmEffectSize ? fields.mlmEffectSize : current.mlmEffectSize ?? 'off',
    'robustness-window': pick('robustnessWindow', current.robustnessWindow ? `${current.robustnessWindow[0]} to ${current.robustnessWindow[1]}` : ''),
    ...Object.fromEntries(MDES_KEYS.map(([f, m]) => [SETTINGS_FIELD_NAMES[f], pick(f, str(current.protocolMdes[m] as number | undefined))])),
  };
  const r = settingsSchema.safeParse(raw);
  const inference = parseInferenceFields(fields, current);
  if (!r.success || inference.problems.length) fail('The report settings were not saved', [...(r.success ? [] : problemsOf(r.error)), ...inference.problems]);
  const protocolMdes: Partial<ProtocolMdes> = {};
  for (const [f, m] of MDES_KEYS) {
    const v = r.data[SETTINGS_FIELD_NAMES[f] as keyof typeof r.data];
    if (v !== '') (protocolMdes as Record<string, number>)[m] = Number(v);
  }
  return { primaryOutcome: r.data['primary-outcome'] || null, effectSize: r.data['effect-size'], seType: r.data['se-type'], adminMissingMonths: r.data['missing-months'], mlmEffectSize: r.data['mlm-effect-size'],
    robustnessWindow: robustnessWindowOf(r.data['robustness-window']), protocolMdes, ...inference.value };
}

function robustnessWindowOf(v: string): [string, string] | null {
  const m = ROBUSTNESS_WINDOW.exec(v);
  return m ? [m[1], m[2]] : null;
}

/** Validates TIDieR fields: known names, at most MAX_DESCRIPTION_CHARS each; '' clears a field (the report's default text returns). */
export function parseDescription(fields: Record<string, string>): Partial<Record<TidierFieldName, string>> {
  const problems: FieldProblem[] = [];
  const out: Partial<Record<TidierFieldName, string>> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (!(TIDIER_FIELD_NAMES as readonly string[]).includes(name)) { problems.push({ pointer: `/${name}`, detail: `"${name}" is not a TIDieR field (one of ${TIDIER_FIELD_NAMES.join(', ')})` }); continue; }
    const text = value.replace(/\r\n/g, '\n').trim();
    if (text.length > MAX_DESCRIPTION_CHARS) problems.push({ pointer: `/${name}`, detail: `The "${name}" text must be ${MAX_DESCRIPTION_CHARS} characters or fewer (it has ${text.length})` });
    else out[name as TidierFieldName] = text;
  }
  if (problems.length) fail('The description was not saved', problems);
  return out;
}

/**
 * Reads a TIDieR description file: JSON ({"name": "...", "why": "...", ...}) or Markdown, where each "## <field>"
 * heading (the field name, e.g. "## when_how_much", or its checklist label, e.g. "## 8. When and how much") starts
 * that field's text. Problems name the line.
 */
export function parseTidierFile(text: string, fileName: string, labels: Record<string, string>): Partial<Record<TidierFieldName, string>> {
  if (/\.json$/i.test(fileName)) {
    let parsed: unknown;
    try { parsed = JSON.parse(text); } catch (err) { fail(`${fileName} is not valid JSON`, [{ pointer: '/file', detail: (err as Error).message }]); }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== 'string')) {
      fail(`${fileName} must be one JSON object of field name to text`, [{ pointer: '/file', detail: 'expected {"name": "...", "why": "...", ...} with text values' }]);
    }
    return parseDescription(parsed as Record<string, string>);
  }
  const byLabel = new Map(Object.entries(labels).map(([field, label]) => [label.toLowerCase(), field]));
  const fields: Record<string, string> = {};
  const problems: FieldProblem[] = [];
  let current: string | null = null;
  text.replace(/\r\n/g, '\n').split('\n').forEach((line, i) => {
    const h = /^#{1,3}\s+(.+?)\s*#*\s*$/.exec(line);
    if (h) {
      const heading = h[1].trim();
      const field = (TIDIER_FIELD_NAMES as readonly string[]).includes(heading) ? heading : byLabel.get(heading.toLowerCase());
      if (!field) { problems.push({ pointer: '/file', line: i + 1, detail: `"${heading}" is not a TIDieR field name or label` }); current = null; return; }
      current = field;
      fields[field] = '';
      return;
    }
    if (current) fields[current] += `${line}\n`;
    else if (line.trim() !== '') problems.push({ pointer: '/file', line: i + 1, detail: 'text before the first "## <field>" heading' });
  });
  if (problems.length) fail(`${fileName} could not be read`, problems);
  if (Object.keys(fields).length === 0) fail(`${fileName} has no "## <field>" headings`, [{ pointer: '/file', detail: 'no TIDieR headings found' }]);
  return parseDescription(fields);
}
