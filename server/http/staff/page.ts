// Sends server-rendered staff pages: fills the layout's user, navigation, CSRF token and phase banner from the signed-in session.
import type { Request, Response } from 'express';
import { renderPage, type ErrorItem, type LayoutModel, type NavItem } from '../../views/render';
import { roleLabels, evaluatorRoles, type Role } from '../../domain/auth/roles';
import { getAuth } from './auth';
import { DslkitError, type FieldProblem } from '../../../shared/errors';
import { takeFlash } from './flash';

const navByRole: Record<Role, Array<{ text: string; href: string }>> = {
  admin: [{ text: 'Trials', href: '/staff/trials' }, { text: 'Programmes', href: '/staff/programmes' }, { text: 'Audit log', href: '/staff/audit' }, { text: 'Accounts', href: '/staff/accounts' }],
  evaluator: [{ text: 'Trials', href: '/staff/trials' }, { text: 'Programmes', href: '/staff/programmes' }, { text: 'Audit log', href: '/staff/audit' }],
  supervisor: [{ text: 'My supervision', href: '/staff/supervision' }],
  la_officer: [{ text: 'Dashboards', href: '/staff/la' }, { text: 'Programmes', href: '/staff/programmes' }],
};

/** The navigation for a role, with the entry that prefixes the current path marked active. */
export function navFor(role: Role, currentPath: string): NavItem[] {
  return navByRole[role].map((n) => ({ ...n, active: currentPath === n.href || currentPath.startsWith(`${n.href}/`) }));
}

/** Layout fields for the current request: user name and role, CSRF token, navigation (empty when signed out). */
export function chromeFor(req: Request, res: Response): Partial<LayoutModel> {
  const auth = getAuth(res);
  if (!auth) return { user: null, csrfToken: null, nav: [] };
  return {
    user: { name: auth.user.name, roleLabel: roleLabels[auth.user.role] },
    csrfToken: auth.csrfToken,
    nav: navFor(auth.user.role, req.baseUrl + req.path),
  };
}

/** Renders `view` in the layout and sends it (no caching: staff pages hold personal data); a page viewed after a saving redirect shows its "saved" message once. */
export function sendPage(req: Request, res: Response, view: string, model: LayoutModel & Record<string, unknown>, status = 200): void {
  const flash = req.method === 'GET' && status < 400 ? takeFlash(req, res) : null;
  const html = renderPage(view, { ...chromeFor(req, res), flash, ...model });
  res.status(status).set('Cache-Control', 'no-store').type('html').send(html);
}

/** Turns field problems into error-summary items linking to `#<field>` (or to the problem list for CSV lines). */
export function errorItems(problems: Array<{ detail: string; pointer?: string; line?: number; column?: string }>, fallbackHref: string | null = null): ErrorItem[] {
  return problems.map((p) => ({
    text: p.line !== undefined ? `Line ${p.line}: ${p.column ? `${p.column}: ` : ''}${p.detail}` : p.detail,
    href: p.pointer && /^\/[a-zA-Z][\w-]*$/.test(p.pointer) ? `#${p.pointer.slice(1)}` : fallbackHref,
  }));
}

export function isEvaluator(role: Role): boolean {
  return evaluatorRoles.includes(role);
}

/** Field-level messages for the GOV.UK error styling, keyed by field name (every name present, '' when fine). */
export function fieldMessages(names: readonly string[], problems: FieldProblem[]): Record<string, string> {
  const out: Record<string, string> = Object.fromEntries(names.map((n) => [n, '']));
  for (const p of problems) { const n = p.pointer.slice(1); if (n in out && !out[n]) out[n] = p.detail; }
  return out;
}

/** A write's failure that the form shows again with an error summary (status from the error); anything else is rethrown. */
export function problemsOrThrow(err: unknown): { problems: FieldProblem[]; status: number } {
  if (!(err instanceof DslkitError) || err.status >= 500 || err.status === 401 || err.status === 403) throw err;
  return { problems: err.problems.length ? err.problems : [{ pointer: '', detail: err.message }], status: err.status };
}
