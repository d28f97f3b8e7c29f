// An LA of 8 small schools (1 to 5 DSLs each, 21 DSLs) set up the way an evaluator does it: `dslkit trial create`,
// `import schools`, `import dsls`, `wave create`, `invitations`, then DSLs answering through the real survey API,
// and `dslkit publish`. The attack tests read only the HTML this produces.
import fs from 'node:fs';
import path from 'node:path';
import { startTestServer, type TestServer } from '../helpers/server';
import { captureIo, tempDir } from '../helpers/temp';
import { runCli } from '../../server/cli';
import { parseCsv } from '../../server/domain/csv';
import { hashPassword } from '../../server/domain/auth/password';
import { createUser } from '../../server/storage/user-repo';
import { signIn, type StaffFixture, type Signed } from '../staff/fixture';

export const SMALL_LA = { code: '880', name: 'Smallshire' };
/** DSLs per school: 8 schools, 1 to 5 DSLs each. */
export const DSLS_PER_SCHOOL = [1, 2, 3, 5, 4, 2, 1, 3];
const OFFICER = { email: 'officer@smallshire.example', password: 'correct horse battery staple' };
export const TRIAL = 'small';

/** PSS-10 answers whose total (Cohen's reverse-and-sum rule, instruments/pss10/scoring.json) is `total` (0 to 40). */
export function pss10Answers(total: number): Record<string, number> {
  const reversed = new Set(['pss10_04', 'pss10_05', 'pss10_07', 'pss10_08']);
  const out: Record<string, number> = {};
  let left = total;
  for (let i = 1; i <= 10; i++) {
    const id = `pss10_${String(i).padStart(2, '0')}`;
    const points = Math.min(4, left);
    left -= points;
    out[id] = reversed.has(id) ? 4 - points : points;
  }
  return out;
}

/** ONS4 answers: life satisfaction `life`, the others fixed. */
export function ons4Answers(life: number): Record<string, number> {
  return { ons4_01: life, ons4_02: 7, ons4_03: 6, ons4_04: 3 };
}

export interface SmallLa {
  server: TestServer;
  now: { t: Date };
  /** DSL ids in roster order with their survey tokens (baseline wave). */
  dsls: Array<{ dslId: string; token: string }>;
  /** A DSL answers through POST /api/s/:token/submit (PSS-10 total and ONS life satisfaction). */
  answer: (index: number, pss: number, life?: number) => Promise<void>;
  /** `dslkit <args>` against this database; throws with its stderr when it fails. */
  cli: (...args: string[]) => Promise<string>;
  /** `dslkit publish --la 880 --out <dir>` and the HTML it wrote. */
  publish: () => Promise<string>;
  /** GET /dashboards/880 (what any visitor reads). */
  publicPage: () => Promise<string>;
  /** The officer's preview page /staff/la/880, signed in as Smallshire's LA officer. */
  preview: () => Promise<string>;
  close: () => Promise<void>;
}

export async function smallLa(opts: { opens?: string; closes?: string; dslsPerSchool?: number[] } = {}): Promise<SmallLa> {
  const perSchool = opts.dslsPerSchool ?? DSLS_PER_SCHOOL;
  const now = { t: new Date('2025-01-20T09:00:00Z') };
  const server = await startTestServer({ clock: () => now.t });
  const dbPath = server.deps.config.dbPath;
  const dir = tempDir('dslkit-small-la-');
  // The CLI derives invitation links from the secret file beside the database: give it the server's secret.
  fs.writeFileSync(path.join(path.dirname(dbPath), 'secret.key'), `${server.deps.secret.toString('hex')}\n`, { mode: 0o600 });
  const cli = async (...args: string[]): Promise<string> => {
    const io = captureIo();
    const code = await runCli([...args, '--db', dbPath], io.io, process.env, () => now.t);
    if (code !== 0) throw new Error(`dslkit ${args.join(' ')}: exit ${code}: ${io.err()}`);
    return io.out();
  };
  const schools = ['URN,EstablishmentName,LA (code),LA (name),TypeOfEstablishment (name),PhaseOfEducation (name),NumberOfPupils',
    ...perSchool.map((_, i) => `${880001 + i},Small School ${i + 1},${SMALL_LA.code},${SMALL_LA.name},Community school,Primary,${120 + 10 * i}`)].join('\n');
  const roster = ['URN,Name,Email,Role', ...perSchool.flatMap((n, i) => Array.from({ length: n }, (_, k) =>
    `${880001 + i},DSL ${i + 1}-${k + 1},dsl${i + 1}-${k + 1}@small.example,teacher`))].join('\n');
  fs.writeFileSync(path.join(dir.dir, 'schools.csv'), schools);
  fs.writeFileSync(path.join(dir.dir, 'roster.csv'), roster);
  await cli('trial', 'create', '--id', TRIAL, '--title', 'Smallshire supervision trial');
  await cli('import', 'schools', path.join(dir.dir, 'schools.csv'), '--trial', TRIAL);
  await cli('import', 'dsls', path.join(dir.dir, 'roster.csv'), '--trial', TRIAL);
  await cli('wave', 'create', '--trial', TRIAL, '--name', 'baseline', '--opens', opts.opens ?? '2025-01-06', '--closes', opts.closes ?? '2025-03-01', '--instruments', 'pss10,ons4');
  const links = parseCsv(await cli('invitations', '--trial', TRIAL, '--wave', 'baseline'));
  const emailOrder = roster.split('\n').slice(1).map((l) => l.split(',')[2]);
  const dsls = links.rows.map((r) => ({ dslId: r.values.dsl_id, email: r.values.email, token: r.values.link.split('/s/')[1] }))
    .sort((a, b) => emailOrder.indexOf(a.email) - emailOrder.indexOf(b.email)).map(({ dslId, token }) => ({ dslId, token }));

  await createUser(server.deps.db, { email: OFFICER.email, name: 'Sam Officer', role: 'la_officer', laCode: SMALL_LA.code, passwordHash: await hashPassword(OFFICER.password) }, { actor: 'system', at: now.t.toISOString() });
  let signed: Signed | null = null;
  const staff = { server, now, emails: { la_officer: OFFICER.email } } as unknown as StaffFixture;

  let published = 0;
  return {
    server, now, dsls, cli,
    answer: async (index, pss, life = 7) => {
      const res = await fetch(`${server.url}/api/s/${dsls[index].token}/submit`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: { ...pss10Answers(pss), ...ons4Answers(life) } }),
      });
      if (res.status !== 200) throw new Error(`submit for DSL ${index} answered ${res.status}: ${await res.text()}`);
    },
    publish: async () => {
      const out = path.join(dir.dir, `site-${++published}`);
      await cli('publish', '--la', SMALL_LA.code, '--out', out);
      return fs.readFileSync(path.join(out, 'index.html'), 'utf8');
    },
    publicPage: async () => {
      const res = await fetch(`${server.url}/dashboards/${SMALL_LA.code}`);
      if (res.status !== 200) throw new Error(`/dashboards/${SMALL_LA.code} answered ${res.status}`);
      return res.text();
    },
    preview: async () => {
      signed ??= await signIn(staff, 'la_officer', OFFICER.password);
      const res = await fetch(`${server.url}/staff/la/${SMALL_LA.code}`, { headers: { cookie: signed.cookie, accept: 'text/html' } });
      if (res.status !== 200) throw new Error(`/staff/la/${SMALL_LA.code} answered ${res.status}`);
      return res.text();
    },
    close: async () => { await server.close(); dir.cleanup(); },
  };
}
