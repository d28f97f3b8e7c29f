// Sign-in, sign-out and the start page (which sends each role to its own console).
import type { AppDeps } from '../../deps';
import type { StaffRoute } from './route-table';
import { allRoles } from '../../domain/auth/roles';
import { authOf, loginHandlers } from './auth';
import { sendPage } from './page';

const handlers = new WeakMap<AppDeps, ReturnType<typeof loginHandlers>>();
function forDeps(deps: AppDeps): ReturnType<typeof loginHandlers> {
  let h = handlers.get(deps);
  if (!h) { h = loginHandlers(deps); handlers.set(deps, h); }
  return h;
}

export const accountRoutes: StaffRoute[] = [
  { method: 'get', path: '/login', roles: 'public', summary: 'sign-in form', handler: (req, res, deps) => forDeps(deps).showLogin(req, res, () => undefined) },
  { method: 'post', path: '/login', roles: 'public', summary: 'sign in', handler: (req, res, deps) => forDeps(deps).login(req, res, () => undefined) },
  { method: 'post', path: '/logout', roles: allRoles, summary: 'sign out', handler: (req, res, deps) => forDeps(deps).logout(req, res, () => undefined) },
  {
    method: 'get', path: '/', roles: allRoles, summary: 'start page for the role',
    handler: (req, res) => {
      const { user } = authOf(res);
      if (user.role === 'admin' || user.role === 'evaluator') { res.redirect(303, '/staff/trials'); return; }
      if (user.role === 'supervisor') { res.redirect(303, '/staff/supervision'); return; }
      sendPage(req, res, 'staff/home', {
        title: `Signed in as ${user.name}`,
        links: [{ text: `Dashboards for local authority ${user.laCode ?? ''}`, href: '/staff/la' }],
      });
    },
  },
];
