// Evaluator console: the trial-specific text of the start page DSLs see before the first question (who runs the study, why, who to contact, privacy notice), checked, audited.
import type { Request, Response } from 'express';
import { dateText, dateTimeText, instrumentNames } from '../../views/format';
import type { StaffRoute } from './route-table';
import type { AppDeps } from '../../deps';
import { evaluatorRoles, actorOf } from '../../domain/auth/roles';
import { DslkitError, ValidationError, type FieldProblem } from '../../../shared/errors';
import { checkStartPageText, labels, type StartPageText } from '../../domain/surveys/start-page';
import { getStartPageText, setStartPageText } from '../../storage/start-page-repo';
import { appendAudit } from '../../storage/audit-repo';
import type { Trial } from '../../storage/trial-repo';
import { authOf } from './auth';
import { field } from './body';
import { errorItems, sendPage } from './page';
import { trialOr404 } from './trial-routes';

const keys = ['runBy', 'purpose', 'contact', 'privacyUrl'] as const;

function startPageForm(req: Request, res: Response, deps: AppDeps, t: Trial, form: StartPageText, problems: FieldProblem[] = [], status = 200): void {
  const stored = getStartPageText(deps.db, t.id);
  const fieldError = (name: string) => problems.filter((p) => p.pointer === `/${name}`).map((p) => p.detail).join(' ');
  sendPage(req, res, 'staff/start-page', {
    title: `Start page for ${t.title}`, phase: t.isDemo ? 'DEMO' : 'BETA', trial: t, backLink: `/staff/trials/${t.id}`,
    errors: errorItems(problems, '#runBy'),
    notice: req.query.saved === '1' ? 'Saved. DSLs opening their link now see this text.' : '',
    lastSet: stored ? `Last set ${dateTimeText(stored.updatedAt)} by ${stored.updatedBy}.` : 'Not set yet: the start page names the trial and asks DSLs to reply to their invitation email.',
    form, labels, fieldErrors: Object.fromEntries(keys.map((k) => [k, fieldError(k)])),
  }, status);
}

export const startPageRoutes: StaffRoute[] = [
  {
    method: 'get', path: '/trials/:trialId/start-page', roles: evaluatorRoles, summary: "the respondents' start page text",
    handler: (req, res, deps) => {
      const t = trialOr404(deps, String(req.params.trialId));
      const s = getStartPageText(deps.db, t.id);
      startPageForm(req, res, deps, t, { runBy: s?.runBy ?? '', purpose: s?.purpose ?? '', contact: s?.contact ?? '', privacyUrl: s?.privacyUrl ?? '' });
    },
  },
  {
    method: 'post', path: '/trials/:trialId/start-page', roles: evaluatorRoles, summary: "set the respondents' start page text",
    handler: (req, res, deps) => {
      const t = trialOr404(deps, String(req.params.trialId));
      const form = { runBy: field(req, 'runBy'), purpose: field(req, 'purpose'), contact: field(req, 'contact'), privacyUrl: field(req, 'privacyUrl') };
      try {
        const text = checkStartPageText(form);
        const actor = actorOf(authOf(res).user);
        const at = deps.clock().toISOString();
        deps.db.transaction(() => {
          setStartPageText(deps.db, t.id, text, at, actor);
          appendAudit(deps.db, { at, actor, action: 'trial.start-page', trialId: t.id, detail: { privacyUrl: text.privacyUrl } });
        })();
        res.redirect(303, `/staff/trials/${t.id}/start-page?saved=1`);
      } catch (err) {
        if (err instanceof ValidationError) { startPageForm(req, res, deps, t, form, err.problems, 400); return; }
        if (!(err instanceof DslkitError) || err.status >= 500) throw err;
        startPageForm(req, res, deps, t, form, [{ pointer: '', detail: err.message }], err.status);
      }
    },
  },
];
