// Admin accounts page: list, add (password shown once, works for sign-in), change role (ends the person's sessions); CSRF-protected, audited, validated.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffFixture, signIn, request, type StaffFixture, type Signed } from './fixture';

let f: StaffFixture;
let admin: Signed;
beforeAll(async () => { f = await staffFixture(); admin = await signIn(f, 'admin'); }, 60_000);
afterAll(async () => { await f.close(); });

const db = () => f.server.deps.db;
const userByEmail = (email: string) => db().prepare('SELECT id, role, la_code AS laCode FROM users WHERE email = ?').get(email) as { id: number; role: string; laCode: string | null } | undefined;
const audits = (action: string) => (db().prepare('SELECT actor, detail FROM audit_log WHERE action = ? ORDER BY id').all(action) as Array<{ actor: string; detail: string }>);
const adminId = () => userByEmail(f.emails.admin)!.id;

describe('staff accounts page', () => {
  it('lists every account with role and LA, and is in the admin navigation', async () => {
    const res = await request(f, admin, 'get', '/staff/accounts');
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const email of Object.values(f.emails)) expect(html).toContain(email);
    expect(html).toContain('local authority officer (LA 350)');
    expect(html).toMatch(/<a class="govuk-service-navigation__link" href="\/staff\/accounts" aria-current="page">Accounts<\/a>/);
    expect(html).not.toMatch(/password_hash|scrypt/);
  });

  it('adds an account: the generated password is shown once and signs in; audited without the password', async () => {
    const res = await request(f, admin, 'post', '/staff/accounts', { email: 'New.Officer@Example.org', name: 'Nia New', role: 'la_officer', la: '351' });
    expect(res.status).toBe(200);
    const html = await res.text();
    const password = /<code class="dslkit-password">([^<]+)<\/code>/.exec(html)![1];
    expect(password.length).toBeGreaterThanOrEqual(12);
    expect(userByEmail('new.officer@example.org')).toMatchObject({ role: 'la_officer', laCode: '351' });
    const add = audits('user.add').at(-1)!;
    expect(add.actor).toBe(`user:${adminId()}`);
    expect(add.detail).not.toContain(password);
    expect(add.detail).not.toContain('Nia New');
    // the new person signs in with it through the real form
    const page = await fetch(`${f.server.url}/staff/login`);
    const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1];
    const login = await fetch(`${f.server.url}/staff/login`, { method: 'POST', redirect: 'manual', headers: { cookie: page.headers.getSetCookie()[0].split(';')[0], 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: token, email: 'new.officer@example.org', password }) });
    expect(login.status).toBe(303);
    // and the page no longer shows the password
    expect(await (await request(f, admin, 'get', '/staff/accounts')).text()).not.toContain(password);
  });

  it('refuses bad input with a GOV.UK error summary pointing at each field, and creates nothing', async () => {
    const before = (db().prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
    const res = await request(f, admin, 'post', '/staff/accounts', { email: 'not-an-email', name: '', role: 'la_officer', la: '' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('<title>Error: Staff accounts');
    for (const href of ['#email', '#name', '#la']) expect(html).toContain(`href="${href}"`);
    const dup = await request(f, admin, 'post', '/staff/accounts', { email: f.emails.evaluator, name: 'Again', role: 'evaluator' });
    expect(dup.status).toBe(409);
    expect(await dup.text()).toContain('already exists');
    expect((db().prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n).toBe(before);
  });

  it('changes a role: audited with from/to, ends that person\'s sessions', async () => {
    const sam = await signIn(f, 'supervisor2');
    expect((await request(f, sam, 'get', '/staff/supervision')).status).toBe(200);
    const id = f.ids.supervisor2User;
    const res = await request(f, admin, 'post', `/staff/accounts/${id}/role`, { role: 'evaluator', la: '' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('User supervisor2 is now evaluator');
    expect(userByEmail(f.emails.supervisor2)).toMatchObject({ role: 'evaluator', laCode: null });
    expect(JSON.parse(audits('user.role').at(-1)!.detail)).toEqual({ userId: id, from: 'supervisor', to: 'evaluator', laCode: null });
    expect((await request(f, sam, 'get', '/staff/supervision')).status).toBe(401); // old session ended
  });

  it('an LA officer role needs an LA; an admin cannot change their own role', async () => {
    const id = f.ids.supervisor2User;
    const noLa = await request(f, admin, 'post', `/staff/accounts/${id}/role`, { role: 'la_officer', la: '' });
    expect(noLa.status).toBe(400);
    expect(await noLa.text()).toContain(`href="#la-of-${id}"`);
    const self = await request(f, admin, 'post', `/staff/accounts/${adminId()}/role`, { role: 'evaluator' });
    expect(self.status).toBe(400);
    expect(userByEmail(f.emails.admin)!.role).toBe('admin');
    expect((await request(f, admin, 'post', '/staff/accounts/999999/role', { role: 'evaluator' })).status).toBe(404);
  });

  it('is CSRF-protected: no token, no change', async () => {
    const id = f.ids.supervisor2User;
    const before = userByEmail(f.emails.supervisor2)!.role;
    expect((await request(f, admin, 'post', `/staff/accounts/${id}/role`, { role: 'supervisor' }, { csrf: null })).status).toBe(403);
    expect((await request(f, admin, 'post', '/staff/accounts', { email: 'csrf@example.org', name: 'C', role: 'evaluator' }, { csrf: 'x'.repeat(43) })).status).toBe(403);
    expect(userByEmail(f.emails.supervisor2)!.role).toBe(before);
    expect(userByEmail('csrf@example.org')).toBeUndefined();
  });
});
