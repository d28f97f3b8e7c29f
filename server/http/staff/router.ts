// Builds the /staff site: the shared layer (body parsing, session, CSRF), the routers made from the route table, the staff 404 and error pages.
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import type { AppDeps } from '../../deps';
import { DslkitError } from '../../../shared/errors';
import { redactPath } from '../problem';
import { csrfProtect, requireRoles, staffSession, refuse } from './auth';
import { staffBodyParsers } from './body';
import { readUpload, refuseMultipart } from './upload-body';
import { sendPage } from './page';
import type { StaffRoute } from './route-table';
import { staffRoutes } from './routes';

/** A multipart body is read only by an upload route, after its role check; any refusal before that leaves it unread, so the connection closes after the answer. */
const closeAfterUnreadUpload: RequestHandler = (req, res, next) => {
  if (req.is('multipart/form-data')) res.setHeader('Connection', 'close');
  next();
};

/** Mounted first at /staff: parses form and JSON bodies (not uploads), loads the session, checks CSRF. Every later /staff router relies on it. */
export function staffLayer(deps: AppDeps): express.Router {
  const router = express.Router();
  router.use(closeAfterUnreadUpload, ...staffBodyParsers(), staffSession(deps), csrfProtect());
  return router;
}

/** A router for the given routes; each is guarded by requireRoles unless public. */
export function routerFromTable(deps: AppDeps, routes: readonly StaffRoute[]): express.Router {
  const router = express.Router();
  for (const r of routes) {
    const guard: RequestHandler[] = r.roles === 'public' ? [] : [requireRoles(r.roles)];
    const body: RequestHandler = r.upload ? readUpload() : refuseMultipart;
    router[r.method](r.path, ...guard, body, async (req, res, next) => {
      try { await r.handler(req, res, deps); } catch (err) { next(err); }
    });
  }
  router.use(staffErrorHandler(deps));
  return router;
}

/** The evaluator, supervisor and account pages. */
export function staffRouter(deps: AppDeps): express.Router {
  return routerFromTable(deps, staffRoutes);
}

/** Mounted last at /staff: a GOV.UK "page not found". */
export function staffNotFound(): RequestHandler {
  return (req, res) => refuse(req, res, 404, 'If you typed the web address, check it is correct.');
}

/** Errors on staff pages become a page (or problem+json for fetch) with the one-sentence reason; 5xx are logged without bodies or tokens. */
export function staffErrorHandler(deps: AppDeps): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) { next(err); return; }
    const status = err instanceof DslkitError ? err.status : typeof (err as { status?: number }).status === 'number' ? (err as { status: number }).status : 500;
    if (status >= 500) deps.log(`error ${req.method} ${redactPath(req.originalUrl.split('?')[0])}: ${(err as Error)?.stack ?? String(err)}`);
    if (!req.accepts('html') || req.get('x-requested-with')) { next(err); return; }
    const detail = err instanceof DslkitError ? err.message.split('\n')[0] : status >= 500 ? 'Something went wrong on the server. Nothing was saved; please try again.' : 'The request could not be handled.';
    const problems = err instanceof DslkitError ? err.problems.map((p) => (p.line !== undefined ? `Line ${p.line}: ${p.detail}` : p.detail)) : [];
    const title = status === 404 ? 'Page not found' : status === 409 ? 'That cannot be done now' : status >= 500 ? 'Sorry, there is a problem with the service' : 'There is a problem';
    sendPage(req, res, 'staff/error', { title, detail, problems }, status);
  };
}
