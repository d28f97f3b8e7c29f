// Evaluator pages for what the reports need: programme costs (list, add, remove), quotes picked from evaluation-form answers, the TIDieR description and report settings. Zod-validated, CSRF-protected (staff layer), audited.
import type { Request, Response } from 'express';
import type { AppDeps } from '../../deps';
import type { StaffRoute } from './route-table';
import { evaluatorRoles, actorOf } from '../../domain/auth/roles';
import { ValidationError, type FieldProblem } from '../../../shared/errors';
import {
  COST_BASIS_NAMES, MAX_DESCRIPTION_CHARS, parseCost, parseDescription, parseSettings, SETTINGS_FIELD_NAMES, TIDIER_FIELD_NAMES,
  type CostFields, type SettingsFields,
} from '../../domain/report-inputs/parse';
import { parseQuoteValue, quoteChoices } from '../../domain/report-inputs/quote-choices';
import { listProgrammeCosts, loadForms, loadQuotes, loadReportData, loadReportSettings } from '../../storage/report-data-repo';
import { addCostAudited, removeCostAudited, saveSettingsAudited, setDescriptionAudited, setQuotesAudited, type Actor, type QuoteRef } from '../../storage/report-input-repo';
import { listWaves } from '../../storage/wave-repo';
import type { Trial } from '../../storage/trial-repo';
import { loadComparison } from '../../storage/report-comparison-repo';
import { getRegistry } from '../../../instruments/registry';
import { buildIpe, costBasisLabel, evaluationQuestions, TIDIER_DEFAULTS } from '../../../reports/view-models/ipe';
import { ADMIN_MEASURE_LABELS, FORM_IDS } from '../../../reports/view-models/outcomes';
import { fmtPounds } from '../../../reports/view-models/format';
import type { ReportSettings } from '../../../reports/view-models/report-data';
import { authOf } from './auth';
import { field, fieldList } from './body';
import { errorItems, fieldMessages, problemsOrThrow, sendPage } from './page';
import { trialOr404 } from './trial-routes';
import { inferenceFormValues, inferenceFormView } from './inference-settings-form';
import { sectionsStatus } from './report-section-routes';

const param = (req: Request, name: string) => String((req.params as Record<string, string>)[name] ?? '');
const by = (res: Response, deps: AppDeps): Actor => ({ actor: actorOf(authOf(res).user), at: deps.clock().toISOString() });
const phaseOf = (t: Trial) => (t.isDemo ? 'DEMO' as const : 'BETA' as const);
const base = (t: Trial) => `/staff/trials/${t.id}/report-inputs`;

/** Fixed confirmation messages, chosen by ?saved=<key> after a redirect (the query text itself is never shown). */
const SAVED: Record<string, string> = {
  'cost-added': 'The cost was added.', 'cost-removed': 'The cost was removed.', quotes: 'The quote selection was saved.',
  description: 'The intervention description was saved.', settings: 'The report settings were saved.', unchanged: 'Nothing had changed, so nothing was saved.',
};
const noticeOf = (req: Request) => SAVED[typeof req.query.saved === 'string' ? req.query.saved : ''] ?? '';



const comparisonStatus = (deps: AppDeps, t: Trial) => { const c = loadComparison(deps.db, t.id); return c ? `${Object.keys(c.figures).length} figures: ${c.heading}` : 'none entered'; };

// ---- overview -------------------------------------------------------------------------------------

function indexPage(req: Request, res: Response, deps: AppDeps, t: Trial): void {
  const costs = listProgrammeCosts(deps.db, t.id);
  const quotes = loadQuotes(deps.db, t.id);
  const described = (deps.db.prepare('SELECT count(*) AS n FROM intervention_descriptions WHERE trial_id = ?').get(t.id) as { n: number }).n;
  const s = loadReportSettings(deps.db, t.id);
  sendPage(req, res, 'staff/report-inputs/index', {
    title: `Report inputs: ${t.title}`, phase: phaseOf(t), trial: t, backLink: `/staff/trials/${t.id}`,
    tasks: [
      { href: `${base(t)}/costs`, text: 'Programme costs', status: `${costs.length} entered` },
      { href: `${base(t)}/quotes`, text: 'Quotes from evaluation forms', status: `${quotes.length} selected` },
      { href: `${base(t)}/sections`, text: 'Report sections (executive summary, key conclusions, introduction, logic model, interpretation, limitations)', status: sectionsStatus(deps, t.id) },
      { href: `${base(t)}/description`, text: 'Intervention description (TIDieR)', status: `${described} of ${TIDIER_FIELD_NAMES.length} fields entered` },
      { href: `${base(t)}/comparison`, text: 'Table 2 comparison figures (national or LA)', status: comparisonStatus(deps, t) },
      { href: `${base(t)}/settings`, text: 'Report settings', status: `primary outcome ${s.primaryOutcome ?? 'default'}, ${s.effectSize === 'glass' ? 'Glass\'s delta' : 'Hedges\' g'}, standard errors ${s.seType}, missing LA outcome months ${s.adminMissingMonths === 'prorate' ? 'pro-rated' : 'leave the school out'}` },
    ],
  });
}

// ---- costs ----------------------------------------------------------------------------------------

const COST_FIELDS = ['item', 'amount', 'basis', 'shared-by', 'note'] as const;
const BASIS_CHOICES: Record<string, string> = { 'per-setting-per-year': 'Per setting per year', 'per-dsl': 'Per DSL', total: 'A total for the whole programme, shared between settings' };

function costsPage(req: Request, res: Response, deps: AppDeps, t: Trial, form: CostFields = {}, problems: FieldProblem[] = [], status = 200): void {
  const costs = listProgrammeCosts(deps.db, t.id);
  const ipeCosts = buildIpe(loadReportData(deps.db, t.id), deps.clock()).costs;
  sendPage(req, res, 'staff/report-inputs/costs', {
    title: `Programme costs: ${t.title}`, phase: phaseOf(t), trial: t, backLink: base(t), notice: noticeOf(req),
    errors: errorItems(problems, null), fieldErrors: fieldMessages(COST_FIELDS, problems),
    costs: costs.map((c) => ({ id: c.id, item: c.item, amount: fmtPounds(c.amountPence), basis: costBasisLabel(c.basis, c.sharedBy), note: c.note ?? '' })),
    figures: costs.length ? ipeCosts.rows : [],
    form: { item: form.item ?? '', amount: form.amount ?? '', sharedBy: form.sharedBy ?? '1', note: form.note ?? '' },
    basisChoices: COST_BASIS_NAMES.map((b, i) => ({ value: b, label: BASIS_CHOICES[b], id: i ? `basis-${i}` : 'basis', checked: form.basis === b })),
  }, status);
}

// ---- quotes ---------------------------------------------------------------------------------------

function quotesPage(req: Request, res: Response, deps: AppDeps, t: Trial, problems: FieldProblem[] = [], status = 200): void {
  const groups = quoteChoices(loadForms(deps.db, t.id), evaluationQuestions(), loadQuotes(deps.db, t.id));
  sendPage(req, res, 'staff/report-inputs/quotes', {
    title: `Quotes: ${t.title}`, phase: phaseOf(t), trial: t, backLink: base(t), notice: noticeOf(req), errors: errorItems(problems, null),
    questions: groups.map((g, i) => ({
      index: i, title: g.title, count: g.answers.length, selected: g.answers.filter((a) => a.selected).length,
      countText: `${g.answers.length} answer${g.answers.length === 1 ? '' : 's'}, ${g.answers.filter((a) => a.selected).length} selected`,
      answers: g.answers.map((a) => ({ ...a, id: `quote-${a.responseId}-${a.item}` })),
    })).filter((q) => q.count > 0),
    shown: groups.flatMap((g) => g.answers.map((a) => a.value)).join(' '),
    empty: groups.every((g) => g.answers.length === 0),
  }, status);
}

function quoteRefs(values: string[], field: string): QuoteRef[] {
  const refs: QuoteRef[] = [];
  for (const v of values) {
    const ref = parseQuoteValue(v);
    if (!ref) throw new ValidationError('The quote selection could not be read.', [{ pointer: `/${field}`, detail: 'The quote selection could not be read: reload the page and try again' }]);
    refs.push(ref);
  }
  return refs;
}

// ---- description ----------------------------------------------------------------------------------

function descriptionPage(req: Request, res: Response, deps: AppDeps, t: Trial, entered: Record<string, string> | null = null, problems: FieldProblem[] = [], status = 200): void {
  const stored = entered ?? Object.fromEntries((deps.db.prepare('SELECT field, body FROM intervention_descriptions WHERE trial_id = ?').all(t.id) as { field: string; body: string }[]).map((r) => [r.field, r.body]));
  const messages = fieldMessages(TIDIER_FIELD_NAMES, problems);
  sendPage(req, res, 'staff/report-inputs/description', {
    title: `Intervention description: ${t.title}`, phase: phaseOf(t), trial: t, backLink: base(t), notice: noticeOf(req), errors: errorItems(problems, null),
    maxChars: MAX_DESCRIPTION_CHARS,
    fields: TIDIER_DEFAULTS.map((d) => ({ name: d.field, label: d.label, value: stored[d.field] ?? '', defaultText: d.text, error: messages[d.field] ?? '' })),
  }, status);
}

// ---- settings -------------------------------------------------------------------------------------

/** Outcomes the primary-outcome choice offers: every administrative measure, then the scales of the trial's survey instruments. */
function outcomeOptions(deps: AppDeps, t: Trial): Array<{ value: string; label: string }> {
  const out = Object.entries(ADMIN_MEASURE_LABELS).map(([m, label]) => ({ value: `admin:${m}`, label: `${label} (administrative)` }));
  const seen = new Set<string>();
  for (const w of listWaves(deps.db, t.id)) {
    for (const key of w.instruments) {
      const id = key.split('@')[0];
      if (seen.has(id) || FORM_IDS.has(id)) continue;
      seen.add(id);
      try {
        const def = getRegistry().get(key);
        for (const scale of def.scales) out.push({ value: `${id}:${scale}`, label: `${def.title}: ${scale} (survey)` });
      } catch { /* an instrument no longer installed offers no scales */ }
    }
  }
  return out;
}

const SETTINGS_FIELDS = Object.values(SETTINGS_FIELD_NAMES);

function settingsPage(req: Request, res: Response, deps: AppDeps, t: Trial, form: Record<string, string> | null = null, problems: FieldProblem[] = [], status = 200): void {
  const s = loadReportSettings(deps.db, t.id);
  const current: Record<string, string> = form ?? {
    'primary-outcome': s.primaryOutcome ?? '', 'effect-size': s.effectSize, 'se-type': s.seType, 'missing-months': s.adminMissingMonths ?? 'complete', 'mlm-effect-size': s.mlmEffectSize ?? 'off',
    'robustness-window': s.robustnessWindow ? `${s.robustnessWindow[0]} to ${s.robustnessWindow[1]}` : '',
    icc: str(s.protocolMdes.icc), 'r2-cluster': str(s.protocolMdes.r2Cluster), 'r2-individual': str(s.protocolMdes.r2Individual),
    'cluster-size': str(s.protocolMdes.clusterSize), alpha: str(s.protocolMdes.alpha), power: str(s.protocolMdes.power), ...inferenceFormValues(s),
  };
  const options = outcomeOptions(deps, t);
  if (current['primary-outcome'] && !options.some((o) => o.value === current['primary-outcome'])) options.push({ value: current['primary-outcome'], label: current['primary-outcome'] });
  const radios = (name: string, choices: Array<[string, string]>) => choices.map(([value, label], i) => ({ value, label, id: i ? `${name}-${i}` : name, checked: current[name] === value }));
  sendPage(req, res, 'staff/report-inputs/settings', {
    title: `Report settings: ${t.title}`, phase: phaseOf(t), trial: t, backLink: base(t), notice: noticeOf(req), errors: errorItems(problems, null),
    fieldErrors: fieldMessages(SETTINGS_FIELDS, problems), form: current,
    outcomes: [{ value: '', label: 'Default: contacts leading to NFA when imported, else the first outcome', selected: current['primary-outcome'] === '' },
      ...options.map((o) => ({ ...o, selected: o.value === current['primary-outcome'] }))],
    effectSizes: radios('effect-size', [['glass', 'Glass\'s delta (adjusted difference ÷ control-group SD), as the Bolton report'], ['hedges', 'Hedges\' g (pooled SD, small-sample correction)']]),
    seTypes: radios('se-type', [['auto', 'Automatic: CR2 (Bell–McCaffrey) with fewer than 40 clusters or when local authorities are randomised, else CR1'], ['cr1', 'CR1 (Stata-style cluster-robust)'], ['cr2', 'CR2 (Bell–McCaffrey)']]),
    missingMonths: radios('missing-months', [['complete', 'Leave out a school whose LA data miss any month of the outcome or baseline window (default; the report lists them)'], ['prorate', 'Pro-rate: scale up a window with at least half its months (window sum × months in window ÷ months with data); the report names this setting']]),
    inference: inferenceFormView(current, fieldMessages(SETTINGS_FIELDS, problems), radios),
    mlmEffectSizes: radios('mlm-effect-size', [['off', 'No: least-squares effect sizes only (default)'], ['total', 'Yes, leading with Hedges\' g on the total variance (school + within), as EEF reports'], ['within', 'Yes, leading with Hedges\' g on the within-school variance']]),
    mdes: [
      { name: 'icc', label: 'Intracluster correlation (school)', hint: 'Default 0.05' },
      { name: 'r2-cluster', label: 'Baseline/endline R² at school level', hint: 'Default 0.5' },
      { name: 'r2-individual', label: 'Baseline/endline R² at DSL or pupil level', hint: 'Default 0' },
      { name: 'cluster-size', label: 'Average cluster size (DSLs or pupils per school)', hint: 'Default: as observed' },
      { name: 'alpha', label: 'Alpha (two-sided)', hint: 'Default 0.05' },
      { name: 'power', label: 'Power', hint: 'Default 0.8' },
    ].map((m) => ({ ...m, value: current[m.name] ?? '', error: fieldMessages(SETTINGS_FIELDS, problems)[m.name] })),
  }, status);
}

function str(v: number | null | undefined): string {
  return v === undefined || v === null ? '' : String(v);
}

function settingsFields(req: Request): SettingsFields {
  const out: SettingsFields = {};
  for (const [key, name] of Object.entries(SETTINGS_FIELD_NAMES) as Array<[keyof SettingsFields, string]>) out[key] = field(req, name);
  return out;
}

// ---- routes ---------------------------------------------------------------------------------------

export const reportInputRoutes: StaffRoute[] = [
  {
    method: 'get', path: '/trials/:trialId/report-inputs', roles: evaluatorRoles, summary: 'report inputs overview',
    handler: (req, res, deps) => indexPage(req, res, deps, trialOr404(deps, param(req, 'trialId'))),
  },
  {
    method: 'get', path: '/trials/:trialId/report-inputs/costs', roles: evaluatorRoles, summary: 'programme costs list and add form',
    handler: (req, res, deps) => costsPage(req, res, deps, trialOr404(deps, param(req, 'trialId'))),
  },
  {
    method: 'post', path: '/trials/:trialId/report-inputs/costs', roles: evaluatorRoles, summary: 'add a programme cost',
    handler: (req, res, deps) => {
      const t = trialOr404(deps, param(req, 'trialId'));
      const form: CostFields = { item: field(req, 'item'), amount: field(req, 'amount'), basis: field(req, 'basis'), sharedBy: field(req, 'shared-by'), note: field(req, 'note') };
      try {
        addCostAudited(deps.db, t.id, parseCost(form), by(res, deps));
      } catch (err) {
        const { problems, status } = problemsOrThrow(err);
        costsPage(req, res, deps, t, form, problems, status);
        return;
      }
      res.redirect(303, `${base(t)}/costs?saved=cost-added`);
    },
  },
  {
    method: 'post', path: '/trials/:trialId/report-inputs/costs/remove', roles: evaluatorRoles, summary: 'remove a programme cost',
    handler: (req, res, deps) => {
      const t = trialOr404(deps, param(req, 'trialId'));
      const raw = field(req, 'cost');
      try {
        if (!/^\d{1,12}$/.test(raw)) throw new ValidationError('Select a cost to remove.', [{ pointer: '/cost', detail: 'Select a cost to remove' }]);
        removeCostAudited(deps.db, t.id, Number(raw), by(res, deps));
      } catch (err) {
        const { problems, status } = problemsOrThrow(err);
        costsPage(req, res, deps, t, {}, problems, status);
        return;
      }
      res.redirect(303, `${base(t)}/costs?saved=cost-removed`);
    },
  },
  {
    method: 'get', path: '/trials/:trialId/report-inputs/quotes', roles: evaluatorRoles, summary: 'quote picker (evaluation-form answers by question)',
    handler: (req, res, deps) => quotesPage(req, res, deps, trialOr404(deps, param(req, 'trialId'))),
  },
  {
    method: 'post', path: '/trials/:trialId/report-inputs/quotes', roles: evaluatorRoles, summary: 'save the quotes selected (every question at once)',
    handler: (req, res, deps) => {
      const t = trialOr404(deps, param(req, 'trialId'));
      let changed = 0;
      try {
        const shown = quoteRefs(field(req, 'shown').split(/\s+/).filter(Boolean), 'shown');
        const selected = quoteRefs(fieldList(req, 'quote'), 'quote');
        const shownKeys = new Set(shown.map((q) => `${q.responseId}:${q.item}`));
        if (selected.some((q) => !shownKeys.has(`${q.responseId}:${q.item}`))) throw new ValidationError('The quote selection could not be read.', [{ pointer: '/quote', detail: 'The quote selection did not match the page: reload it and try again' }]);
        const r = setQuotesAudited(deps.db, t.id, shown, selected, by(res, deps));
        changed = r.added.length + r.removed.length;
      } catch (err) {
        const { problems, status } = problemsOrThrow(err);
        quotesPage(req, res, deps, t, problems, status);
        return;
      }
      res.redirect(303, `${base(t)}/quotes?saved=${changed ? 'quotes' : 'unchanged'}`);
    },
  },
  {
    method: 'get', path: '/trials/:trialId/report-inputs/description', roles: evaluatorRoles, summary: 'TIDieR intervention description form',
    handler: (req, res, deps) => descriptionPage(req, res, deps, trialOr404(deps, param(req, 'trialId'))),
  },
  {
    method: 'post', path: '/trials/:trialId/report-inputs/description', roles: evaluatorRoles, summary: 'save the TIDieR intervention description',
    handler: (req, res, deps) => {
      const t = trialOr404(deps, param(req, 'trialId'));
      const entered = Object.fromEntries(TIDIER_FIELD_NAMES.map((n) => [n, typeof (req.body as Record<string, unknown>)?.[n] === 'string' ? ((req.body as Record<string, string>)[n]) : '']));
      let changed: string[];
      try {
        changed = setDescriptionAudited(deps.db, t.id, parseDescription(entered), by(res, deps));
      } catch (err) {
        const { problems, status } = problemsOrThrow(err);
        descriptionPage(req, res, deps, t, entered, problems, status);
        return;
      }
      res.redirect(303, `${base(t)}/description?saved=${changed.length ? 'description' : 'unchanged'}`);
    },
  },
  {
    method: 'get', path: '/trials/:trialId/report-inputs/settings', roles: evaluatorRoles, summary: 'report settings form',
    handler: (req, res, deps) => settingsPage(req, res, deps, trialOr404(deps, param(req, 'trialId'))),
  },
  {
    method: 'post', path: '/trials/:trialId/report-inputs/settings', roles: evaluatorRoles, summary: 'save the report settings',
    handler: (req, res, deps) => {
      const t = trialOr404(deps, param(req, 'trialId'));
      const fields = settingsFields(req);
      const form = Object.fromEntries(Object.entries(SETTINGS_FIELD_NAMES).map(([k, name]) => [name, fields[k as keyof SettingsFields] ?? '']));
      let settings: ReportSettings;
      try {
        settings = parseSettings(fields, loadReportSettings(deps.db, t.id));
        const allowed = new Set(['', ...outcomeOptions(deps, t).map((o) => o.value), loadReportSettings(deps.db, t.id).primaryOutcome ?? '']);
        if (!allowed.has(settings.primaryOutcome ?? '')) throw new ValidationError('Select a primary outcome from the list.', [{ pointer: '/primary-outcome', detail: 'Select a primary outcome from the list' }]);
        saveSettingsAudited(deps.db, t.id, settings, by(res, deps));
      } catch (err) {
        const { problems, status } = problemsOrThrow(err);
        settingsPage(req, res, deps, t, form, problems, status);
        return;
      }
      res.redirect(303, `${base(t)}/settings?saved=settings`);
    },
  },
];

