// Measures what docs/scaling.md reports: a generated national-size database (24,000 schools, 60,000 DSLs, three waves of complete responses), its size per 10,000 DSL-waves, and how long dslkit backup and dslkit restore take on it. Run: npx tsx bench/scaling/national-size.ts [--dsls 60000] [--schools 24000] [--waves 3] [--dir <folder>]
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../../server/storage/db';
import { issueInvitations } from '../../server/storage/invitation-repo';
import { findSurveyInvitation } from '../../server/storage/survey-access-repo';
import { submitResponse } from '../../server/storage/response-repo';
import { benchInstruments, completeAnswers, seededRandom } from '../helpers/fixture';
import { repoRoot } from '../helpers/server-process';

const { values } = parseArgs({ options: { dsls: { type: 'string', default: '60000' }, schools: { type: 'string', default: '24000' }, waves: { type: 'string', default: '3' }, dir: { type: 'string' } } });
const nDsls = Number(values.dsls);
const nSchools = Number(values.schools);
const waveNames = ['baseline', 'midpoint', 'endline'].slice(0, Number(values.waves));
const dir = values.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'dslkit-national-'));
fs.mkdirSync(dir, { recursive: true });
const dbFile = path.join(dir, 'national.db');
const secret = crypto.randomBytes(32);
fs.writeFileSync(path.join(dir, 'secret.key'), secret.toString('hex') + '\n', { mode: 0o600 });

const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const sizeOf = (f: string) => ['', '-wal', '-shm'].reduce((n, s) => n + (fs.existsSync(f + s) ? fs.statSync(f + s).size : 0), 0);

const db = openDatabase(dbFile);
const now = new Date();
const at = now.toISOString();
let t0 = process.hrtime.bigint();
const dslIds: string[] = [];
db.transaction(() => {
  db.prepare("INSERT OR IGNORE INTO local_authorities (code, name) VALUES ('998', 'National LA (synthetic)')").run();
  db.prepare(`INSERT INTO trials (id, title, status, method, seed, is_demo, created_at) VALUES ('national', 'National-size trial (synthetic)', 'fieldwork', 'simple', 1, 1, ?)`).run(at);
  const rand = db.prepare(`INSERT INTO randomisations (trial_id, method, algorithm_version, seed, input_sha256, strata, created_at, created_by) VALUES ('national', 'simple', 'bench', 1, 'x', '[]', ?, 'bench')`).run(at);
  const school = db.prepare("INSERT INTO schools (urn, name, la_code, phase, pupils, is_synthetic) VALUES (?, ?, '998', 'Primary', 250, 1)");
  const enrol = db.prepare("INSERT INTO trial_schools (trial_id, urn, status) VALUES ('national', ?, 'enrolled')");
  const allocate = db.prepare("INSERT INTO allocations (trial_id, urn, randomisation_id, stratum, draw, arm) VALUES ('national', ?, ?, 'all', 0.5, ?)");
  for (let i = 0; i < nSchools; i++) { school.run(800_000 + i, `National School ${i + 1}`); enrol.run(800_000 + i); allocate.run(800_000 + i, rand.lastInsertRowid, i % 2 ? 'control' : 'intervention'); }
  const dsl = db.prepare("INSERT INTO dsls (id, trial_id, urn, role, status, created_at) VALUES (?, 'national', ?, 'deputy head', 'active', ?)");
  const contact = db.prepare('INSERT INTO dsl_contacts (dsl_id, name, email) VALUES (?, ?, ?)');
  for (let i = 0; i < nDsls; i++) { const id = `dsl-nat-${String(i).padStart(6, '0')}`; dsl.run(id, 800_000 + (i % nSchools), at); contact.run(id, `DSL ${i + 1}`, `dsl${i + 1}@national.invalid`); dslIds.push(id); }
})();
const registrySeconds = seconds(t0);

t0 = process.hrtime.bigint();
let submitted = 0;
for (const [w, name] of waveNames.entries()) {
  const wave = db.prepare("INSERT INTO waves (trial_id, name, opens_at, closes_at, instruments) VALUES ('national', ?, ?, ?, ?)")
    .run(name, new Date(now.getTime() - 86_400_000).toISOString(), new Date(now.getTime() + 30 * 86_400_000).toISOString(), JSON.stringify(benchInstruments));
  const tokens = issueInvitations(db, secret, Number(wave.lastInsertRowid), dslIds, at).map((t) => t.token);
  for (let start = 0; start < tokens.length; start += 1000) {
    db.transaction(() => {
      for (const [k, token] of tokens.slice(start, start + 1000).entries()) {
        const inv = findSurveyInvitation(db, token)!;
        submitResponse(db, inv, completeAnswers(benchInstruments, seededRandom(w * 1_000_000 + start + k)) as never, at);
        submitted += 1;
      }
    })();
  }
}
const responsesSeconds = seconds(t0);
db.pragma('wal_checkpoint(TRUNCATE)');
const counts = Object.fromEntries(['schools', 'dsls', 'invitations', 'responses', 'response_snapshots', 'scores'].map((t) => [t, (db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n]));
db.close();
const bytes = sizeOf(dbFile);

const cli = path.join(repoRoot, 'bin', 'dslkit.mjs');
const backupDir = path.join(dir, 'backups');
t0 = process.hrtime.bigint();
execFileSync(process.execPath, [cli, 'backup', '--dir', backupDir, '--keep', '2', '--db', dbFile], { stdio: 'ignore' });
const backupSeconds = seconds(t0);
const backupFile = fs.readdirSync(backupDir).filter((f) => f.endsWith('.db')).map((f) => path.join(backupDir, f))[0];
const restored = path.join(dir, 'restored', 'dslkit.db');
fs.mkdirSync(path.dirname(restored), { recursive: true });
t0 = process.hrtime.bigint();
execFileSync(process.execPath, [cli, 'restore', backupFile, '--db', restored], { stdio: 'ignore', env: { ...process.env, DSLKIT_SECRET_FILE: path.join(dir, 'restored', 'secret.key') } });
const restoreSeconds = seconds(t0);

const dslWaves = nDsls * waveNames.length;
const result = {
  machine: `${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, ${mb(os.totalmem())} MB RAM, node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(2)).join('/')}`,
  schools: nSchools, dsls: nDsls, waves: waveNames.length, dslWaves, counts,
  registrySeconds: +registrySeconds.toFixed(1), responsesSeconds: +responsesSeconds.toFixed(1), submissionsPerSecondInProcess: Math.round(submitted / responsesSeconds),
  databaseMB: +mb(bytes), mbPer10000DslWaves: +(bytes / 1024 / 1024 / (dslWaves / 10_000)).toFixed(2),
  backupFileMB: +mb(fs.statSync(backupFile).size), backupSeconds: +backupSeconds.toFixed(1), restoreSeconds: +restoreSeconds.toFixed(1),
};
process.stdout.write(JSON.stringify(result, null, 2) + '\n');
if (!values.dir) fs.rmSync(dir, { recursive: true, force: true });
