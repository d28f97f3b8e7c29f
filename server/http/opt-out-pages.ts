// The opt-out link in every message (/o/<token>): a page that asks, and a POST (also RFC 8058 one-click from mail clients) that stops reminders for that DSL, audited.
import express from 'express';
import type { AppDeps } from '../deps';
import { renderPage } from '../views/render';
import { hashToken, looksLikeToken } from '../domain/invitation-tokens';
import { longDate } from '../domain/outbox/templates';
import { findOptOutLink, recordOptOut } from '../storage/outbox-repo';
import { appendAudit } from '../storage/audit-repo';

export function optOutPages(deps: AppDeps): express.Router {
  const router = express.Router();
  const lookup = (token: string) => (looksLikeToken(token) ? findOptOutLink(deps.db, hashToken(token)) : undefined);
  const page = (res: express.Response, model: Record<string, unknown>, status = 200) =>
    res.status(status).set('Cache-Control', 'no-store').type('html').send(renderPage('opt-out', { title: 'Stop reminders – dslkit', homeHref: '/', scripts: false, ...model }));
  const notFound = (res: express.Response) =>
    res.status(404).type('html').send(renderPage('not-found', { title: 'Page not found – dslkit', homeHref: '/', scripts: false }));

  router.get('/o/:token', (req, res) => {
    const link = lookup(req.params.token);
    if (!link) { notFound(res); return; }
    page(res, { study: link.trialTitle, action: req.originalUrl, done: Boolean(link.optedOutAt), since: link.optedOutAt ? longDate(link.optedOutAt) : '' });
  });

  router.post('/o/:token', express.urlencoded({ extended: false, limit: '1kb' }), (req, res) => {
    const link = lookup(req.params.token);
    if (!link) { notFound(res); return; }
    const at = deps.clock().toISOString();
    const added = deps.db.transaction(() => {
      const fresh = recordOptOut(deps.db, link.dslId, at);
      if (fresh) appendAudit(deps.db, { at, actor: 'dsl:opt-out-link', action: 'dsl.opt_out', trialId: link.trialId, detail: { dsl: link.dslId } });
      return fresh;
    })();
    page(res, { study: link.trialTitle, done: true, justNow: added, since: longDate(link.optedOutAt ?? at) });
  });
  return router;
}
