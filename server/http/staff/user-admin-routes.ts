// Admin-only staff accounts page: list accounts, add one (random password shown once), change a role; every change audited by user-repo.
import type { Request, Response } from 'express';
import type { AppDeps } from '../../app';
import type { StaffRoute } from './route-table';
import { actorOf, isRole, roleLabels, roles, type Role } from '../../domain/auth/roles';
import { generatePassword, hashPassword } from '../../domain/auth/password';
import { DslkitError, NotFoundError } from '../../domain/errors';
import { changeRole, createUser, listUsers } from '../../storage/user-repo';
import type { ErrorItem } from '../../views/render';
import { authOf } from './auth';
import { field } from './body';
import { sendPage } from './page';

const adminOnly: readonly Role[] = ['admin'];
const emailShape = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

interface AddForm { email: string; name: string; role: string; la: string }

function localAuthorities(deps: AppDeps): Array<{ code: string; name: string }> {
  return deps.db.prepare('SELECT code, name FROM local_authorities ORDER BY name').all() as Array<{ code: string; name: string }>;
}

function accountsPage(req: Request, res: Response, deps: AppDeps, extra: { errors?: ErrorItem[]; form?: AddForm; created?: { email: string; password: string } | null; notice?: string } = {}, status = 200): void {
  const me = authOf(res).user;
  const las = localAuthorities(deps);
  const form = extra.form ?? { email: '', name: '', role: '', la: '' };
  sendPage(req, res, 'staff/accounts', {
    title: 'Staff accounts', errors: extra.errors ?? [], created: extra.created ?? null, notice: extra.notice ?? '', form,
    roleChoices: roles.map((r, i) => ({ value: r, label: roleLabels[r], id: i ? `role-${i}` : 'role', checked: form.role === r })),
    laChoices: las.map((la) => ({ ...la, selected: form.la === la.code })),
    users: listUsers(deps.db).map((u) => ({
      ...u, roleLabel: roleLabels[u.role], isMe: u.id === me.id, status: u.disabled ? 'disabled' : 'active',
      roleOptions: roles.map((r) => ({ value: r, label: roleLabels[r], selected: r === u.role })),
      laOptions: las.map((la) => ({ ...la, selected: la.code === u.laCode })),
    })),
  }, status);
}

/** Checks the add-account form; problems point at the fields. */
function addProblems(deps: AppDeps, f: AddForm): ErrorItem[] {
  const problems: ErrorItem[] = [];
  if (!emailShape.test(f.email) || f.email.length > 320) problems.push({ text: 'Enter an email address in the correct format, like name@example.org', href: '#email' });
  if (!f.name || f.name.length > 200) problems.push({ text: 'Enter the person\'s full name', href: '#name' });
  if (!isRole(f.role)) problems.push({ text: 'Choose a role', href: '#role' });
  problems.push(...laProblems(deps, f.role, f.la, '#la'));
  return problems;
}

function laProblems(deps: AppDeps, role: string, la: string, href: string): ErrorItem[] {
  if (role === 'la_officer' && !la) return [{ text: 'Choose the local authority of an LA officer', href }];
  if (role === 'la_officer' && !localAuthorities(deps).some((x) => x.code === la)) return [{ text: 'Choose a local authority from the list', href }];
  return [];
}

const by = (res: Response, deps: AppDeps) => ({ actor: actorOf(authOf(res).user), at: deps.clock().toISOString() });

export const userAdminRoutes: StaffRoute[] = [
  { method: 'get', path: '/accounts', roles: adminOnly, summary: 'staff accounts list and add form', handler: (req, res, deps) => accountsPage(req, res, deps) },
  {
    method: 'post', path: '/accounts', roles: adminOnly, summary: 'add a staff account',
    handler: async (req, res, deps) => {
      const form: AddForm = { email: field(req, 'email').toLowerCase(), name: field(req, 'name'), role: field(req, 'role'), la: field(req, 'la') };
      const problems = addProblems(deps, form);
      if (problems.length) { accountsPage(req, res, deps, { errors: problems, form }, 400); return; }
      const password = generatePassword(deps.randomBytes);
      try {
        const u = createUser(deps.db, { email: form.email, name: form.name, role: form.role as Role, laCode: form.role === 'la_officer' ? form.la : null, passwordHash: await hashPassword(password) }, by(res, deps));
        accountsPage(req, res, deps, { created: { email: u.email, password } });
      } catch (err) {
        if (!(err instanceof DslkitError) || err.status >= 500) throw err;
        accountsPage(req, res, deps, { errors: [{ text: err.message, href: '#email' }], form }, err.status);
      }
    },
  },
  {
    method: 'post', path: '/accounts/:userId/role', roles: adminOnly, summary: 'change an account\'s role',
    handler: (req, res, deps) => {
      const userId = Number((req.params as Record<string, string>).userId);
      const target = listUsers(deps.db).find((u) => u.id === userId);
      if (!target) throw new NotFoundError('There is no such account.');
      const role = field(req, 'role');
      const la = field(req, 'la');
      const href = `#role-of-${target.id}`;
      const problems: ErrorItem[] = [];
      if (target.id === authOf(res).user.id) problems.push({ text: 'You cannot change your own role: ask another administrator', href });
      else if (!isRole(role)) problems.push({ text: 'Choose a role', href });
      else problems.push(...laProblems(deps, role, la, `#la-of-${target.id}`));
      if (problems.length) { accountsPage(req, res, deps, { errors: problems }, 400); return; }
      changeRole(deps.db, target.id, role as Role, role === 'la_officer' ? la : null, by(res, deps));
      accountsPage(req, res, deps, { notice: `${target.name} is now ${roleLabels[role as Role]}; they have been signed out everywhere.` });
    },
  },
];
