// Public LA dashboards (no sign-in): /dashboards lists published ones, /dashboards/<la-code> shows the last published snapshot, never live data.
import express from 'express';
import type { AppDeps } from '../../app';
import { latestPublishedDashboard, latestPublishedDashboardId, listPublishedLocalAuthorities, newestPublishedDashboardId } from '../../storage/dashboard-repo';
import { dashboardIndexPage, dashboardPage, PUBLIC_SERVICE_NAME } from '../../views/dashboards/render-dashboard';
import { renderPage } from '../../views/render';
import { LA_CODE_PATTERN } from './dashboard-service';

function notPublished(res: express.Response): void {
  res.status(404).set('Cache-Control', 'no-store').type('html').send(renderPage('dashboards/not-published', {
    title: 'Page not found', serviceName: PUBLIC_SERVICE_NAME, homeHref: '/dashboards', scripts: false,
  }));
}

/**
 * Rendered pages keyed by the snapshot they show. A published snapshot never changes (the table is
 * append-only), so a page is rendered once per publication; each request only asks SQLite which snapshot
 * is the latest, so a new publication (from this server or `dslkit publish`) shows at once.
 */
class SnapshotPages {
  private readonly pages = new Map<string, { snapshotId: number; html: string }>();
  /** The page for `key` at `snapshotId`; otherwise renders (render says which snapshot it drew, which may be newer still). */
  get(key: string, snapshotId: number, render: () => { snapshotId: number; html: string }): string {
    const cached = this.pages.get(key);
    if (cached?.snapshotId === snapshotId) return cached.html;
    const fresh = render();
    this.pages.set(key, fresh);
    return fresh.html;
  }
}

export function publicDashboardsRouter(deps: AppDeps): express.Router {
  const router = express.Router();
  const pages = new SnapshotPages();
  router.get('/', (_req, res) => {
    const newest = newestPublishedDashboardId(deps.db);
    const html = pages.get('', newest, () => ({ snapshotId: newest, html: dashboardIndexPage(listPublishedLocalAuthorities(deps.db)
      .map((la) => ({ name: la.name, href: `/dashboards/${encodeURIComponent(la.code)}`, publishedAt: la.publishedAt }))) }));
    res.set('Cache-Control', 'public, max-age=60').type('html').send(html);
  });
  router.get('/:laCode', (req, res) => {
    const laCode = req.params.laCode;
    const snapshotId = LA_CODE_PATTERN.test(laCode) ? latestPublishedDashboardId(deps.db, laCode) : undefined;
    if (snapshotId === undefined) { notPublished(res); return; }
    const html = pages.get(laCode, snapshotId, () => {
      const snap = latestPublishedDashboard(deps.db, laCode) as NonNullable<ReturnType<typeof latestPublishedDashboard>>; // snapshots are never deleted
      return { snapshotId: snap.id, html: dashboardPage(snap.model, { publishedAt: snap.publishedAt }) };
    });
    res.set('Cache-Control', 'public, max-age=60').type('html').send(html);
  });
  return router;
}
