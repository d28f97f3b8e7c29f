// The export's analysis.R, run by R (estimatr 1.0.0, clubSandwich 0.5.8 from Debian), reproduces every estimate of the arm-comparison report (`dslkit report arm-comparison --json`) to 1e-8 on the demo trial, with CR1 and Glass's delta, with CR2 and Hedges' g, and clustered by LA when LAs were randomised.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../server/cli';
import { openDatabase, type Db } from '../../server/storage/db';
import { loadOrCreateSecret, secretFileFor } from '../../server/storage/secret-file';
import { seedDemo } from '../../server/domain/demo/seed-demo';
import { insertCompleteResponse } from '../../server/storage/response-repo';
import { completeAnswers, seededRandom } from '../../bench/helpers/fixture';
import { captureIo, tempDir } from '../helpers/temp';

function haveR(): boolean {
  try { execFileSync('Rscript', ['-e', 'library(estimatr); library(clubSandwich); library(jsonlite)'], { stdio: 'ignore' }); return true; } catch { return false; }
}
// In CI (CI=true) .ci/run installs R with these packages and this test must run; elsewhere it is skipped without them.
const rAvailable = haveR() || Boolean(process.env.CI);

const now = new Date('2026-11-20T12:00:00Z');
const dir = tempDir('dslkit-analysis-r-');
const dbFile = path.join(dir.dir, 'demo.db');
let db: Db;

interface Estimate { key: string; n: number; clusters: number; estimate: number; se: number; df: number; p: number; ci: number[]; effect_size: { value: number; ci: number[] } }
interface Estimates { primary: Estimate | null; secondary: Estimate[] }

beforeAll(() => {
  const secret = loadOrCreateSecret(secretFileFor(dbFile));
  db = openDatabase(dbFile);
  seedDemo(db, { clock: () => now, secret });
  // The demo's endline is still open with no answers: complete it for most DSLs so the survey outcomes are analysed too.
  const endline = db.prepare("SELECT id, instruments FROM waves WHERE trial_id = 'demo' AND name = 'endline'").get() as { id: number; instruments: string };
  const instruments = JSON.parse(endline.instruments) as string[];
  const invites = db.prepare('SELECT id, dsl_id FROM invitations WHERE wave_id = ? ORDER BY dsl_id').all(endline.id) as Array<{ id: number; dsl_id: string }>;
  invites.forEach((inv, i) => {
    if (i % 5 === 4) return; // a fifth do not answer
    insertCompleteResponse(db, { invitationId: inv.id, dslId: inv.dsl_id, waveId: endline.id, instruments, answers: completeAnswers(instruments, seededRandom(500 + i)), at: now.toISOString() });
  });
}, 120_000);
afterAll(() => { db.close(); dir.cleanup(); });

async function cli(...args: string[]): Promise<string> {
  const c = captureIo();
  const code = await runCli([...args, '--db', dbFile], c.io, {}, () => now);
  expect(c.err()).toBe('');
  expect(code).toBe(0);
  return c.out();
}

/** Equal to 1e-8 relative (and 1e-12 absolute for numbers near zero). */
function close(r: number, ts: number, what: string): void {
  expect(Math.abs(r - ts), `${what}: R ${r} vs dslkit ${ts}`).toBeLessThanOrEqual(1e-12 + 1e-8 * Math.abs(ts));
}

function compare(fromR: Estimates, report: Estimates): number {
  const pairs: Array<[Estimate, Estimate]> = [];
  if (report.primary) pairs.push([fromR.primary!, report.primary]);
  expect(fromR.secondary.map((e) => e.key)).toEqual(report.secondary.map((e) => e.key));
  report.secondary.forEach((e, i) => pairs.push([fromR.secondary[i], e]));
  for (const [r, t] of pairs) {
    expect(r.key).toBe(t.key);
    expect([r.n, r.clusters]).toEqual([t.n, t.clusters]);
    for (const k of ['estimate', 'se', 'df', 'p'] as const) close(r[k], t[k], `${t.key} ${k}`);
    close(r.ci[0], t.ci[0], `${t.key} ci low`); close(r.ci[1], t.ci[1], `${t.key} ci high`);
    close(r.effect_size.value, t.effect_size.value, `${t.key} effect size`);
    close(r.effect_size.ci[0], t.effect_size.ci[0], `${t.key} effect size ci low`); close(r.effect_size.ci[1], t.effect_size.ci[1], `${t.key} effect size ci high`);
  }
  return pairs.length;
}

async function runBoth(folder: string): Promise<{ fromR: Estimates; report: Estimates }> {
  await cli('export', '--trial', 'demo', '--out', folder);
  const fromR = JSON.parse(execFileSync('Rscript', [path.join(folder, 'analysis.R')], { cwd: '/', encoding: 'utf8', timeout: 120_000 })) as Estimates;
  const report = JSON.parse(await cli('report', 'arm-comparison', '--trial', 'demo', '--json')) as Estimates & { primary: Estimate & { model: { se_type: string } } };
  return { fromR, report };
}

describe('analysis.R reproduces the report', () => {
  it.skipIf(!rAvailable)('with the demo\'s settings (CR1 by school, Glass\'s delta): every outcome, primary and secondary, to 1e-8', async () => {
    const { fromR, report } = await runBoth(path.join(dir.dir, 'cr1'));
    expect(report.primary!.key).toBe('admin:contacts_nfa');
    expect((report.primary as unknown as { model: { se_type: string } }).model.se_type).toBe('cr1');
    expect(report.secondary.some((e) => e.key === 'pss10:total')).toBe(true); // survey outcomes are in too
    expect(compare(fromR, report)).toBeGreaterThan(10);
  }, 180_000);

  it.skipIf(!rAvailable)('with CR2 (Satterthwaite) and Hedges\' g chosen in the report settings, to 1e-8', async () => {
    db.prepare("INSERT INTO report_settings (trial_id, effect_size, se_type, updated_at) VALUES ('demo', 'hedges', 'cr2', ?) ON CONFLICT (trial_id) DO UPDATE SET effect_size = 'hedges', se_type = 'cr2'").run(now.toISOString());
    const { fromR, report } = await runBoth(path.join(dir.dir, 'cr2'));
    expect((report.primary as unknown as { model: { se_type: string; effect_size: string } }).model).toMatchObject({ se_type: 'cr2', effect_size: 'hedges' });
    expect(compare(fromR, report)).toBeGreaterThan(10);
    expect(fs.readFileSync(path.join(dir.dir, 'cr2', 'analysis.R'), 'utf8')).toContain('model.matrix(f, d) * sqrt(d$pupils)');
  }, 180_000);

  it.skipIf(!rAvailable)('when local authorities were randomised, clustered by LA (la_code) as the report is, to 1e-8', async () => {
    // The demo's schools are all in one LA: spread them over six (school i in LA i mod 6) and mark the trial LA-randomised.
    const schools = db.prepare("SELECT urn, la_code FROM schools WHERE urn IN (SELECT urn FROM allocations WHERE trial_id = 'demo') ORDER BY urn").all() as Array<{ urn: number; la_code: string }>;
    for (let k = 1; k <= 5; k++) db.prepare('INSERT OR IGNORE INTO local_authorities (code, name) VALUES (?, ?)').run(`T0${k}`, `Test authority ${k}`);
    const move = db.prepare('UPDATE schools SET la_code = ? WHERE urn = ?');
    schools.forEach((s, i) => { if (i % 6) move.run(`T0${i % 6}`, s.urn); });
    db.prepare("UPDATE trials SET unit = 'local_authority' WHERE id = 'demo'").run();
    db.prepare("UPDATE report_settings SET se_type = 'auto' WHERE trial_id = 'demo'").run();
    try {
      const { fromR, report } = await runBoth(path.join(dir.dir, 'la'));
      const las = (db.prepare("SELECT count(DISTINCT s.la_code) AS n FROM schools s JOIN allocations a ON a.urn = s.urn AND a.trial_id = 'demo'").get() as { n: number }).n;
      expect((report.primary as unknown as { model: { cluster: string; se_type: string } }).model).toMatchObject({ cluster: 'la', se_type: 'cr2' });
      expect(report.primary!.clusters).toBeGreaterThan(1);
      expect(report.primary!.clusters).toBeLessThanOrEqual(las);
      expect(compare(fromR, report)).toBeGreaterThan(10);
      expect(fs.readFileSync(path.join(dir.dir, 'la', 'analysis.R'), 'utf8')).toContain('cluster = "la_code"');
    } finally {
      db.prepare("UPDATE trials SET unit = 'school' WHERE id = 'demo'").run();
      for (const s of schools) move.run(s.la_code, s.urn);
    }
  }, 180_000);
});
