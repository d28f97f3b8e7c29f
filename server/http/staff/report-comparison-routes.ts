// Evaluator report-inputs page for Table 2's comparison column: what the figures are (national or LA) and one figure per school characteristic of the trial; validated with GOV.UK messages, audited.
import type { Request, Response } from 'express';
import type { AppDeps } from '../../deps';
import type { StaffRoute } from './route-table';
import { evaluatorRoles, actorOf } from '../../domain/auth/roles';
import type { FieldProblem } from '../../../shared/errors';
import { figureField, MAX_COMPARISON_HEADING, parseComparison } from '../../domain/report-inputs/comparison';
import { loadReportData } from '../../storage/report-data-repo';
import { loadComparison, saveComparison } from '../../storage/report-comparison-repo';
import type { Trial } from '../../storage/trial-repo';
import { comparisonCharacteristics, type ComparisonCharacteristic } from '../../../reports/view-models/school-characteristics';
import { authOf } from './auth';
import { field } from './body';
import { errorItems, fieldMessages, problemsOrThrow, sendPage } from './page';
import { trialOr404 } from './trial-routes';

const param = (req: Request, name: string) => String((req.params as Record<string, string>)[name] ?? '');
const base = (t: Trial) => `/staff/trials/${t.id}/report-inputs`;

/** The characteristics Table 2 shows for the trial's schools (categories present among them, pupils, % FSM, covariates held). */
function characteristicsOf(deps: AppDeps, t: Trial): ComparisonCharacteristic[] {
  const data = loadReportData(deps.db, t.id);
  return comparisonCharacteristics(data, data.schools);
}

const numberText = (v: number | undefined) => (v === undefined ? '' : String(v));

function comparisonPage(req: Request, res: Response, deps: AppDeps, t: Trial, form: { heading: string; figures: Map<string, string> } | null = null, problems: FieldProblem[] = [], status = 200): void {
  const list = characteristicsOf(deps, t);
  const stored = loadComparison(deps.db, t.id);
  const current = form ?? { heading: stored?.heading ?? '', figures: new Map(list.map((c) => [c.key, numberText(stored?.figures[c.key])])) };
  const names = ['heading', ...list.map((_, i) => figureField(i))];
  const errors = fieldMessages(names, problems);
  const saved = typeof req.query.saved === 'string' ? ({ comparison: 'The comparison figures were saved.', removed: 'The comparison column was removed.', unchanged: 'Nothing had changed, so nothing was saved.' } as Record<string, string>)[req.query.saved] ?? '' : '';
  let group: string | null = null;
  sendPage(req, res, 'staff/report-inputs/comparison', {
    title: `Table 2 comparison figures: ${t.title}`, phase: t.isDemo ? 'DEMO' : 'BETA', trial: t, backLink: base(t), notice: saved,
    errors: errorItems(problems, null), maxHeading: MAX_COMPARISON_HEADING,
    heading: { value: current.heading, error: errors.heading },
    figures: list.map((c, i) => {
      const startsGroup = c.group !== group;
      group = c.group;
      return { name: figureField(i), key: c.key, keyName: `key-${i}`, label: c.group ? c.label.slice(c.group.length + 2) : c.label, unit: c.unit === 'percent' ? '%' : 'pupils',
        groupHeading: startsGroup ? (c.group ?? 'School-level (continuous): mean') : '', value: current.figures.get(c.key) ?? '', error: errors[figureField(i)] };
    }),
  }, status);
}

export const reportComparisonRoutes: StaffRoute[] = [
  {
    method: 'get', path: '/trials/:trialId/report-inputs/comparison', roles: evaluatorRoles, summary: 'Table 2 comparison figures form',
    handler: (req, res, deps) => comparisonPage(req, res, deps, trialOr404(deps, param(req, 'trialId'))),
  },
  {
    method: 'post', path: '/trials/:trialId/report-inputs/comparison', roles: evaluatorRoles, summary: 'save the Table 2 comparison figures',
    handler: (req, res, deps) => {
      const t = trialOr404(deps, param(req, 'trialId'));
      const list = characteristicsOf(deps, t);
      // figures travel with their characteristic's key, so a list that changed since the page was drawn cannot shift them
      const figures = new Map<string, string>();
      for (let i = 0; i < list.length + 100; i++) { const key = field(req, `key-${i}`); if (key) figures.set(key, field(req, figureField(i))); }
      const form = { heading: field(req, 'heading'), figures };
      try {
        const comparison = parseComparison(form, list);
        const changed = saveComparison(deps.db, t.id, comparison, { actor: actorOf(authOf(res).user), at: deps.clock().toISOString() });
        res.redirect(303, `${base(t)}/comparison?saved=${!changed ? 'unchanged' : comparison ? 'comparison' : 'removed'}`);
      } catch (err) {
        const { problems, status } = problemsOrThrow(err);
        comparisonPage(req, res, deps, t, form, problems, status);
      }
    },
  },
];
