// Starts the built server as a child process on a database with one trial and one evaluator account, signed in over HTTP: for the request-fault and upload-memory tests and bench.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../server/storage/db';
import { createUser } from '../../server/storage/user-repo';
import { createTrial } from '../../server/storage/trial-repo';
import { hashPassword } from '../../server/domain/auth/password';
import { createSecretFile } from '../../server/storage/secret-file';
import { startServerProcess, type ServerProcess } from './server-process';

export interface StaffServer {
  server: ServerProcess;
  trialId: string;
  /** Cookie header of a signed-in evaluator and that session's CSRF token. */
  cookie: string;
  csrf: string;
  cleanup: () => Promise<void>;
}

export const staffServerPassword = 'correct horse battery staple 99';
const email = 'evaluator@example.org';

const firstCookie = (res: Response, name: string) => res.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith(`${name}=`)) ?? '';

export async function startStaffServer(env: Record<string, string> = {}): Promise<StaffServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dslkit-staff-server-'));
  const dbFile = path.join(dir, 'dslkit.db');
  const db = openDatabase(dbFile);
  const at = new Date().toISOString();
  createTrial(db, { id: 'faults', title: 'Request faults trial', createdAt: at });
  createUser(db, { email, name: 'Eva Luator', role: 'evaluator', laCode: null, passwordHash: await hashPassword(staffServerPassword) }, { actor: 'test', at });
  db.close();
  const secretFile = path.join(dir, 'secret.key');
  createSecretFile(secretFile); // the server runs with NODE_ENV=production, which never creates one
  const server = await startServerProcess({ dbFile, secretFile, env });
  const cleanup = async () => { await server.stop(); fs.rmSync(dir, { recursive: true, force: true }); };
  try {
    const form = await fetch(`${server.url}/staff/login`);
    const loginCookie = firstCookie(form, 'dslkit_login_csrf');
    const loginCsrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
    const res = await fetch(`${server.url}/staff/login`, {
      method: 'POST', redirect: 'manual', headers: { cookie: loginCookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: loginCsrf, email, password: staffServerPassword, next: '/staff' }),
    });
    if (res.status !== 303) throw new Error(`sign-in answered ${res.status}`);
    const cookie = firstCookie(res, 'dslkit_session');
    const page = await fetch(`${server.url}/staff/trials/faults`, { headers: { cookie } });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    if (!csrf) throw new Error('no CSRF token on the trial page');
    return { server, trialId: 'faults', cookie, csrf, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
