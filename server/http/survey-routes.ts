// The respondent API behind an invitation link: GET the survey and saved answers, PUT progress, POST submit (idempotent).
import express, { Router, type Request, type Response, type NextFunction } from 'express';
import type { AppDeps } from '../app';
import { sendProblem } from './problem';
import { ValidationError } from '../domain/errors';
import { assertSurveyOpen, linkNotFound, surveyAccessState } from '../domain/surveys/survey-access';
import { respondentSurvey } from '../domain/surveys/respondent-survey';
import { answerProblemsInBody, parseBody, progressBodySchema, submitBodySchema } from '../domain/surveys/answer-body';
import { findSurveyInvitation, type SurveyInvitation } from '../storage/survey-access-repo';
import { findResponseForInvitation, instrumentDefs, saveProgress, submitResponse } from '../storage/response-repo';
import { GroupCommit } from '../storage/group-commit';

/** Request bodies above this are refused with 413 before parsing. */
export const surveyBodyLimit = '64kb';

/** Finds the invitation for the token in the URL and checks it may be used now; throws the 404/410 every respondent sees. */
export function openInvitation(deps: AppDeps, token: string): SurveyInvitation {
  const inv = findSurveyInvitation(deps.db, token);
  if (!inv) throw linkNotFound();
  assertSurveyOpen(surveyAccessState({ now: deps.clock(), opensAt: inv.opensAt, closesAt: inv.closesAt, dslStatus: inv.dslStatus }));
  return inv;
}

/** Answer problems found by the repository point at /answers/<id>; the request body calls them /data/<id>. */
function inBodyTerms<T>(fn: () => T): T {
  try { return fn(); } catch (err) {
    if (err instanceof ValidationError) throw new ValidationError(err.message, answerProblemsInBody(err.problems));
    throw err;
  }
}

function noStore(_req: Request, res: Response, next: NextFunction): void {
  res.set('Cache-Control', 'no-store');
  next();
}

function requireJson(req: Request, res: Response, next: NextFunction): void {
  if (!req.is('application/json')) { sendProblem(res, 415, 'Send the answers as JSON (Content-Type: application/json).'); return; }
  next();
}

export function surveyRoutes(deps: AppDeps): Router {
  const router = Router();
  const json = express.json({ limit: surveyBodyLimit, strict: true });
  // Saves and submissions arriving together share one commit (at most one commit per 2 ms); each is answered only once it is committed.
  const writes = new GroupCommit(deps.db, 256, 2);

  router.use('/api/s', noStore);

  router.get('/api/s/:token', (req, res) => {
    // one read transaction for both lookups (each statement outside one would take its own WAL read lock)
    const { inv, saved } = deps.db.transaction(() => {
      const found = openInvitation(deps, String(req.params.token));
      return { inv: found, saved: findResponseForInvitation(deps.db, found.invitationId) };
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

  // The invitation is looked up inside the batch's transaction, so the link's state (open, closed, withdrawn)
  // is read in the same transaction that writes; an unknown link is a 404 whatever the body holds.
  router.put('/api/s/:token/progress', requireJson, json, async (req, res) => {
    const token = String(req.params.token);
    const at = deps.clock().toISOString();
    await writes.run(() => {
      const inv = openInvitation(deps, token);
      const body = parseBody(progressBodySchema, req.body);
      const { pageCount } = respondentSurvey(instrumentDefs(inv.instruments));
      if (body.page >= pageCount) throw new ValidationError('The page number is outside the survey.', [{ pointer: '/page', detail: `page ${body.page} does not exist; the survey has ${pageCount} pages (0 to ${pageCount - 1})` }]);
      return inBodyTerms(() => saveProgress(deps.db, inv, body.data, body.page, at));
    });
    res.status(204).end();
  });

  router.post('/api/s/:token/submit', requireJson, json, async (req, res) => {
    const token = String(req.params.token);
    const at = deps.clock().toISOString();
    const result = await writes.run(() => {
      const inv = openInvitation(deps, token);
      const body = parseBody(submitBodySchema, req.body);
      return inBodyTerms(() => submitResponse(deps.db, inv, body.data, at));
    });
    res.status(200).json({ status: result.status, submittedAt: result.submittedAt });
  });

  return router;
}
