// Admin-only staff accounts page: list accounts, add one (random password shown once), change a role, disable or re-enable, reset a password (shown once), remove a supervisor's school; every change ends the account's sessions and is audited by user-repo.
import type { Request, Response } from 'express';
import type { AppDeps } from '../../deps';
import type { StaffRoute } from './route-table';
import { actorOf, isRole, roleLabels, roles, type Role } from '../../domain/auth/roles';
import { generatePassword, hashPassword } from '../../domain/auth/password';
import { DslkitError, NotFoundError } from '../../../shared/errors';
import { changeRole, createUser, listUsers, setDisabled, setPasswordHash, supervisorSchools, unassignSchools } from '../../storage/user-repo';
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

function accountsPage(req: Request, res: Response, deps: AppDeps, extra: { errors?: ErrorItem[]; form?: AddForm; created?: { email: string; password: string } | null; reset?: { name: string; password: string } | null; notice?: string } = {}, status = 200): void {
  const me = authOf(res).user;
  const las = localAuthorities(deps);
  const form = extra.form ?? { email: '', name: '', role: '', la: '' };
  const schools = supervisorSchools(deps.db);
  sendPage(req, res, 'staff/accounts', {
    title: 'Staff accounts', errors: extra.errors ?? [], created: extra.created ?? null, reset: extra.reset ?? null, notice: extra.notice ?? '', form,
    roleChoices: roles.map((r, i) => ({ value: r, label: roleLabels[r], id: i ? `role-${i}` : 'role', checked: form.role === r })),
    laChoices: las.map((la) => ({ ...la, selected: form.la === la.code })),
    users: listUsers(deps.db).map((u) => ({
      ...u, roleLabel: roleLabels[u.role], isMe: u.id === me.id, status: u.disabled ? 'disabled' : 'active',
      schools: schools.filter((a) => a.userId === u.id),
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
  if (!isRole(f.role)) problems.push({ text: 'Select a role', href: '#role' });
  problems.push(...laProblems(deps, f.role, f.la, '#la'));
  return problems;
}

function laProblems(deps: AppDeps, role: string, la: string, href: string): ErrorItem[] {
  if (role === 'la_officer' && !la) return [{ text: 'Select the local authority of the LA officer', href }];
  if (role === 'la_officer' && !localAuthorities(deps).some((x) => x.code === la)) return [{ text: 'Select a local authority from the list', href }];
  return [];
}

const by = (res: Response, deps: AppDeps) => ({ actor: actorOf(authOf(res).user), at: deps.clock().toISOString() });

/** The account named in the URL, or 404. */
function targetOf(req: Request, deps: AppDeps) {
  const userId = Number((req.params as Record<string, string>).userId);
  const target = listUsers(deps.db).find((u) => u.id === userId);
  if (!target) throw new NotFoundError('There is no such account.');
  return target;
}

/** Runs a repository change; a refusal it throws (4xx) becomes the accounts page with the reason in the error summary. */
function orRefusal(req: Request, res: Response, deps: AppDeps, href: string, change: () => void): boolean {
  try { change(); return true; } catch (err) {
    if (!(err instanceof DslkitError) || err.status >= 500 || err.status === 404) throw err;
    accountsPage(req, res, deps, { errors: [{ text: err.message, href }] }, err.status);
    return false;
  }
}

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
      else if (!isRole(role)) problems.push({ text: 'Select a role', href });
      else problems.push(...laProblems(deps, role, la, `#la-of-${target.id}`));
      if (problems.length) { accountsPage(req, res, deps, { errors: problems }, 400); return; }
      changeRole(deps.db, target.id, role as Role, role === 'la_officer' ? la : null, by(res, deps));
      accountsPage(req, res, deps, { notice: `${target.name} is now ${roleLabels[role as Role]}; they have been signed out everywhere.` });
    },
  },
  {
    method: 'post', path: '/accounts/:userId/status', roles: adminOnly, summary: 'disable or re-enable an account',
    handler: (req, res, deps) => {
      const target = targetOf(req, deps);
      const status = field(req, 'status');
      const href = `#status-of-${target.id}`;
      if (status !== 'disabled' && status !== 'active') { accountsPage(req, res, deps, { errors: [{ text: 'Select whether the account is active or disabled', href }] }, 400); return; }
      if (status === 'disabled' && target.id === authOf(res).user.id) { accountsPage(req, res, deps, { errors: [{ text: 'You cannot disable your own account: ask another administrator', href }] }, 400); return; }
      if (!orRefusal(req, res, deps, href, () => setDisabled(deps.db, target.id, status === 'disabled', by(res, deps)))) return;
      accountsPage(req, res, deps, { notice: status === 'disabled' ? `${target.name} is disabled: they have been signed out everywhere and cannot sign in.` : `${target.name} is active again and can sign in.` });
    },
  },
  {
    method: 'get', path: '/accounts/:userId/password', roles: adminOnly, summary: 'confirm resetting an account\'s password',
    handler: (req, res, deps) => {
      const target = targetOf(req, deps);
      sendPage(req, res, 'staff/account-password', { title: `Reset the password of ${target.name}`, target, errors: [], backLink: '/staff/accounts' });
    },
  },
  {
    method: 'post', path: '/accounts/:userId/password', roles: adminOnly, summary: 'reset an account\'s password (new one shown once)',
    handler: async (req, res, deps) => {
      const target = targetOf(req, deps);
      if (field(req, 'confirm') !== 'reset') {
        sendPage(req, res, 'staff/account-password', { title: `Reset the password of ${target.name}`, target, backLink: '/staff/accounts', errors: [{ text: 'Confirm that you want to reset this password', href: '#confirm' }] }, 400);
        return;
      }
      const password = generatePassword(deps.randomBytes);
      setPasswordHash(deps.db, target.id, await hashPassword(password), by(res, deps));
      accountsPage(req, res, deps, { reset: { name: target.name, password }, notice: `${target.name} has been signed out everywhere; their old password no longer works.` });
    },
  },
  {
    method: 'post', path: '/accounts/:userId/schools/remove', roles: adminOnly, summary: 'remove a school from a supervisor',
    handler: (req, res, deps) => {
      const target = targetOf(req, deps);
      const trial = field(req, 'trial');
      const urn = field(req, 'urn');
      const href = `#schools-of-${target.id}`;
      if (!trial || !/^\d{1,9}$/.test(urn)) { accountsPage(req, res, deps, { errors: [{ text: 'Select the school to remove', href }] }, 400); return; }
      if (!orRefusal(req, res, deps, href, () => unassignSchools(deps.db, target.id, trial, [Number(urn)], by(res, deps)))) return;
      accountsPage(req, res, deps, { notice: `School ${urn} in trial ${trial} is no longer ${target.name}'s; they have been signed out everywhere.` });
    },
  },
];
