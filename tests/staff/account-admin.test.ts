// Accounts an administrator can manage (issue #10): disable and re-enable, reset a password (shown once), remove a supervisor's school; on the staff site and with `dslkit user`; each ends the account's sessions and is audited; a disabled account cannot sign in.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffFixture, signIn, request, PASSWORD, type StaffFixture, type Signed } from './fixture';
import { runCli } from '../../server/cli';
import { captureIo } from '../helpers/temp';

let f: StaffFixture;
let admin: Signed;
beforeAll(async () => { f = await staffFixture(); admin = await signIn(f, 'admin'); }, 60_000);
afterAll(async () => { await f.close(); });

const db = () => f.server.deps.db;
const idOf = (email: string) => (db().prepare('SELECT id FROM users WHERE email = ?').get(email) as { id: number }).id;
const lastAudit = (action: string) => db().prepare('SELECT actor, detail FROM audit_log WHERE action = ? ORDER BY id DESC LIMIT 1').get(action) as { actor: string; detail: string } | undefined;
const sessionsOf = (id: number) => (db().prepare('SELECT count(*) AS n FROM auth_sessions WHERE user_id = ?').get(id) as { n: number }).n;
const assigned = (id: number) => (db().prepare('SELECT urn FROM supervisor_assignments WHERE user_id = ? ORDER BY urn').all(id) as Array<{ urn: number }>).map((r) => r.urn);

/** Runs `dslkit <args>` in-process against the fixture's database file. */
async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const c = captureIo();
  const file = f.server.deps.config.dbPath;
  const code = await runCli(args, c.io, { DSLKIT_DB: file, DSLKIT_SECRET_FILE: path.join(path.dirname(file), 'secret.key') }, () => f.now.t);
  return { code, out: c.out(), err: c.err() };
}

async function tryPassword(email: string, password: string): Promise<number> {
  const page = await fetch(`${f.server.url}/staff/login`);
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1];
  const res = await fetch(`${f.server.url}/staff/login`, { method: 'POST', redirect: 'manual', headers: { cookie: page.headers.getSetCookie()[0].split(';')[0], 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: token, email, password }) });
  return res.status;
}

describe('staff site: account administration', () => {
  it('disables an account: its sessions end, it cannot sign in, audited; re-enabling lets it sign in again', async () => {
    const lou = await signIn(f, 'la_officer');
    const id = idOf(f.emails.la_officer);
    const res = await request(f, admin, 'post', `/staff/accounts/${id}/status`, { status: 'disabled' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('User la_officer is disabled');
    expect(sessionsOf(id)).toBe(0);
    expect((await request(f, lou, 'get', '/staff')).status).toBe(401);
    expect(await tryPassword(f.emails.la_officer, PASSWORD)).toBe(401);
    expect(lastAudit('user.disable')).toMatchObject({ actor: `user:${idOf(f.emails.admin)}`, detail: JSON.stringify({ userId: id }) });
    expect(JSON.parse(lastAudit('auth.login_failed')!.detail)).toMatchObject({ reason: 'account disabled' });
    const back = await request(f, admin, 'post', `/staff/accounts/${id}/status`, { status: 'active' });
    expect(back.status).toBe(200);
    expect(lastAudit('user.enable')).toBeDefined();
    expect(await tryPassword(f.emails.la_officer, PASSWORD)).toBe(303);
  });

  it('refuses to disable your own account, or an unknown status, and changes nothing', async () => {
    const self = await request(f, admin, 'post', `/staff/accounts/${idOf(f.emails.admin)}/status`, { status: 'disabled' });
    expect(self.status).toBe(400);
    expect(await self.text()).toContain('You cannot disable your own account');
    expect((await request(f, admin, 'post', `/staff/accounts/${idOf(f.emails.evaluator)}/status`, { status: 'deleted' })).status).toBe(400);
    expect((await request(f, admin, 'post', '/staff/accounts/999999/status', { status: 'disabled' })).status).toBe(404);
    expect((db().prepare('SELECT count(*) AS n FROM users WHERE disabled = 1').get() as { n: number }).n).toBe(0);
  });

  it('resets a password after a confirmation page: the new one is shown once and works, the old one and the sessions do not', async () => {
    const eva = await signIn(f, 'evaluator');
    const id = idOf(f.emails.evaluator);
    const confirm = await request(f, admin, 'get', `/staff/accounts/${id}/password`);
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain('Reset the password of User evaluator');
    expect(sessionsOf(id)).toBe(1); // looking changed nothing
    const unconfirmed = await request(f, admin, 'post', `/staff/accounts/${id}/password`);
    expect(unconfirmed.status).toBe(400);
    expect(sessionsOf(id)).toBe(1);
    const res = await request(f, admin, 'post', `/staff/accounts/${id}/password`, { confirm: 'reset' });
    expect(res.status).toBe(200);
    const password = /<code class="dslkit-password">([^<]+)<\/code>/.exec(await res.text())![1];
    expect(password.length).toBeGreaterThanOrEqual(20);
    expect(sessionsOf(id)).toBe(0);
    expect((await request(f, eva, 'get', '/staff/trials')).status).toBe(401);
    expect(await tryPassword(f.emails.evaluator, PASSWORD)).toBe(401);
    expect(await tryPassword(f.emails.evaluator, password)).toBe(303);
    expect(lastAudit('user.password')!.detail).not.toContain(password);
    expect(await (await request(f, admin, 'get', '/staff/accounts')).text()).not.toContain(password);
  });

  it('removes one school from a supervisor: their sessions end, audited, the school leaves their list', async () => {
    const sue = await signIn(f, 'supervisor');
    const id = idOf(f.emails.supervisor);
    const page = await (await request(f, admin, 'get', '/staff/accounts')).text();
    expect(page).toMatch(/School 100002 \(100002\)/);
    const before = assigned(id);
    expect(before).toContain(100002);
    const res = await request(f, admin, 'post', `/staff/accounts/${id}/schools/remove`, { trial: f.ids.trial, urn: '100002' });
    expect(res.status).toBe(200);
    expect(assigned(id)).toEqual(before.filter((u) => u !== 100002));
    expect(sessionsOf(id)).toBe(0);
    expect((await request(f, sue, 'get', '/staff/supervision')).status).toBe(401);
    expect(JSON.parse(lastAudit('user.unassign')!.detail)).toEqual({ userId: id, urns: [100002] });
    const notAssigned = await request(f, admin, 'post', `/staff/accounts/${id}/schools/remove`, { trial: f.ids.trial, urn: '100002' });
    expect(notAssigned.status).toBe(400);
  });

  it('every account change is CSRF-protected', async () => {
    const id = idOf(f.emails.supervisor2);
    expect((await request(f, admin, 'post', `/staff/accounts/${id}/status`, { status: 'disabled' }, { csrf: null })).status).toBe(403);
    expect((await request(f, admin, 'post', `/staff/accounts/${id}/password`, { confirm: 'reset' }, { csrf: null })).status).toBe(403);
    expect((await request(f, admin, 'post', `/staff/accounts/${id}/schools/remove`, { trial: f.ids.trial, urn: '100003' }, { csrf: null })).status).toBe(403);
    expect(assigned(id)).toEqual([100003]);
    expect((db().prepare('SELECT disabled FROM users WHERE id = ?').get(id) as { disabled: number }).disabled).toBe(0);
  });
});

describe('dslkit user: account administration', () => {
  it('disable / enable: ends sessions, audited, refuses sign-in while disabled', async () => {
    await signIn(f, 'supervisor2');
    const id = idOf(f.emails.supervisor2);
    const off = await cli('user', 'disable', '--email', f.emails.supervisor2);
    expect(off.code, off.err).toBe(0);
    expect(off.out).toMatch(/disabled; their sessions were ended/);
    expect(sessionsOf(id)).toBe(0);
    expect(await tryPassword(f.emails.supervisor2, PASSWORD)).toBe(401);
    expect(lastAudit('user.disable')!.actor).toMatch(/^cli/);
    expect((await cli('user', 'enable', '--email', f.emails.supervisor2)).code).toBe(0);
    expect(await tryPassword(f.emails.supervisor2, PASSWORD)).toBe(303);
  });

  it('reset-password prints a new password once; unassign removes schools', async () => {
    const id = idOf(f.emails.supervisor2);
    const r = await cli('user', 'reset-password', '--email', f.emails.supervisor2);
    expect(r.code, r.err).toBe(0);
    const password = /password \(shown once\): (\S+)/.exec(r.out)![1];
    expect(await tryPassword(f.emails.supervisor2, password)).toBe(303);
    expect(sessionsOf(id)).toBe(1); // the sign-in just made; the reset ended the one before
    const u = await cli('user', 'unassign', '--email', f.emails.supervisor2, '--trial', f.ids.trial, '--urn', '100003');
    expect(u.code, u.err).toBe(0);
    expect(assigned(id)).toEqual([]);
    expect(sessionsOf(id)).toBe(0);
    const again = await cli('user', 'unassign', '--email', f.emails.supervisor2, '--trial', f.ids.trial, '--urn', '100003');
    expect(again.code).not.toBe(0);
    expect(again.err).toMatch(/not assigned/);
  });

  it('refuses to disable the last active administrator', async () => {
    const r = await cli('user', 'disable', '--email', f.emails.admin);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/last active administrator/);
  });
});
