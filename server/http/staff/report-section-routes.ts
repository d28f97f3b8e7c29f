// Evaluator page for the report sections they write (executive summary, key conclusions, introduction, logic model, interpretation, limitations): one form for all six, Markdown with a preview, validated in domain/report-inputs/report-sections.ts, audited.
import type { Request, Response } from 'express';
import type { AppDeps } from '../../deps';
import type { StaffRoute } from './route-table';
import { evaluatorRoles, actorOf } from '../../domain/auth/roles';
import type { FieldProblem } from '../../../shared/errors';
import { parseSections } from '../../domain/report-inputs/report-sections';
import { listReportSections, setReportSectionsAudited } from '../../storage/report-section-repo';
import type { Trial } from '../../storage/trial-repo';
import { renderMarkdown } from '../../../reports/markdown/render-markdown';
import { EVALUATOR_SECTIONS, MAX_SECTION_CHARS } from '../../../reports/view-models/evaluator-sections';
import { dateTimeText } from '../../views/format';
import { authOf } from './auth';
import { field } from './body';
import { errorItems, fieldMessages, problemsOrThrow, sendPage } from './page';
import { trialOr404 } from './trial-routes';

const param = (req: Request, name: string) => String((req.params as Record<string, string>)[name] ?? '');
const pathOf = (t: Trial) => `/staff/trials/${t.id}/report-inputs/sections`;
const REPORT_NAMES: Record<string, string> = { 'arm-comparison': 'the arm-comparison report', ipe: 'the IPE report' };
const KEYS = EVALUATOR_SECTIONS.map((s) => s.key);

/** Fixed confirmation messages chosen by ?saved= (the query text itself is never shown). */
const SAVED: Record<string, string> = { sections: 'The report sections were saved.', unchanged: 'Nothing had changed, so nothing was saved.' };

/** How many sections have text, and the titles of those still empty (for the report-inputs overview). */
export function sectionsStatus(deps: AppDeps, trialId: string): string {
  const written = new Set(listReportSections(deps.db, trialId).map((s) => s.section));
  const empty = EVALUATOR_SECTIONS.filter((s) => !written.has(s.key)).map((s) => s.title);
  return `${written.size} of ${EVALUATOR_SECTIONS.length} written${empty.length ? `; not yet written: ${empty.join(', ')}` : ''}`;
}

function sectionsPage(req: Request, res: Response, deps: AppDeps, t: Trial, entered: Record<string, string> | null = null, problems: FieldProblem[] = [], status = 200): void {
  const stored = new Map(listReportSections(deps.db, t.id).map((s) => [s.section as string, s]));
  const messages = fieldMessages(KEYS, problems);
  const saved = typeof req.query.saved === 'string' ? SAVED[req.query.saved] ?? '' : '';
  sendPage(req, res, 'staff/report-inputs/sections', {
    title: `Report sections: ${t.title}`, phase: t.isDemo ? 'DEMO' : 'BETA', trial: t, backLink: `/staff/trials/${t.id}/report-inputs`,
    notice: saved, errors: errorItems(problems, null), maxChars: MAX_SECTION_CHARS, maxCharsText: MAX_SECTION_CHARS.toLocaleString('en-GB'),
    sections: EVALUATOR_SECTIONS.map((s) => {
      const row = stored.get(s.key);
      return {
        name: s.key, title: s.title, hint: s.hint, error: messages[s.key] ?? '',
        value: entered ? entered[s.key] ?? '' : row?.body ?? '',
        shownIn: `Shown in ${s.reports.map((r) => REPORT_NAMES[r]).join(' and ')}.`,
        status: row ? `Last saved ${dateTimeText(row.updatedAt)}.` : 'Not yet written: the reports say so where it belongs.',
        // The stored text as the report shows it; renderMarkdown escapes every character of it.
        preview: row ? renderMarkdown(row.body, { headingBase: 3 }) : null,
      };
    }),
  }, status);
}

export const reportSectionRoutes: StaffRoute[] = [
  {
    method: 'get', path: '/trials/:trialId/report-inputs/sections', roles: evaluatorRoles, summary: 'report sections the evaluator writes (executive summary, key conclusions ...)',
    handler: (req, res, deps) => sectionsPage(req, res, deps, trialOr404(deps, param(req, 'trialId'))),
  },
  {
    method: 'post', path: '/trials/:trialId/report-inputs/sections', roles: evaluatorRoles, summary: 'save the report sections (all six at once)',
    handler: (req, res, deps) => {
      const t = trialOr404(deps, param(req, 'trialId'));
      const entered = Object.fromEntries(KEYS.map((k) => [k, field(req, k)]));
      let changed: string[];
      try {
        changed = setReportSectionsAudited(deps.db, t.id, parseSections(entered), { actor: actorOf(authOf(res).user), at: deps.clock().toISOString() });
      } catch (err) {
        const { problems, status } = problemsOrThrow(err);
        sectionsPage(req, res, deps, t, entered, problems, status);
        return;
      }
      res.redirect(303, `${pathOf(t)}?saved=${changed.length ? 'sections' : 'unchanged'}`);
    },
  },
];
