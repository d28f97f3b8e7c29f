// Test fixture for the staff site: a server with a movable clock, two LAs, two trials, schools, DSLs, a wave, one account per role and sign-in helpers.
import crypto from 'node:crypto';
import { startTestServer, type TestServer } from '../helpers/server';
import { hashPassword } from '../../server/domain/auth/password';
import { createUser, assignSchools } from '../../server/storage/user-repo';
import { createTrial } from '../../server/storage/trial-repo';
import { upsertSchools, enrolSchools } from '../../server/storage/school-repo';
import { insertDsl } from '../../server/storage/dsl-repo';
import { createWave } from '../../server/storage/wave-repo';
import { logSession } from '../../server/storage/supervision-repo';
import type { Role } from '../../server/domain/auth/roles';

export const PASSWORD = 'correct horse battery staple';
export type Who = Role | 'supervisor2';

export interface StaffFixture {
  server: TestServer;
  now: { t: Date };
  ids: { trial: string; otherTrial: string; dsl: string; wave: number; session: number; otherSession: number; supervisor2User: number };
  emails: Record<Who, string>;
  close: () => Promise<void>;
}

const school = (urn: number, la: string, laName: string, fsm: number) => ({ urn, name: `School ${urn}`, laCode: la, laName, type: 'Community school', phase: 'Primary', pupils: 200 + urn % 100, fsmPercent: fsm, urbanRural: null, ofstedRating: null });

export async function staffFixture(): Promise<StaffFixture> {
  const now = { t: new Date('2026-03-02T10:00:00Z') };
  const server = await startTestServer({ clock: () => now.t });
  const db = server.deps.db;
  const at = now.t.toISOString();
  const by = { actor: 'system', at };
  db.prepare("INSERT INTO local_authorities (code, name) VALUES ('350', 'Bolton'), ('351', 'Bury')").run();
  createTrial(db, { id: 't1', title: 'Trial one', createdAt: at, retentionUntil: '2030-01-01' });
  createTrial(db, { id: 't2', title: 'Trial two', createdAt: at });
  upsertSchools(db, [school(100001, '350', 'Bolton', 10), school(100002, '350', 'Bolton', 30), school(100003, '351', 'Bury', 20), school(100004, '351', 'Bury', 40), school(200001, '350', 'Bolton', 15)]);
  enrolSchools(db, 't1', [100001, 100002, 100003, 100004]);
  enrolSchools(db, 't2', [200001]);
  // t1 is randomised: 100001-100003 intervention (supervised), 100004 control
  const randomisation = Number(db.prepare(`INSERT INTO randomisations (trial_id, method, algorithm_version, seed, input_sha256, strata, created_at, created_by)
    VALUES ('t1', 'fixture', '0', 1, 'none', '[]', ?, 'test')`).run(at).lastInsertRowid);
  const allocate = db.prepare("INSERT INTO allocations (trial_id, urn, randomisation_id, stratum, draw, arm) VALUES ('t1', ?, ?, 'all', 0.5, ?)");
  for (const [urn, arm] of [[100001, 'intervention'], [100002, 'intervention'], [100003, 'intervention'], [100004, 'control']] as const) allocate.run(urn, randomisation, arm);
  db.prepare("UPDATE trials SET status = 'randomised' WHERE id = 't1'").run();
  insertDsl(db, { id: 'dsl-aaaa', trialId: 't1', urn: 100001, role: 'headteacher', name: 'Ann Able', email: 'ann@example.org', createdAt: at });
  insertDsl(db, { id: 'dsl-bbbb', trialId: 't1', urn: 100002, role: 'deputy headteacher', name: 'Bob Best', email: 'bob@example.org', createdAt: at });
  insertDsl(db, { id: 'dsl-cccc', trialId: 't1', urn: 100003, role: 'senco', name: 'Cat Cole', email: 'cat@example.org', createdAt: at });
  insertDsl(db, { id: 'dsl-dddd', trialId: 't2', urn: 200001, role: 'senco', name: 'Dan Dee', email: 'dan@example.org', createdAt: at });
  const wave = createWave(db, { trialId: 't1', name: 'baseline', opensAt: '2026-03-01', closesAt: '2026-04-01', instruments: ['pss10@1'] });
  const hash = await hashPassword(PASSWORD);
  const emails: Record<Who, string> = { admin: 'admin@example.org', evaluator: 'eva@example.org', supervisor: 'sue@example.org', supervisor2: 'sam@example.org', la_officer: 'lou@example.org' };
  const users: Record<string, number> = {};
  for (const [who, email] of Object.entries(emails) as Array<[Who, string]>) {
    const role: Role = who === 'supervisor2' ? 'supervisor' : who;
    users[who] = createUser(db, { email, name: `User ${who}`, role, laCode: role === 'la_officer' ? '350' : null, passwordHash: hash }, by).id;
  }
  assignSchools(db, users.supervisor, 't1', [100001, 100002], by);
  assignSchools(db, users.supervisor2, 't1', [100003], by);
  const session = logSession(db, { trialId: 't1', supervisorUserId: users.supervisor, kind: 'formal', mode: 'online', heldOn: '2026-02-01', durationMinutes: 60, dslIds: ['dsl-aaaa'], at, actor: 'system' });
  const otherSession = logSession(db, { trialId: 't1', supervisorUserId: users.supervisor2, kind: 'formal', mode: 'online', heldOn: '2026-02-02', durationMinutes: 60, dslIds: ['dsl-cccc'], at, actor: 'system' });
  return { server, now, emails, ids: { trial: 't1', otherTrial: 't2', dsl: 'dsl-aaaa', wave: wave.id, session, otherSession, supervisor2User: users.supervisor2 }, close: () => server.close() };
}

export interface Signed { cookie: string; csrf: string }

function cookiesOf(res: Response): string[] {
  return res.headers.getSetCookie().map((c) => c.split(';')[0]);
}

/** Signs in through the real form (GET for the login CSRF cookie, then POST); returns the session cookie and its CSRF token. */
export async function signIn(f: StaffFixture, who: Who, password = PASSWORD): Promise<Signed> {
  const page = await fetch(`${f.server.url}/staff/login`);
  const loginCookie = cookiesOf(page).find((c) => c.startsWith('dslkit_login_csrf='))!;
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1];
  const res = await fetch(`${f.server.url}/staff/login`, {
    method: 'POST', redirect: 'manual', headers: { cookie: loginCookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token, email: f.emails[who], password, next: '/staff' }),
  });
  if (res.status !== 303) throw new Error(`sign-in as ${who} answered ${res.status}`);
  const cookie = cookiesOf(res).find((c) => c.startsWith('dslkit_session='))!;
  const idHash = crypto.createHash('sha256').update(cookie.split('=')[1]).digest('hex');
  const csrf = (f.server.deps.db.prepare('SELECT csrf_token FROM auth_sessions WHERE id_hash = ?').get(idHash) as { csrf_token: string }).csrf_token;
  return { cookie, csrf };
}

/** A request as a signed-in user (or signed out when `as` is null); form bodies get the CSRF token unless `csrf` is given. */
export async function request(f: StaffFixture, as: Signed | null, method: 'get' | 'post', path: string, form: Record<string, string | string[]> = {}, opts: { csrf?: string | null } = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: 'text/html' };
  if (as) headers.cookie = as.cookie;
  let body: URLSearchParams | undefined;
  if (method === 'post') {
    body = new URLSearchParams();
    const token = opts.csrf === undefined ? as?.csrf : opts.csrf;
    if (token) body.append('_csrf', token);
    for (const [k, v] of Object.entries(form)) for (const x of ([] as string[]).concat(v)) body.append(k, x);
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  return fetch(`${f.server.url}${path}`, { method: method.toUpperCase(), headers, body, redirect: 'manual' });
}
