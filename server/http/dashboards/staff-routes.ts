// LA officer pages: preview the live dashboard of their own LA (others get 404) and publish it; evaluators may preview any LA.
import type { Request, Response } from 'express';
import type { StaffRoute } from '../staff/route-table';
import type { AppDeps } from '../../deps';
import { authOf } from '../staff/auth';
import { chromeFor, sendPage } from '../staff/page';
import { NotFoundError } from '../../../shared/errors';
import type { StaffUser } from '../../domain/auth/roles';
import { actorOf } from '../../domain/auth/roles';
import { findLocalAuthority, latestPublishedDashboard, listLocalAuthoritiesTakingPart } from '../../storage/dashboard-repo';
import { dashboardPage, dateText } from '../../views/dashboards/render-dashboard';
import { checkLaCode, makeDashboard, publishDashboard } from './dashboard-service';

/** An LA officer may see only their own LA: anything else is "not found", so other LAs' existence is not revealed. */
export function requireOwnLa(user: StaffUser, laCode: string): void {
  if (user.role === 'la_officer' && user.laCode !== laCode) throw new NotFoundError('There is no such dashboard.');
}

function laParam(req: Request): string {
  return String(req.params.laCode ?? '');
}

async function preview(req: Request, res: Response, deps: AppDeps): Promise<void> {
  const { user } = authOf(res);
  const laCode = laParam(req);
  requireOwnLa(user, laCode);
  checkLaCode(deps.db, laCode);
  const model = await makeDashboard(deps.db, laCode, deps.clock(), actorOf(user));
  const last = latestPublishedDashboard(deps.db, laCode);
  const html = dashboardPage(model, {
    layout: { ...chromeFor(req, res), serviceName: 'dslkit', homeHref: '/staff', scripts: true, title: `Preview: ${model.laName} dashboard` },
    preview: { publicPath: `/dashboards/${laCode}`, publishAction: `/staff/la/${laCode}/publish`, lastPublishedAt: last?.publishedAt ?? null, canPublish: user.role === 'la_officer' || user.role === 'admin' },
  });
  res.status(200).set('Cache-Control', 'no-store').type('html').send(html);
}

/** The LA of a publish page, refused for another LA's officer (404 for an unknown code), with its name and last publication. */
function ownLaForPublishing(req: Request, res: Response, deps: AppDeps) {
  const { user } = authOf(res);
  const laCode = laParam(req);
  requireOwnLa(user, laCode);
  checkLaCode(deps.db, laCode);
  return { laCode, laName: findLocalAuthority(deps.db, laCode)?.name ?? laCode, last: latestPublishedDashboard(deps.db, laCode) };
}

export const dashboardStaffRoutes: readonly StaffRoute[] = [
  {
    method: 'get', path: '/la', roles: ['admin', 'evaluator', 'la_officer'], summary: 'LA dashboards: an officer goes to their own LA; evaluators choose one',
    handler: (req, res, deps) => {
      const { user } = authOf(res);
      if (user.role === 'la_officer') { res.redirect(303, `/staff/la/${user.laCode}`); return; }
      const las = listLocalAuthoritiesTakingPart(deps.db).map((la) => ({ ...la, href: `/staff/la/${la.code}`, published: latestPublishedDashboard(deps.db, la.code)?.publishedAt ?? null }));
      sendPage(req, res, 'dashboards/la-list', { title: 'Local authority dashboards', las });
    },
  },
  { method: 'get', path: '/la/:laCode', roles: ['admin', 'evaluator', 'la_officer'], summary: 'preview an LA dashboard from live data (officers: own LA only)', handler: preview },
  {
    method: 'get', path: '/la/:laCode/publish', roles: ['admin', 'la_officer'], summary: 'confirm before publishing the LA dashboard (officers: own LA only)',
    handler: (req, res, deps) => {
      const { laCode, laName, last } = ownLaForPublishing(req, res, deps);
      sendPage(req, res, 'dashboards/publish-confirm', {
        title: 'Publish the dashboard', backLink: `/staff/la/${laCode}`, laName,
        publicPath: `/dashboards/${laCode}`, previewPath: `/staff/la/${laCode}`, publishAction: `/staff/la/${laCode}/publish`,
        lastPublishedText: last ? dateText(last.publishedAt) : null,
      });
    },
  },
  {
    method: 'get', path: '/la/:laCode/published', roles: ['admin', 'la_officer'], summary: 'after publishing: says the dashboard was published, with its public link',
    handler: (req, res, deps) => {
      const { laCode, laName, last } = ownLaForPublishing(req, res, deps);
      if (!last) throw new NotFoundError('This dashboard has not been published.');
      sendPage(req, res, 'dashboards/published', {
        title: 'Dashboard published', laName, publishedText: `published on ${dateText(last.publishedAt)}`,
        publicPath: `/dashboards/${laCode}`, previewPath: `/staff/la/${laCode}`,
      });
    },
  },
  {
    method: 'post', path: '/la/:laCode/publish', roles: ['admin', 'la_officer'], summary: 'publish a snapshot of the LA dashboard to its public URL (officers: own LA only)',
    handler: async (req, res, deps) => {
      const { user } = authOf(res);
      const laCode = laParam(req);
      requireOwnLa(user, laCode);
      checkLaCode(deps.db, laCode);
      await publishDashboard(deps.db, laCode, actorOf(user), deps.clock());
      res.redirect(303, `/staff/la/${laCode}/published`);
    },
  },
];
