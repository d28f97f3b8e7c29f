// The respondent API's read behind an invitation link, GET /api/s/:token (survey and saved answers), and the invitation check shared with the writes in survey-write-path.ts.
import { Router, type Request, type Response, type NextFunction } from 'express';
import type { AppDeps } from '../deps';
import { assertSurveyOpen, linkNotFound, surveyAccessState } from '../domain/surveys/survey-access';
import { respondentSurvey } from '../domain/surveys/respondent-survey';
import { findSurveyInvitation, type SurveyInvitation } from '../storage/survey-access-repo';
import { findResponseForLink } from '../storage/response-repo';
import { instrumentDefs } from '../domain/surveys/submission-rules';

/** Finds the invitation for the token in the URL and checks it may be used now; throws the 404/410 every respondent sees. */
export function openInvitation(deps: AppDeps, token: string): SurveyInvitation {
  const inv = findSurveyInvitation(deps.db, token);
  if (!inv) throw linkNotFound();
  assertSurveyOpen(surveyAccessState({ now: deps.clock(), opensAt: inv.opensAt, closesAt: inv.closesAt, dslStatus: inv.dslStatus }));
  return inv;
}

function noStore(_req: Request, res: Response, next: NextFunction): void {
  res.set('Cache-Control', 'no-store');
  next();
}

export function surveyRoutes(deps: AppDeps): Router {
  const router = Router();

  router.use('/api/s', noStore);

  router.get('/api/s/:token', (req, res) => {
    // one read transaction for both lookups (each statement outside one would take its own WAL read lock)
    const { inv, saved } = deps.db.transaction(() => {
      const found = openInvitation(deps, String(req.params.token));
      return { inv: found, saved: findResponseForLink(deps.db, found) };
    })();
    const { survey } = respondentSurvey(instrumentDefs(inv.instruments));
    res.json({
      survey,
      data: saved?.answers ?? {},
      page: saved?.currentPage ?? 0,
      status: saved?.status ?? 'new',
      closesAt: inv.closesAt,
    });
  });

  return router;
}
