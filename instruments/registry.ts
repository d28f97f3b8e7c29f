// Loads every instruments/<id>/ folder once (survey.json + scoring.json), validates it, and offers lookup by 'id@version', answer validation and the wave survey.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NotFoundError, type FieldProblem } from '../shared/errors';
import { alwaysNeededItems } from './completeness';
import { licensedTextSchema, scoringSpecSchema, type Direction, type ScoringSpec } from './scoring-rules';

export interface ItemDef {
  id: string;
  kind: 'choice' | 'number' | 'text' | 'date' | 'boolean';
  values?: (number | string)[];
  min?: number;
  max?: number;
  maxLength?: number;
  /** 0-based page of the instrument's own survey.json. */
  page: number;
  /** number items: whole numbers only. */
  integer?: boolean;
  /** Must be answered before submitting (SurveyJS isRequired). */
  required?: boolean;
}

export interface InstrumentDef {
  id: string;
  version: number;
  key: string; // 'pss10@1'
  title: string;
  respondent: 'dsl' | 'supervisor';
  standardised: boolean;
  direction: Record<string, Direction>;
  survey: object; // SurveyJS JSON
  scoring: unknown; // ScoringSpec (scoring-rules.ts)
  items: ItemDef[];
  scales: string[];
  needsLicensedText: boolean;
  licenceNote: string;
}

export interface RegistryOptions { instrumentsDir?: string; placeholderText?: boolean }
export interface Registry { list(): InstrumentDef[]; get(key: string): InstrumentDef }

const defaultDir = path.dirname(fileURLToPath(import.meta.url));
const cache = new Map<string, Registry>();

/** The instruments in a folder, validated once and cached per (folder, placeholderText). Throws on an invalid instrument folder. */
export function getRegistry(opts: RegistryOptions = {}): Registry {
  const dir = path.resolve(opts.instrumentsDir ?? defaultDir);
  const cacheKey = `${dir}\u0000${opts.placeholderText ? 1 : 0}`;
  const hit = cache.get(cacheKey);
  if (hit) return hit;
  const defs = fs.readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, 'scoring.json')))
    .map((d) => d.name).sort()
    .map((name) => loadInstrument(path.join(dir, name), name, opts.placeholderText ?? false));
  const registry: Registry = {
    list: () => defs.slice(),
    get(key: string) {
      const [id, version] = key.split('@');
      const matches = defs.filter((d) => d.id === id && (version === undefined || String(d.version) === version));
      if (matches.length === 0) throw new NotFoundError(`unknown instrument "${key}"`, [{ pointer: '/instrument', detail: `unknown instrument "${key}"` }]);
      return matches.reduce((a, b) => (b.version > a.version ? b : a));
    },
  };
  cache.set(cacheKey, registry);
  return registry;
}

/** Forgets cached registries (tests that write instrument folders). */
export function clearRegistryCache(): void { cache.clear(); }

function readJson(file: string): unknown {
  const text = fs.readFileSync(file, 'utf8');
  try { return JSON.parse(text); } catch (err) { throw new Error(`${file}: not valid JSON (${(err as Error).message})`); }
}

/** Reads, checks and assembles one instrument folder. */
export function loadInstrument(folder: string, folderName: string, placeholderText: boolean): InstrumentDef {
  const parsed = scoringSpecSchema.safeParse(readJson(path.join(folder, 'scoring.json')));
  if (!parsed.success) {
    throw new Error(`${folder}/scoring.json: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const spec = parsed.data;
  const original = readJson(path.join(folder, 'survey.json')) as SurveyJson;
  const problems: string[] = [];
  if (spec.id !== folderName) problems.push(`scoring.json id "${spec.id}" differs from the folder name "${folderName}"`);
  const items = itemsOfSurvey(original, itemPrefix(spec.id), problems);
  checkScoring(spec, items, problems);

  let survey: SurveyJson = original;
  let needsLicensedText = false;
  let licenceNote = spec.licenceNote;
  if (spec.licensedText) {
    const textFile = path.join(folder, 'licensed-text.json');
    const licensed = fs.existsSync(textFile) ? licensedTextSchema.safeParse(readJson(textFile)) : undefined;
    const missing = licensed?.success ? items.filter((i) => !licensed.data.items[i.id]).map((i) => i.id) : [];
    if (licensed?.success && missing.length === 0) {
      survey = withLicensedText(original, licensed.data.items, licensed.data.intro);
    } else {
      needsLicensedText = true;
      const why = !licensed ? `${textFile} is not installed`
        : !licensed.success ? `${textFile} is not in the documented format (${licensed.error.issues[0]?.message})`
        : `${textFile} has no text for ${missing.join(', ')}`;
      licenceNote = `${spec.licenceNote} This instrument needs licensed text: ${why}. A licence holder must add it (see instruments/${spec.id}/README.md).`;
      if (!placeholderText) survey = licenceNoticeSurvey(spec, licenceNote);
    }
  }
  if (spec.licensedText) for (const id of itemsWithoutPlaceholder(original)) problems.push(`survey.json: ${id} must carry placeholder text only ("[… licensed text …]")`);
  if (problems.length) throw new Error(`instrument ${folderName}: ${problems.join('; ')}`);

  return {
    id: spec.id, version: spec.version, key: `${spec.id}@${spec.version}`, title: spec.title,
    respondent: spec.respondent, standardised: spec.standardised,
    direction: Object.fromEntries(spec.scales.map((s) => [s.id, s.direction])),
    survey, scoring: spec, items, scales: spec.scales.map((s) => s.id), needsLicensedText, licenceNote,
  };
}

/** 'dsl-confidence' -> 'dsl_confidence_': every item id starts with it. */
export function itemPrefix(instrumentId: string): string { return `${instrumentId.replace(/-/g, '_')}_`; }

// ---- survey.json -> items --------------------------------------------------------------------

interface SurveyElement { type: string; name: string; elements?: SurveyElement[]; [k: string]: unknown }
interface SurveyPage { name: string; title?: string; description?: string; elements: SurveyElement[]; [k: string]: unknown }
interface SurveyJson { title?: string; description?: string; pages: SurveyPage[]; [k: string]: unknown }

function choiceValues(choices: unknown): (number | string)[] | undefined {
  if (!Array.isArray(choices)) return undefined;
  return choices.map((c) => (typeof c === 'object' && c !== null ? (c as { value: number | string }).value : c as number | string));
}

function flatElements(elements: SurveyElement[]): SurveyElement[] {
  return elements.flatMap((e) => (e.type === 'panel' ? flatElements(e.elements ?? []) : [e]));
}

/** Derives the item list (ids, kinds, allowed values) from a SurveyJS JSON; adds a message to problems for anything unsupported. */
export function itemsOfSurvey(survey: SurveyJson, prefix: string, problems: string[]): ItemDef[] {
  const items: ItemDef[] = [];
  if (!Array.isArray(survey.pages) || survey.pages.length === 0) { problems.push('survey.json has no pages'); return items; }
  survey.pages.forEach((page, pageIndex) => {
    for (const el of flatElements(page.elements ?? [])) {
      if (typeof el.name !== 'string' || !el.name.startsWith(prefix)) { problems.push(`survey.json: element "${el.name}" must be named ${prefix}…`); continue; }
      if (el.type === 'html') continue;
      if (items.some((i) => i.id === el.name)) { problems.push(`survey.json: item ${el.name} appears twice`); continue; }
      const base = { id: el.name, page: pageIndex, ...(el.isRequired === true ? { required: true } : {}) };
      switch (el.type) {
        case 'radiogroup': case 'dropdown': {
          const values = choiceValues(el.choices);
          if (!values?.length) problems.push(`survey.json: ${el.name} has no choices`);
          items.push({ ...base, kind: 'choice', values: values ?? [] });
          break;
        }
        case 'rating': {
          const values = choiceValues(el.rateValues)
            ?? range(Number(el.rateMin ?? 1), Number(el.rateMax ?? 5), Number(el.rateStep ?? 1));
          items.push({ ...base, kind: 'choice', values });
          break;
        }
        case 'text': {
          if (el.inputType === 'number') {
            items.push({ ...base, kind: 'number', ...(typeof el.min === 'number' ? { min: el.min } : {}), ...(typeof el.max === 'number' ? { max: el.max } : {}),
              ...(el.step === 1 ? { integer: true } : {}) });
          } else if (el.inputType === 'date') {
            items.push({ ...base, kind: 'date' });
          } else {
            if (typeof el.maxLength !== 'number') problems.push(`survey.json: text item ${el.name} needs a maxLength`);
            items.push({ ...base, kind: 'text', maxLength: Number(el.maxLength ?? 0) });
          }
          break;
        }
        case 'comment':
          if (typeof el.maxLength !== 'number') problems.push(`survey.json: text item ${el.name} needs a maxLength`);
          items.push({ ...base, kind: 'text', maxLength: Number(el.maxLength ?? 0) });
          break;
        case 'boolean':
          items.push({ ...base, kind: 'boolean' });
          break;
        default:
          problems.push(`survey.json: ${el.name} has unsupported question type "${el.type}"`);
      }
    }
  });
  return items;
}

function range(min: number, max: number, step: number): number[] {
  const out: number[] = [];
  for (let v = min; v <= max; v += step) out.push(v);
  return out;
}

/** Cross-checks scoring.json against the items: every scored item exists and has the values the rules expect. */
function checkScoring(spec: ScoringSpec, items: ItemDef[], problems: string[]): void {
  const byId = new Map(items.map((i) => [i.id, i]));
  const seen = new Set<string>();
  for (const s of spec.scales) {
    if (seen.has(s.id)) problems.push(`scoring.json: scale ${s.id} appears twice`);
    seen.add(s.id);
    for (const id of s.items) {
      const item = byId.get(id);
      if (!item) { problems.push(`scoring.json: scale ${s.id} uses unknown item ${id}`); continue; }
      const numeric = ['value', 'sum', 'mean'].includes(s.method);
      const recode = s.recode?.find((r) => r.items.includes(id));
      if (numeric && item.kind === 'choice') {
        for (const v of item.values ?? []) {
          if (recode ? recode.map[String(v)] === undefined : typeof v !== 'number') problems.push(`scoring.json: scale ${s.id}: ${id} value ${JSON.stringify(v)} is not numeric${recode ? ' after recoding' : ''}`);
        }
      } else if (numeric && item.kind !== 'number') problems.push(`scoring.json: scale ${s.id}: ${id} is ${item.kind}, not a number`);
    }
    for (const id of [...(s.reverse?.items ?? []), ...(s.recode ?? []).flatMap((r) => r.items)]) {
      if (!s.items.includes(id)) problems.push(`scoring.json: scale ${s.id} reverses or recodes ${id}, which it does not use`);
    }
    if (s.method === 'value' && s.items.length !== 1) problems.push(`scoring.json: scale ${s.id}: "value" takes exactly one item`);
    if (s.method === 'proportionCorrect') {
      if (!s.key) problems.push(`scoring.json: scale ${s.id} needs a key`);
      for (const [id, entry] of Object.entries(s.key ?? {})) {
        const problem = keyEntryProblem(byId.get(id), entry);
        if (!s.items.includes(id)) problems.push(`scoring.json: scale ${s.id}: key item ${id} is not one of its items`);
        else if (problem) problems.push(`scoring.json: scale ${s.id}: key ${id}: ${problem}`);
      }
    }
    if (s.method === 'countEqual' && !s.equals) problems.push(`scoring.json: scale ${s.id} needs "equals"`);
  }
}

/** Why an answer-key entry cannot apply to an item, or undefined when it can. */
export function keyEntryProblem(item: ItemDef | undefined, entry: unknown): string | undefined {
  if (!item) return 'unknown item';
  if (entry === null) return undefined;
  const list = Array.isArray(entry) ? entry : [entry];
  if (list.length === 0) return 'an empty list of answers';
  for (const v of list) {
    const problem = valueProblem(item, v);
    if (problem) return problem;
  }
  return undefined;
}

// ---- licensed text ---------------------------------------------------------------------------

/** Items of a licensed instrument whose committed title is not a "[… licensed text …]" placeholder (guards against committing the wording). */
function itemsWithoutPlaceholder(survey: SurveyJson): string[] {
  return survey.pages.flatMap((p) => flatElements(p.elements))
    .filter((el) => el.type !== 'html' && !/^\[.*licensed text.*\]$/i.test(String(el.title ?? '')))
    .map((el) => el.name);
}

function withLicensedText(survey: SurveyJson, text: Record<string, string>, intro?: string): SurveyJson {
  const copy = structuredClone(survey);
  for (const page of copy.pages) {
    for (const el of flatElements(page.elements)) {
      if (text[el.name]) el.title = text[el.name];
      if (intro && el.type === 'html') el.html = `<p>${escapeHtml(intro)}</p>`;
    }
  }
  return copy;
}

function licenceNoticeSurvey(spec: ScoringSpec, message: string): SurveyJson {
  const name = itemPrefix(spec.id);
  return {
    title: spec.title,
    pages: [{ name: `${name}licence`, title: spec.title, elements: [{ type: 'html', name: `${name}licence_notice`, html: `<p>${escapeHtml(message)}</p>` }] }],
  };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

// ---- answers ---------------------------------------------------------------------------------

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

/** Why a value is not a valid answer to an item, or undefined when it is. Missing values (null, undefined) are not checked here. */
export function valueProblem(item: ItemDef, v: unknown): string | undefined {
  switch (item.kind) {
    case 'choice':
      return item.values?.includes(v as never) ? undefined : `${JSON.stringify(v)} is not one of ${(item.values ?? []).join(', ')}`;
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) return `${JSON.stringify(v)} is not a number`;
      if (item.integer && !Number.isInteger(v)) return `${v} is not a whole number`;
      if (item.min !== undefined && v < item.min) return `${v} is below the minimum ${item.min}`;
      if (item.max !== undefined && v > item.max) return `${v} is above the maximum ${item.max}`;
      return undefined;
    case 'date': {
      if (typeof v !== 'string' || !isoDate.test(v)) return `${JSON.stringify(v)} is not a date (YYYY-MM-DD)`;
      const d = new Date(`${v}T00:00:00Z`);
      return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== v ? `${JSON.stringify(v)} is not a real date` : undefined;
    }
    case 'boolean':
      return typeof v === 'boolean' ? undefined : `${JSON.stringify(v)} is not true or false`;
    case 'text':
      if (typeof v !== 'string') return `${JSON.stringify(v)} is not text`;
      return item.maxLength !== undefined && v.length > item.maxLength ? `text is ${v.length} characters long; at most ${item.maxLength} allowed` : undefined;
  }
}

/** Converts one non-blank CSV cell to the item's answer type, or says why it cannot. */
export function cellValue(item: ItemDef, cell: string): { value?: unknown; problem?: string } {
  const quoted = JSON.stringify(cell);
  let value: unknown = cell;
  if (item.kind === 'number' || (item.kind === 'choice' && item.values?.every((v) => typeof v === 'number'))) {
    const n = Number(cell);
    if (!Number.isFinite(n)) {
      return { problem: item.kind === 'choice' ? `${quoted} is not one of ${item.values?.join(', ')}` : `${quoted} is not a number` };
    }
    value = n;
  } else if (item.kind === 'boolean') {
    if (!['true', 'false'].includes(cell.toLowerCase())) return { problem: `${quoted} is not true or false` };
    value = cell.toLowerCase() === 'true';
  }
  const problem = valueProblem(item, value);
  return problem ? { problem: item.kind === 'choice' || item.kind === 'number' ? problem.replace(/^\S+/, quoted) : problem } : { value };
}

/**
 * Checks answers against the instruments: unknown item ids, wrong types, out-of-range values, over-long text;
 * in 'complete' mode also required items left unanswered. null means "no answer".
 */
export function validateAnswers(defs: InstrumentDef[], answers: Record<string, unknown>, mode: 'partial' | 'complete'): FieldProblem[] {
  const items = new Map(defs.flatMap((d) => d.items.map((i) => [i.id, i] as const)));
  const problems: FieldProblem[] = [];
  for (const [id, v] of Object.entries(answers)) {
    const item = items.get(id);
    const pointer = `/answers/${id.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (!item) { problems.push({ pointer, detail: `unknown item "${id}"` }); continue; }
    if (v === null || v === undefined) continue;
    const problem = valueProblem(item, v);
    if (problem) problems.push({ pointer, detail: `${id}: ${problem}` });
  }
  if (mode === 'complete') {
    for (const item of items.values()) {
      const v = answers[item.id];
      if (item.required && (v === undefined || v === null || v === '')) problems.push({ pointer: `/answers/${item.id}`, detail: `${item.id}: an answer is required` });
    }
  }
  return problems;
}

// ---- the wave survey -------------------------------------------------------------------------

function withRequired<T extends { elements?: SurveyElement[] }>(page: T, needed: Set<string>): T {
  markRequired(page.elements, needed);
  return page;
}

/** Marks isRequired on the elements (panels included) whose names are in `needed`: the server's missing-item rule, shown in the survey. */
function markRequired(elements: SurveyElement[] | undefined, needed: Set<string>): void {
  for (const e of elements ?? []) {
    if (e.type === 'panel') markRequired(e.elements, needed);
    else if (typeof e.name === 'string' && needed.has(e.name)) (e as SurveyElement & { isRequired?: boolean }).isRequired = true;
  }
}

/**
 * One SurveyJS JSON with every instrument's pages in order, a progress bar and no judgement on completion. Items that
 * a scale always needs (its rule allows no missing item) are isRequired, so the respondent sees what the server's
 * submit check (instruments/completeness.ts) would refuse; scales that allow gaps are checked by the server alone.
 */
export function buildWaveSurvey(defs: InstrumentDef[]): object {
  const pages = defs.flatMap((def) => {
    const s = def.survey as SurveyJson;
    const needed = alwaysNeededItems(def);
    return s.pages.map((p, i) => ({
      ...withRequired(structuredClone(p), needed),
      name: `${def.id}__${p.name}`,
      ...(i === 0 && !p.title ? { title: s.title ?? def.title } : {}),
      ...(i === 0 && !p.description && s.description ? { description: s.description } : {}),
    }));
  });
  return {
    title: 'Designated Safeguarding Lead survey',
    showProgressBar: true,
    progressBarLocation: 'top',
    progressBarType: 'pages',
    showQuestionNumbers: 'off',
    questionErrorLocation: 'bottom',
    checkErrorsMode: 'onValueChanged',
    completedHtml: '<h2>Thank you</h2><p>Your answers have been saved.</p>',
    pages,
  };
}
