// Staff authentication: session cookie -> signed-in user, role checks (401/403), CSRF on every state-changing request, sign-in with rate limiting, sign-out.
import type { Request, RequestHandler, Response } from 'express';
import type { AppDeps } from '../../deps';
import { findUserById, findUserForLogin } from '../../storage/user-repo';
import { createAuthSession, deleteAuthSession, deleteExpiredAuthSessions, findAuthSession, touchAuthSession } from '../../storage/auth-session-repo';
import { appendAudit } from '../../storage/audit-repo';
import { roleLabels, type Role, type StaffUser } from '../../domain/auth/roles';
import { dummyHash, verifyPassword } from '../../domain/auth/password';
import { AttemptLimiter, loginKeys } from '../../domain/auth/rate-limit';
import { clientAddress } from '../client-address';
import { hashSessionId, loginCsrfCookieName, newOpaqueToken, nextExpiry, sameToken, sessionCookieName, absoluteTimeoutMs } from '../../domain/auth/session-tokens';
import { renderPage } from '../../views/render';

export interface StaffAuth { user: StaffUser; csrfToken: string; idHash: string }

export function getAuth(res: Response): StaffAuth | undefined {
  return res.locals.auth as StaffAuth | undefined;
}

/** The signed-in user; only call after requireRoles. */
export function authOf(res: Response): StaffAuth {
  const a = getAuth(res);
  if (!a) throw new Error('authOf called on a route without requireRoles');
  return a;
}

/** Parses the Cookie header (no dependency; values are our own base64url tokens). */
export function readCookies(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = decodeCookieValue(part.slice(i + 1).trim());
  }
  return out;
}

/** Percent-decodes a cookie value; a malformed one (e.g. a lone "%") is kept as it is and simply matches no session. */
function decodeCookieValue(raw: string): string {
  try { return decodeURIComponent(raw); } catch { return raw; }
}

function cookie(name: string, value: string, opts: { secure: boolean; maxAgeSeconds: number; path: string }): string {
  return `${name}=${value}; Path=${opts.path}; HttpOnly; SameSite=Lax; Max-Age=${opts.maxAgeSeconds}${opts.secure ? '; Secure' : ''}`;
}

/** Loads the session named by the cookie, ends it when expired, slides its idle expiry, and sets res.locals.auth. */
export function staffSession(deps: AppDeps): RequestHandler {
  return (req, res, next) => {
    const value = readCookies(req)[sessionCookieName];
    if (!value || value.length > 100) { next(); return; }
    const idHash = hashSessionId(value);
    const row = findAuthSession(deps.db, idHash);
    const now = deps.clock();
    if (!row) { next(); return; }
    if (new Date(row.expires_at).getTime() <= now.getTime()) { deleteAuthSession(deps.db, idHash); next(); return; }
    const user = findUserById(deps.db, row.user_id);
    if (!user) { deleteAuthSession(deps.db, idHash); next(); return; }
    const expires = nextExpiry(new Date(row.created_at), now);
    if (expires.getTime() - new Date(row.expires_at).getTime() > 60_000) touchAuthSession(deps.db, idHash, expires.toISOString());
    res.locals.auth = { user, csrfToken: row.csrf_token, idHash } satisfies StaffAuth;
    next();
  };
}

function wantsJson(req: Request): boolean {
  return !req.accepts('html') || Boolean(req.get('x-requested-with')) || req.path.endsWith('.json');
}

/** Sends an HTML page (or problem+json for fetch callers) saying why the request was refused. */
export function refuse(req: Request, res: Response, status: 401 | 403 | 404 | 429, detail: string): void {
  if (wantsJson(req)) {
    res.status(status).type('application/problem+json').send(JSON.stringify({ type: 'about:blank', title: status === 401 ? 'Sign-in needed' : status === 403 ? 'Forbidden' : status === 404 ? 'Not found' : 'Too many requests', status, detail }));
    return;
  }
  const auth = getAuth(res);
  const title = status === 401 ? 'Sign in' : status === 403 ? 'You cannot see this page' : status === 404 ? 'Page not found' : 'Too many attempts';
  const html = status === 401
    ? renderPage('staff/login', { title, email: '', next: req.originalUrl.startsWith('/staff') ? req.originalUrl : '/staff', loginCsrf: '', errors: [], message: detail })
    : renderPage('staff/refused', { title, detail, user: auth ? { name: auth.user.name, roleLabel: roleLabels[auth.user.role] } : null, csrfToken: auth?.csrfToken ?? null });
  res.status(status).set('Cache-Control', 'no-store').type('html').send(html);
}

/** Allows the request only for signed-in users with one of `roles`: 401 when signed out, 403 for another role. */
export function requireRoles(roles: readonly Role[]): RequestHandler {
  return (req, res, next) => {
    const auth = getAuth(res);
    if (!auth) { refuse(req, res, 401, 'Sign in to see this page.'); return; }
    if (!roles.includes(auth.user.role)) { refuse(req, res, 403, 'Your account does not give access to this page.'); return; }
    next();
  };
}

/** res.locals key set by csrfProtect when a multipart request carried no X-CSRF-Token header: the token must then be the form's `_csrf` field, before the file (upload-body.ts). */
export const csrfInBodyKey = 'csrfInMultipartBody';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Checks the session's CSRF token (form field `_csrf` or header `X-CSRF-Token`) on every state-changing request; 403 and nothing done when it is wrong. */
export function csrfProtect(): RequestHandler {
  return (req, res, next) => {
    if (safeMethods.has(req.method)) { next(); return; }
    const auth = getAuth(res);
    if (!auth) { next(); return; } // the route's requireRoles answers 401 (sign-in has its own check)
    if (req.is('multipart/form-data') && !req.get('x-csrf-token')) {
      // the body is not read yet: an upload route's parser checks the form's _csrf field before keeping any file byte, every other route refuses multipart
      res.locals[csrfInBodyKey] = true;
      next();
      return;
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const sent = typeof body._csrf === 'string' ? body._csrf : req.get('x-csrf-token') ?? '';
    if (!sent || !sameToken(sent, auth.csrfToken)) { refuse(req, res, 403, 'The form had expired or did not come from this site. Go back, reload the page and try again.'); return; }
    next();
  };
}

/** GET/POST /staff/login and POST /staff/logout. */
export function loginHandlers(deps: AppDeps): { showLogin: RequestHandler; login: RequestHandler; logout: RequestHandler } {
  const limiter = new AttemptLimiter(deps.clock);
  const secure = deps.config.trustProxy;

  const showLogin: RequestHandler = (req, res) => {
    if (getAuth(res)) { res.redirect(303, '/staff'); return; }
    const token = newOpaqueToken(deps.randomBytes);
    res.append('Set-Cookie', cookie(loginCsrfCookieName, token, { secure, maxAgeSeconds: 3600, path: '/staff/login' }));
    const next = typeof req.query.next === 'string' && /^\/staff(\/|$)/.test(req.query.next) ? req.query.next : '/staff';
    res.set('Cache-Control', 'no-store').type('html').send(renderPage('staff/login', { title: 'Sign in', email: '', next, loginCsrf: token, errors: [], message: '' }));
  };

  const loginPage = (res: Response, status: number, email: string, next: string, message: string) => {
    const token = newOpaqueToken(deps.randomBytes);
    res.append('Set-Cookie', cookie(loginCsrfCookieName, token, { secure, maxAgeSeconds: 3600, path: '/staff/login' }));
    res.status(status).set('Cache-Control', 'no-store').type('html')
      .send(renderPage('staff/login', { title: 'Sign in', email, next, loginCsrf: token, errors: [{ text: message, href: '#email' }], message: '' }));
  };

  const login: RequestHandler = async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const email = typeof body.email === 'string' ? body.email.trim().toLowerCase().slice(0, 320) : '';
    const password = typeof body.password === 'string' ? body.password.slice(0, 1024) : '';
    const next = typeof body.next === 'string' && /^\/staff(\/[\w\-/.?=&%]*)?$/.test(body.next) ? body.next : '/staff';
    const cookieToken = readCookies(req)[loginCsrfCookieName] ?? '';
    const formToken = typeof body._csrf === 'string' ? body._csrf : '';
    if (!cookieToken || !formToken || !sameToken(cookieToken, formToken)) {
      loginPage(res, 403, email, next, 'The sign-in form had expired. Please try again.');
      return;
    }
    // Counted before the password is checked: guesses sent at once meet the limit as guesses sent one by one.
    const address = clientAddress(req, deps.config.proxyAddresses);
    const keys = loginKeys(email, address);
    const { wait, attempt } = limiter.begin(keys);
    if (!attempt) {
      res.set('Retry-After', String(wait));
      loginPage(res, 429, email, next, `Too many failed sign-in attempts. Wait ${Math.ceil(wait / 60)} minutes and try again.`);
      return;
    }
    const user = email ? findUserForLogin(deps.db, email) : undefined;
    const ok = await verifyPassword(password, user ? user.passwordHash : await dummyHash());
    if (!user || !ok || user.disabled) {
      // the same answer whatever the reason, so the form does not tell who has an account; the audit log says which
      const reason = !user ? 'no such account' : !ok ? 'wrong password' : 'account disabled';
      appendAudit(deps.db, {
        at: deps.clock().toISOString(), actor: user ? `user:${user.id}` : 'anonymous', action: 'auth.login_failed',
        detail: user ? { email, reason, address } : { reason, address },
      });
      loginPage(res, 401, email, next, 'The email address or password is not right.');
      return;
    }
    limiter.forgive(attempt, [keys[0].key]);
    const now = deps.clock();
    deleteExpiredAuthSessions(deps.db, now.toISOString());
    const value = newOpaqueToken(deps.randomBytes);
    createAuthSession(deps.db, {
      idHash: hashSessionId(value), userId: user.id, csrfToken: newOpaqueToken(deps.randomBytes),
      createdAt: now.toISOString(), expiresAt: nextExpiry(now, now).toISOString(),
    });
    appendAudit(deps.db, { at: now.toISOString(), actor: `user:${user.id}`, action: 'auth.login' });
    res.append('Set-Cookie', cookie(sessionCookieName, value, { secure, maxAgeSeconds: absoluteTimeoutMs / 1000, path: '/' }));
    res.append('Set-Cookie', cookie(loginCsrfCookieName, '', { secure, maxAgeSeconds: 0, path: '/staff/login' }));
    res.redirect(303, next);
  };

  const logout: RequestHandler = (_req, res) => {
    const auth = getAuth(res);
    if (auth) {
      deleteAuthSession(deps.db, auth.idHash);
      appendAudit(deps.db, { at: deps.clock().toISOString(), actor: `user:${auth.user.id}`, action: 'auth.logout' });
    }
    res.append('Set-Cookie', cookie(sessionCookieName, '', { secure, maxAgeSeconds: 0, path: '/' }));
    res.redirect(303, '/staff/login');
  };

  return { showLogin, login, logout };
}
