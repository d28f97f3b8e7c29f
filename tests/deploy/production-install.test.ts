// A council's production install, exactly as the README's deployment section does it: clone, npm ci, npm run build, npm prune --omit=dev, code folder made read-only, secret made once, server started as its own user, first administrator, sign-in, a survey answered, a PDF report. Slow (npm ci): one file, run in CI.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { completeAnswers, seededRandom } from '../../bench/helpers/fixture';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const base = fs.mkdtempSync(path.join(os.tmpdir(), 'dslkit-install-'));
const code = path.join(base, 'opt-dslkit'); // stands for /opt/dslkit
const state = path.join(base, 'var-lib-dslkit'); // stands for /var/lib/dslkit (systemd's StateDirectory)
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  try { execFileSync('chmod', ['-R', 'u+w', base], { stdio: 'ignore' }); } catch { /* nothing to undo */ }
  fs.rmSync(base, { recursive: true, force: true });
});

// The service runs as its own unprivileged user (User=dslkit in deploy/systemd/dslkit.service). Run as root, the test uses nobody, so the read-only code folder really is read-only to it.
const asServiceUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
const serviceEnv = (extra: Record<string, string> = {}) => ({
  PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: state, NODE_ENV: 'production',
  DSLKIT_DB: path.join(state, 'dslkit.db'), ...extra,
});

function run(file: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; asService?: boolean; timeoutMs?: number } = {}): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(file, args, {
      cwd: opts.cwd ?? code, env: opts.env ?? process.env, timeout: opts.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024,
      ...(opts.asService ? asServiceUser : {}),
    }, (error, out, err) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, out: String(out), err: String(err) }));
  });
}
const dslkit = (args: string[], extra: Record<string, string> = {}) => run(process.execPath, [path.join(code, 'bin', 'dslkit.mjs'), ...args], { env: serviceEnv(extra), asService: true });

/** Every file and folder under `dir` with its size and modification time: compared before and after, it shows nothing was written. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      const st = fs.lstatSync(p);
      out.push(`${path.relative(dir, p)}\t${st.isDirectory() ? 'dir' : st.size}\t${st.mtimeMs}`);
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out.sort();
}

function freePort(): Promise<number> {
  return new Promise((resolve) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address() as net.AddressInfo; s.close(() => resolve(port)); }); });
}

describe('a production install from a fresh clone', () => {
  it('builds once, runs from a read-only code folder as its own user, and takes a sign-in, a survey and a PDF report', async () => {
    // 1. Clone and install with the build tools, build, then drop the build tools.
    expect((await run('git', ['clone', '--quiet', repo, code], { cwd: base })).code).toBe(0);
    const early = await run(process.execPath, [path.join(code, 'bin', 'start.mjs')], { env: serviceEnv({ PORT: '0' }) });
    expect(early.code).toBe(1);
    expect(early.err).toBe(`dslkit: there is no production build in ${code}: run "npm run build" in ${code} (as the owner of the code folder) before starting with NODE_ENV=production.\n`);
    const ci = await run('npm', ['ci', '--no-audit', '--no-fund'], { timeoutMs: 600_000 });
    expect(ci.code, ci.err).toBe(0);
    const build = await run('npm', ['run', 'build']);
    expect(build.code, build.err).toBe(0);
    const prune = await run('npm', ['prune', '--omit=dev', '--no-audit', '--no-fund'], { timeoutMs: 300_000 });
    expect(prune.code, prune.err).toBe(0);
    for (const dev of ['esbuild', 'tsx', 'vite', 'vitest', 'typescript', 'react', 'survey-core']) expect(fs.existsSync(path.join(code, 'node_modules', dev)), dev).toBe(false);
    expect(fs.existsSync(path.join(code, 'node_modules', 'playwright-core'))).toBe(true);

    // 2. The code folder becomes read-only; the state folder belongs to the service user.
    expect((await run('chmod', ['-R', 'a-w', code])).code).toBe(0);
    fs.chmodSync(base, 0o755);
    fs.mkdirSync(state, { mode: 0o700 });
    if (asServiceUser.uid !== undefined) fs.chownSync(state, asServiceUser.uid, asServiceUser.gid);
    const before = snapshot(code);

    // 3. The secret, once; without it the server refuses in one sentence.
    const refused = await run(process.execPath, [path.join(code, 'bin', 'start.mjs')], { env: serviceEnv({ PORT: '0' }), asService: true });
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/^dslkit needs the secret file .*secret\.key, which does not exist: create it once with "dslkit secret init"/);
    const secret = await dslkit(['secret', 'init']);
    expect(secret.err).toBe('');
    expect(secret.out).toBe(`wrote a new secret to ${path.join(state, 'secret.key')} (mode 0600); back it up with the database\n`);
    expect(fs.statSync(path.join(state, 'secret.key')).mode & 0o777).toBe(0o600);

    // 4. Start it as systemd does (node bin/start.mjs, NODE_ENV=production).
    const port = await freePort();
    const server = spawn(process.execPath, [path.join(code, 'bin', 'start.mjs')], {
      cwd: code, env: serviceEnv({ PORT: String(port), HOST: '127.0.0.1', DSLKIT_PUBLIC_URL: `http://127.0.0.1:${port}` }), stdio: ['ignore', 'pipe', 'pipe'], ...asServiceUser,
    });
    children.push(server);
    const output: string[] = [];
    server.stdout!.on('data', (c: Buffer) => output.push(String(c)));
    server.stderr!.on('data', (c: Buffer) => output.push(String(c)));
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      const ready = await fetch(`${url}/api/ready`).then((r) => r.status, () => 0);
      if (ready === 200) break;
      if (server.exitCode !== null || i > 300) throw new Error(`the server did not become ready:\n${output.join('')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(output.join('')).not.toMatch(/seeded/); // no demo on a production database

    // 5. The first administrator, password shown once.
    const added = await dslkit(['user', 'add', '--email', 'it.admin@council.invalid', '--name', 'Council IT', '--role', 'admin']);
    expect(added.err).toBe('');
    const password = /^password \(shown once\): (\S+)$/m.exec(added.out)?.[1];
    expect(password).toBeTruthy();

    // 6. Sign in over HTTP through the real form.
    const cookies = (res: Response) => res.headers.getSetCookie().map((c) => c.split(';')[0]);
    const loginPage = await fetch(`${url}/staff/login`);
    const loginCookie = cookies(loginPage).find((c) => c.startsWith('dslkit_login_csrf='))!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await loginPage.text())![1];
    const signIn = await fetch(`${url}/staff/login`, {
      method: 'POST', redirect: 'manual', headers: { cookie: loginCookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, email: 'it.admin@council.invalid', password: password!, next: '/staff' }),
    });
    expect(signIn.status).toBe(303);
    const session = cookies(signIn).find((c) => c.startsWith('dslkit_session='))!;
    const accounts = await fetch(`${url}/staff/accounts`, { headers: { cookie: session } });
    expect(accounts.status).toBe(200);
    expect(await accounts.text()).toContain('it.admin@council.invalid');

    // 7. A trial to survey (the synthetic demo, added on purpose with the command), its links, one DSL's answers.
    const demo = await dslkit(['demo']);
    expect(demo.code, demo.err).toBe(0);
    const links = await dslkit(['invitations', '--trial', 'demo', '--wave', 'endline'], { DSLKIT_PUBLIC_URL: url });
    expect(links.code, links.err).toBe(0);
    const tokens = [...links.out.matchAll(/\/s\/([A-Za-z0-9_-]{20,})/g)].map((m) => m[1]);
    expect(tokens.length).toBeGreaterThan(10);
    const db = new Database(path.join(state, 'dslkit.db'), { readonly: true });
    const complete = () => (db.prepare("SELECT COUNT(*) AS n FROM responses WHERE status = 'complete'").get() as { n: number }).n;
    const stored = complete();
    let submitted = 0;
    for (const token of tokens) {
      const survey = await (await fetch(`${url}/api/s/${token}`)).json() as { status: string };
      if (survey.status === 'complete') continue; // answered in the synthetic demo already
      const res = await fetch(`${url}/api/s/${token}/submit`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ data: completeAnswers(['pss10@1', 'cbi@1', 'ons4@1', 'dsl-confidence@1', 'csa-identification@1'], seededRandom(7)) }),
      });
      expect(res.status, await res.clone().text()).toBe(200);
      submitted += 1;
      break;
    }
    expect(submitted).toBe(1);
    expect(complete()).toBe(stored + 1);
    db.close();

    // 8. A PDF report with Debian's Chromium, from the production command.
    const out = path.join(state, 'reports', 'arm-comparison.html');
    const report = await dslkit(['report', 'arm-comparison', '--trial', 'demo', '--out', out, '--pdf']);
    expect(report.code, report.err).toBe(0);
    expect(fs.readFileSync(out.replace(/\.html$/, '.pdf')).subarray(0, 5).toString()).toBe('%PDF-');

    // 9. Nothing was written into the code folder; SIGTERM stops it cleanly.
    expect(snapshot(code)).toEqual(before);
    server.kill('SIGTERM');
    const exitCode = await new Promise((resolve) => server.once('exit', (c) => resolve(c)));
    expect(exitCode, output.join('')).toBe(0);
    expect(crypto.createHash('sha256').update(before.join('\n')).digest('hex')).toBe(crypto.createHash('sha256').update(snapshot(code).join('\n')).digest('hex'));
  }, 1_200_000); // npm ci and a build: about two minutes alone, eight under a loaded full run
});
