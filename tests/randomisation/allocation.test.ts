// The allocation can always be seen, checked and brought in (issue 11): dslkit allocation writes the stored allocation as the file randomise --verify reads with its input beside it; the staff page lists schools by arm with a CSV download (audited); every balance preview is audited with its seed and the lock says how many preceded it; an allocation made elsewhere is imported with its provenance, all or nothing, errors naming file, line and column, a re-import changing nothing, and the report's design table says it was imported.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../server/cli';
import { captureIo, tempDir } from '../helpers/temp';
import { openDatabase } from '../../server/storage/db';
import { readAudit } from '../../server/storage/audit-repo';
import { loadReportData } from '../../server/storage/report-data-repo';
import { buildArmComparison } from '../../reports/view-models/arm-comparison';
import { staffFixture, signIn, request, type StaffFixture, type Signed } from '../staff/fixture';
import { createTrial } from '../../server/storage/trial-repo';
import { enrolSchools } from '../../server/storage/school-repo';

const sample = path.join(__dirname, '../fixtures/randomisation/schools-gias-sample.csv');
const clock = () => new Date('2026-03-02T09:00:00Z');
let dir: ReturnType<typeof tempDir>;
let dbFile: string;
beforeEach(() => { dir = tempDir(); dbFile = path.join(dir.dir, 'a.db'); });
afterEach(() => dir.cleanup());

async function cli(...args: string[]) {
  const c = captureIo();
  const code = await runCli(args, c.io, { DSLKIT_DB: dbFile, DSLKIT_SECRET_FILE: path.join(dir.dir, 'secret.key') }, clock);
  return { code, out: c.out(), err: c.err() };
}
const sampleUrns = () => fs.readFileSync(sample, 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[0]));

describe('dslkit allocation', () => {
  it('writes the allocation of a trial randomised without --out, with its input beside it, and --verify re-derives it', async () => {
    await cli('trial', 'create', '--id', 't1', '--title', 'T1');
    await cli('import', 'schools', sample, '--trial', 't1');
    expect((await cli('randomise', '--trial', 't1', '--seed', '3837398', '--method', 'niesr-fsm-median')).code).toBe(0);
    const out = path.join(dir.dir, 'alloc.csv');
    const r = await cli('allocation', '--trial', 't1', '--out', out);
    expect(r.code).toBe(0);
    expect(r.err).toContain('200 schools (100 intervention, 100 control)');
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^# dslkit-allocation \{"algorithm":"dslkit-randomise\/[^"]+","method":"niesr-fsm-median","seed":3837398,"idColumn":"URN"/);
    expect(fs.statSync(out).mode & 0o777).toBe(0o600);
    const verify = await cli('randomise', '--verify', out, path.join(dir.dir, 'alloc.input.csv'));
    expect(verify).toMatchObject({ code: 0 });
    expect(verify.out).toMatch(/^match: alloc\.csv re-derived exactly from alloc\.input\.csv \(200 schools, niesr-fsm-median, seed 3837398/);
    // stdout without --out; both audited
    expect((await cli('allocation', '--trial', 't1')).out).toBe(fs.readFileSync(out, 'utf8'));
    const db = openDatabase(dbFile);
    expect(readAudit(db, { trialId: 't1', limit: 10 }).filter((e) => e.action === 'allocation.export')).toHaveLength(2);
    db.close();
    expect((await cli('allocation', '--trial', 'nosuch')).code).toBe(1);
  });

  it('refuses before randomisation with one line', async () => {
    await cli('trial', 'create', '--id', 't2', '--title', 'T2');
    const r = await cli('allocation', '--trial', 't2');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/trial "t2" has not been randomised yet/);
  });
});

describe('dslkit allocation import (an allocation made elsewhere)', () => {
  const provenance = ['--method', 'blocked by median pnumfsmever, alternating within blocks (Appendix D)', '--seed', '3837398', '--software', 'Stata 16.1', '--date', '2019-09-20'];
  it('names the file, line and column of every bad row and stores nothing', async () => {
    await cli('trial', 'create', '--id', 'imp', '--title', 'Imported');
    await cli('import', 'schools', sample, '--trial', 'imp');
    const urns = sampleUrns();
    const lines = ['URN,T,fsmblock', ...urns.map((u, i) => `${u},${i % 2},${i < 100 ? 1 : 2}`)];
    lines[3] = `${urns[2]},2,1`;
    lines[5] = `abc,1,1`;
    lines[7] = `${urns[0]},0,1`;
    const bad = path.join(dir.dir, 'stata-bad.csv');
    fs.writeFileSync(bad, `${lines.join('\n')}\n`);
    const r = await cli('allocation', 'import', '--trial', 'imp', '--file', bad, ...provenance);
    expect(r.code).toBe(1);
    expect(r.err).toContain('stata-bad.csv: line 4: T "2" is not an arm (use 1 or intervention, 0 or control)');
    expect(r.err).toContain('stata-bad.csv: line 6: URN "abc" is not a URN (a positive whole number)');
    expect(r.err).toContain(`stata-bad.csv: line 8: URN ${urns[0]} also appears on line 2`);
    const db = openDatabase(dbFile);
    expect(db.prepare("SELECT count(*) AS n FROM allocations WHERE trial_id = 'imp'").get()).toEqual({ n: 0 });
    expect(db.prepare("SELECT status FROM trials WHERE id = 'imp'").get()).toEqual({ status: 'setup' });
    db.close();
    // a file that leaves out an enrolled school
    const short = path.join(dir.dir, 'short.csv');
    fs.writeFileSync(short, `URN,arm\n${urns.slice(1).map((u, i) => `${u},${i % 2 ? 'intervention' : 'control'}`).join('\n')}\n`);
    expect((await cli('allocation', 'import', '--trial', 'imp', '--file', short, ...provenance)).err).toMatch(new RegExp(`short\\.csv: 1 enrolled school is not in the file \\(URN ${urns[0]}\\)`));
    // provenance is required
    expect((await cli('allocation', 'import', '--trial', 'imp', '--file', short, '--seed', 'x')).err).toMatch(/--method|say how the allocation was made/);
  });

  it('imports with provenance, a re-import changes nothing, and the report says it was imported', async () => {
    await cli('trial', 'create', '--id', 'imp', '--title', 'Imported');
    await cli('import', 'schools', sample, '--trial', 'imp');
    const urns = sampleUrns();
    const good = path.join(dir.dir, 'stata.csv');
    fs.writeFileSync(good, `URN,T,fsmblock\n${urns.map((u, i) => `${u},${i % 2},${i < 100 ? 1 : 2}`).join('\n')}\n`);
    const r = await cli('allocation', 'import', '--trial', 'imp', '--file', good, ...provenance);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^imported the allocation of imp from stata\.csv: 200 schools \(100 intervention, 100 control\), file SHA-256 [0-9a-f]{64}; the trial is now randomised/);
    const db = openDatabase(dbFile);
    const dump = () => [db.prepare("SELECT * FROM allocations WHERE trial_id = 'imp' ORDER BY urn").all(), db.prepare("SELECT * FROM randomisations WHERE trial_id = 'imp'").all()];
    const before = dump();
    expect(db.prepare("SELECT method, algorithm_version, seed, created_at FROM randomisations WHERE trial_id = 'imp'").get())
      .toEqual({ method: 'imported: blocked by median pnumfsmever, alternating within blocks (Appendix D)', algorithm_version: 'Stata 16.1', seed: 3837398, created_at: '2019-09-20T00:00:00.000Z' });
    const again = await cli('allocation', 'import', '--trial', 'imp', '--file', good, ...provenance);
    expect(again).toMatchObject({ code: 0, out: 'imp already has this allocation (same file and provenance): nothing changed\n' });
    expect(dump()).toEqual(before);
    const other = path.join(dir.dir, 'other.csv');
    fs.writeFileSync(other, `URN,T\n${urns.map((u, i) => `${u},${(i + 1) % 2}`).join('\n')}\n`);
    expect((await cli('allocation', 'import', '--trial', 'imp', '--file', other, ...provenance)).err).toMatch(/already has its allocation .* never replaced/);
    expect(dump()).toEqual(before);
    expect(readAudit(db, { trialId: 'imp', limit: 20 }).filter((e) => e.action === 'allocation.import')).toHaveLength(1);
    const design = buildArmComparison(loadReportData(db, 'imp'), clock()).design.find((d) => d.label === 'Allocation source')!.value;
    expect(design).toMatch(/^Imported: allocation made outside dslkit \(blocked by median pnumfsmever, alternating within blocks \(Appendix D\)\) with Stata 16\.1, seed 3837398, on 20 September 2019; allocation file “stata\.csv”, SHA-256 [0-9a-f]{12}…$/);
    const written = (await cli('allocation', '--trial', 'imp')).out;
    expect(written.split('\n')[0]).toMatch(/^# dslkit-imported-allocation \{"imported":true,"method":"blocked by median pnumfsmever/);
    expect(written.split('\n')[1]).toBe('URN,stratum,arm');
    db.close();
  });
});

describe('the staff allocation page and seed shopping made visible', () => {
  let f: StaffFixture;
  let ev: Signed;
  let sup: Signed;
  beforeAll(async () => {
    f = await staffFixture();
    ev = await signIn(f, 'evaluator');
    sup = await signIn(f, 'supervisor');
    createTrial(f.server.deps.db, { id: 't3', title: 'Trial three', createdAt: f.now.t.toISOString() });
    enrolSchools(f.server.deps.db, 't3', [100001, 100002, 100003, 100004]);
  }, 60_000);
  afterAll(async () => { await f.close(); });

  it('audits every preview with its seed; the lock and the report say how many previews preceded it', async () => {
    for (const seed of [5, 6, 7]) expect((await request(f, ev, 'get', `/staff/trials/t3/randomise?seed=${seed}&method=stratified`)).status).toBe(200);
    const previews = readAudit(f.server.deps.db, { trialId: 't3', limit: 10 }).filter((e) => e.action === 'randomise.preview');
    expect(previews.map((e) => (e.detail as { seed: number }).seed).sort()).toEqual([5, 6, 7]);
    const lock = await request(f, ev, 'post', '/staff/trials/t3/randomise', { seed: '7', method: 'stratified', confirm: 'yes' });
    expect(lock.status).toBe(303);
    const locked = await (await request(f, ev, 'get', '/staff/trials/t3/randomise')).text();
    expect(locked).toContain('after 3 balance previews (seeds 5, 6, 7)');
    const audit = readAudit(f.server.deps.db, { trialId: 't3', limit: 10 }).find((e) => e.action === 'randomise')!;
    expect((audit.detail as { previews: number }).previews).toBe(3);
    const design = buildArmComparison(loadReportData(f.server.deps.db, 't3'), f.now.t).design.find((d) => d.label === 'Allocation source')!.value;
    expect(design).toContain('3 balance previews (audited with their seeds) before it was locked');
  });

  it('lists schools by arm with a CSV download, both audited; evaluators only', async () => {
    const page = await request(f, ev, 'get', '/staff/trials/t3/allocation');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toMatch(/Intervention arm: 2 schools/);
    expect(html).toMatch(/Control arm: 2 schools/);
    expect(html).toContain('Balance previews before it was locked');
    const csv = await request(f, ev, 'get', '/staff/trials/t3/allocation.csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toContain('t3-allocation.csv');
    const text = await csv.text();
    expect(text.split('\n')[1]).toBe('URN,stratum,draw,arm');
    expect(text.trim().split('\n')).toHaveLength(6);
    const actions = readAudit(f.server.deps.db, { trialId: 't3', limit: 20 }).map((e) => e.action);
    expect(actions).toContain('allocation.view');
    expect(actions).toContain('allocation.export');
    expect((await request(f, sup, 'get', '/staff/trials/t3/allocation')).status).toBe(403);
    expect((await request(f, sup, 'get', '/staff/trials/t3/allocation.csv')).status).toBe(403);
    // before randomisation: a plain 404 page, not a crash
    expect((await request(f, ev, 'get', '/staff/trials/t2/allocation')).status).toBe(404);
  });
});
