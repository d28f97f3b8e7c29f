// GET /metrics (DSLKIT_METRICS=1): the Prometheus text, served only to a scraper on this machine that is not coming through the proxy, or to one sending the bearer token DSLKIT_METRICS_TOKEN.
import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Router } from 'express';
import type { Config } from '../config';
import type { Metrics } from '../metrics/metrics';
import { sendProblem } from './problem';

const loopback = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** True for a connection from this machine that no proxy forwarded (a proxied request carries X-Forwarded-For). */
function directFromLoopback(req: IncomingMessage): boolean {
  return loopback.has(req.socket.remoteAddress ?? '') && req.headers['x-forwarded-for'] === undefined && req.headers.forwarded === undefined;
}

function hasToken(req: IncomingMessage, token: string | undefined): boolean {
  if (!token) return false;
  const sent = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
  const a = crypto.createHash('sha256').update(sent).digest();
  const b = crypto.createHash('sha256').update(token).digest();
  return crypto.timingSafeEqual(a, b) && sent.length > 0;
}

export function metricsRoute(config: Config, metrics: Metrics): Router {
  const router = Router();
  router.get('/metrics', async (req, res) => {
    res.set('Cache-Control', 'no-store');
    if (!directFromLoopback(req) && !hasToken(req, config.metricsToken)) {
      sendProblem(res, 403, 'Metrics are served only to this machine directly, or with the bearer token set in DSLKIT_METRICS_TOKEN.');
      return;
    }
    const { contentType, body } = await metrics.render();
    res.type(contentType).send(body);
  });
  return router;
}
