// Builds the Express app from its dependencies (db, config, clock, rng) so tests can start it on port 0.
import http from 'node:http';
import express from 'express';
import type { AppDeps } from './deps';
import { createMetrics } from './metrics/metrics';
import { metricsRoute } from './http/metrics-route';
import { outboxDepth } from './storage/outbox-repo';
import { publicDashboardsRouter } from './http/dashboards/public-router';
import { problemHandler, sendProblem } from './http/problem';
import { logWhenFinished } from './http/request-log';
import { guardRequests } from './http/request-guard';
import { securityHeaders } from './http/security';
import { govukAssetsRouter } from './http/staff/assets-router';
import { staffLayer, staffRouter, staffNotFound } from './http/staff/router';
import { surveyRoutes } from './http/survey-routes';
import { surveyWritePath } from './http/survey-write-path';
import { respondentPages } from './http/respondent-pages';
import { optOutPages } from './http/opt-out-pages';
import { homePage, notFoundPage } from './http/home-pages';
import { healthRoutes } from './http/health-routes';
import { apiMethodGuard, openApiRoutes } from './http/openapi/openapi-routes';

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // X-Forwarded-For is believed only when the connection comes from the configured proxy: a client reaching the port directly cannot forge its address.
  app.set('trust proxy', deps.config.trustProxy ? deps.config.proxyAddresses : false);
  app.use(securityHeaders(deps.config)); // first: CSP, nosniff, no-referrer, no framing (+ HSTS behind TLS) on every response
  if (deps.config.logLevel === 'info') {
    app.use((req, res, next) => {
      logWhenFinished(req.method, req.path, res, deps.log);
      next();
    });
  }

  // --- routers: one line each, in order (security headers first, catch-alls last) ---
  if (deps.metrics) app.use(metricsRoute(deps.config, deps.metrics)); // GET /metrics: Prometheus text, loopback or bearer token only
  app.use('/api', healthRoutes(deps)); // GET /api/health (process up), GET /api/ready (database writable, migrations current, secret present)
  app.use(openApiRoutes()); // GET /api/openapi.json: the OpenAPI 3.1 document of every /api operation
  app.use('/govuk', govukAssetsRouter()); // govuk-frontend CSS, JS, fonts, images
  app.use('/staff', staffLayer(deps)); // staff body parsing, session, CSRF (for every /staff router below)
  app.use('/staff', staffRouter(deps)); // sign-in, evaluator and supervisor consoles
  app.use('/dashboards', publicDashboardsRouter(deps)); // public LA dashboards: last published snapshot, no sign-in
  app.use(surveyRoutes(deps)); // respondent survey API: GET /api/s/:token (the writes are in createServer)
  app.use(respondentPages(deps)); // respondent pages: /s/:token, /assets
  app.use(optOutPages(deps)); // the "stop reminders" link in messages: /o/:token
  app.use('/staff', staffNotFound()); // staff 404 page (keep last among /staff routers)
  app.use(homePage(deps)); // the start page at /
  app.use(notFoundPage()); // HTML 404 for every other GET outside /api
  // --- end routers ---

  app.use(apiMethodGuard()); // a documented /api path with a method it does not take: 405 with Allow
  app.use('/api', (_req, res) => sendProblem(res, 404, 'There is no such API endpoint.'));
  app.use(problemHandler(deps.log));
  return app;
}

/**
 * The HTTP server: the survey API's two writes (PUT progress, POST submit: the busiest routes, see
 * http/survey-write-path.ts) on Node's own request handling, everything else through the Express app;
 * each request is tied to its async work so the process guard (http/request-guard.ts) can answer it on a fault.
 */
export function createServer(given: AppDeps): http.Server {
  const deps: AppDeps = given.config.metrics && !given.metrics ? { ...given, metrics: createMetrics(given.config.dbPath) } : given;
  deps.metrics?.registerQueueDepth('dslkit_outbox_depth', 'Outbox messages queued or being sent', () => outboxDepth(deps.db));
  const app = createApp(deps);
  const writes = surveyWritePath(deps);
  const metrics = deps.metrics;
  return http.createServer(guardRequests((req, res) => {
    if (deps.shutdown?.stopping) res.setHeader('Connection', 'close'); // shutting down: no more requests on this connection
    if (metrics) {
      // Counted here so the survey write path (which skips Express) is counted too: one timestamp and one listener per request.
      const started = process.hrtime.bigint();
      const url = req.url ?? ''; // read now: Express rewrites req.url inside mounted routers
      res.once('finish', () => metrics.observeRequest(url, req.method, res.statusCode, Number(process.hrtime.bigint() - started) / 1e9));
    }
    if (!writes(req, res)) app(req, res);
  }, deps.log));
}
