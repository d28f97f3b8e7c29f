// Public LA dashboards (no sign-in): /dashboards lists published ones, /dashboards/<la-code> shows the last published snapshot, never live data.
import express from 'express';
import type { AppDeps } from '../../deps';
import { latestPublishedDashboard, latestPublishedDashboardId, listPublishedLocalAuthorities, newestPublishedDashboardId } from '../../storage/dashboard-repo';
import { dashboardIndexPage, dashboardPage, PUBLIC_SERVICE_NAME } from '../../views/dashboards/render-dashboard';
import { renderPage } from '../../views/render';
import { LA_CODE_PATTERN } from './dashboard-service';
import { SnapshotPages, sendReadyPage } from './snapshot-pages';

function notPublished(res: express.Response): void {
  res.status(404).set('Cache-Control', 'no-store').type('html').send(renderPage('dashboards/not-published', {
    title: 'Page not found', serviceName: PUBLIC_SERVICE_NAME, homeHref: '/dashboards', scripts: false,
  }));
}

export function publicDashboardsRouter(deps: AppDeps): express.Router {
  const router = express.Router();
  const pages = new SnapshotPages();
  router.get('/', (req, res) => {
    const newest = newestPublishedDashboardId(deps.db);
    const page = pages.get('', newest, () => ({ snapshotId: newest, html: dashboardIndexPage(listPublishedLocalAuthorities(deps.db)
      .map((la) => ({ name: la.name, href: `/dashboards/${encodeURIComponent(la.code)}`, publishedAt: la.publishedAt }))) }));
    sendReadyPage(req, res, page);
  });
  router.get('/:laCode', (req, res) => {
    const laCode = req.params.laCode;
    const snapshotId = LA_CODE_PATTERN.test(laCode) ? latestPublishedDashboardId(deps.db, laCode) : undefined;
    if (snapshotId === undefined) { notPublished(res); return; }
    const page = pages.get(laCode, snapshotId, () => {
      const snap = latestPublishedDashboard(deps.db, laCode) as NonNullable<ReturnType<typeof latestPublishedDashboard>>; // snapshots are never deleted
      return { snapshotId: snap.id, html: dashboardPage(snap.model, { publishedAt: snap.publishedAt }) };
    });
    sendReadyPage(req, res, page);
  });
  return router;
}
