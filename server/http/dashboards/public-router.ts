// Public LA dashboards (no sign-in): /dashboards lists published ones, /dashboards/<la-code> shows the last published snapshot, never live data.
import express from 'express';
import type { AppDeps } from '../../app';
import { latestPublishedDashboard, listPublishedLocalAuthorities } from '../../storage/dashboard-repo';
import { dashboardIndexPage, dashboardPage, PUBLIC_SERVICE_NAME } from '../../views/dashboards/render-dashboard';
import { renderPage } from '../../views/render';
import { LA_CODE_PATTERN } from './dashboard-service';

function notPublished(res: express.Response): void {
  res.status(404).set('Cache-Control', 'no-store').type('html').send(renderPage('dashboards/not-published', {
    title: 'Page not found', serviceName: PUBLIC_SERVICE_NAME, homeHref: '/dashboards', scripts: false,
  }));
}

export function publicDashboardsRouter(deps: AppDeps): express.Router {
  const router = express.Router();
  router.get('/', (_req, res) => {
    const list = listPublishedLocalAuthorities(deps.db).map((la) => ({ name: la.name, href: `/dashboards/${encodeURIComponent(la.code)}`, publishedAt: la.publishedAt }));
    res.set('Cache-Control', 'public, max-age=60').type('html').send(dashboardIndexPage(list));
  });
  router.get('/:laCode', (req, res) => {
    const laCode = req.params.laCode;
    const snap = LA_CODE_PATTERN.test(laCode) ? latestPublishedDashboard(deps.db, laCode) : undefined;
    if (!snap) { notPublished(res); return; }
    res.set('Cache-Control', 'public, max-age=60').type('html').send(dashboardPage(snap.model, { publishedAt: snap.publishedAt }));
  });
  return router;
}
