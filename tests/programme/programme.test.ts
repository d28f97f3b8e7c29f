// The programme outside a trial (seed 004, Essex: £1,500 for 10 two-hour sessions, shareable by up to 4 settings):
// CLI set-up, sessions delivered vs bought, cost per setting and per DSL, paired wellbeing change with the no-control caveat.
import fs from 'node:fs';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { captureIo, tempDb, tempDir } from '../helpers/temp';
import { runCli } from '../../server/cli';
import { upsertSchools } from '../../server/storage/school-repo';
import { insertDsl } from '../../server/storage/dsl-repo';
import { logSession } from '../../server/storage/supervision-repo';
import { createWave } from '../../server/storage/wave-repo';
import { loadProgrammeFacts } from '../../server/storage/programme-repo';
import { yearEndReport, packageProblems, parsePounds } from '../../server/domain/programme/year-end';
import { meanWithCi } from '../../server/domain/dashboards/mean-ci';
import { readAudit } from '../../server/storage/audit-repo';
import { insertDemoForm } from '../../server/storage/demo-repo';
import type { Db } from '../../server/storage/db';

const t = tempDb();
const dir = tempDir('dslkit-programme-');
const clock = () => new Date('2025-07-25T10:00:00Z');
const cli = async (...args: string[]) => { const io = captureIo(); const code = await runCli([...args, '--db', t.file], io.io, {}, clock); return { code, out: io.out(), err: io.err() }; };

// 14 DSLs over 6 settings; 12 answer SWEMWBS at both start and end; 9 answer the confidence scale at both.
const dslsPerSetting: Record<number, number> = { 881001: 3, 881002: 2, 881003: 2, 881004: 2, 881005: 3, 881006: 2 };
const start = [20.73, 22.35, 19.98, 23.21, 24.11, 21.54, 18.59, 25.03, 22.35, 20.73, 23.21, 19.25];
const end = [22.35, 23.21, 19.98, 25.03, 24.11, 23.21, 19.98, 26.02, 22.35, 21.54, 24.11, 20.73];

function seedPeople(db: Db): string[] {
  db.prepare("INSERT INTO local_authorities (code, name) VALUES ('881', 'Essex')").run();
  upsertSchools(db, Object.keys(dslsPerSetting).map((u) => ({ urn: Number(u), name: `Setting ${u}`, laCode: '881', laName: 'Essex', type: 'Academy', phase: 'Primary', pupils: 300, fsmPercent: 20, urbanRural: null, ofstedRating: null })), { synthetic: true });
  return [];
}

function seedYear(db: Db): void {
  const ids: string[] = [];
  for (const [urn, n] of Object.entries(dslsPerSetting)) for (let k = 0; k < n; k++) {
    const id = `dsl-${urn}-${k}`;
    insertDsl(db, { id, trialId: 'essex-2425', urn: Number(urn), role: null, name: `Person ${id}`, email: `${id}@example.org`, createdAt: '2024-09-02T09:00:00Z' });
    ids.push(id);
  }
  const at = '2025-07-20T10:00:00Z';
  // Package A (881001-881004): 7 group sessions of 2 hours and one of 90 minutes; B (881005): 10 sessions; C (881006): 3.
  for (let k = 0; k < 8; k++) logSession(db, { trialId: 'essex-2425', supervisorUserId: null, kind: 'formal', mode: 'online', heldOn: '2025-01-10', durationMinutes: k === 7 ? 90 : 120, dslIds: ['dsl-881001-0', 'dsl-881002-0', 'dsl-881004-1'], at, actor: 'test' });
  for (let k = 0; k < 10; k++) logSession(db, { trialId: 'essex-2425', supervisorUserId: null, kind: 'formal', mode: 'face_to_face', heldOn: '2025-02-10', durationMinutes: 120, dslIds: ['dsl-881005-0'], at, actor: 'test' });
  for (let k = 0; k < 3; k++) logSession(db, { trialId: 'essex-2425', supervisorUserId: null, kind: 'formal', mode: 'phone', heldOn: '2025-03-10', durationMinutes: 120, dslIds: ['dsl-881006-0', 'dsl-881006-1'], at, actor: 'test' });
  const b = createWave(db, { trialId: 'essex-2425', name: 'baseline', opensAt: '2024-09-01', closesAt: '2024-10-01', instruments: ['swemwbs@1', 'dsl-confidence@1'] });
  const e = createWave(db, { trialId: 'essex-2425', name: 'endline', opensAt: '2025-06-01', closesAt: '2025-07-15', instruments: ['swemwbs@1', 'dsl-confidence@1'] });
  const resp = db.prepare("INSERT INTO responses (dsl_id, wave_id, instruments, status, started_at, updated_at, submitted_at) VALUES (?, ?, '[]', 'complete', ?, ?, ?)");
  const score = db.prepare('INSERT INTO scores (response_id, instrument, scale, value, computed_at) VALUES (?, ?, ?, ?, ?)');
  ids.forEach((id, i) => {
    for (const [wave, values] of [[b.id, start], [e.id, end]] as Array<[number, number[]]>) {
      if (i >= 12 && wave === e.id) continue; // DSLs 13 and 14 answer only at the start
      const rid = Number(resp.run(id, wave, at, at, at).lastInsertRowid);
      score.run(rid, 'swemwbs@1', 'metric', i < 12 ? values[i] : 21, at);
      if (i < 9) score.run(rid, 'dsl-confidence@1', 'mean', wave === b.id ? 3 : 3.5, at);
    }
  });
}

beforeAll(() => { seedPeople(t.db); });
afterAll(() => { t.cleanup(); dir.cleanup(); });

describe('dslkit programme set-up', () => {
  it('creates a programme (a trial of kind programme, no arms) and adds packages; audited', async () => {
    expect((await cli('programme', 'create', '--id', 'essex-2425', '--title', 'Essex DSL supervision 2024/25', '--la', '881', '--year', '2024/25')).code).toBe(0);
    const kind = t.db.prepare("SELECT kind FROM trials WHERE id = 'essex-2425'").get() as { kind: string };
    expect(kind.kind).toBe('programme');
    const shared = await cli('programme', 'package', 'add', '--programme', 'essex-2425', '--name', 'Shared A', '--urn', '881001', '--urn', '881002', '--urn', '881003', '--urn', '881004');
    expect(shared.out).toContain('£1,500.00 shared by 4 settings');
    expect((await cli('programme', 'package', 'add', '--programme', 'essex-2425', '--name', 'B', '--urn', '881005')).code).toBe(0);
    expect((await cli('programme', 'package', 'add', '--programme', 'essex-2425', '--name', 'C', '--urn', '881006', '--price', '1,500.00')).code).toBe(0);
    expect(readAudit(t.db, { trialId: 'essex-2425' }).map((a) => a.action).sort()).toEqual(['programme.create', 'programme.package.add', 'programme.package.add', 'programme.package.add']);
  });

  it('refuses a package shared by more than four settings, a bad price and an unknown school, in one sentence each', async () => {
    const five = await cli('programme', 'package', 'add', '--programme', 'essex-2425', '--name', 'Too many', '--urn', '881001', '--urn', '881002', '--urn', '881003', '--urn', '881004', '--urn', '881005');
    expect(five.code).toBe(1);
    expect(five.err).toContain('this package can be shared by at most 4 settings, but 5 were given');
    const price = await cli('programme', 'package', 'add', '--programme', 'essex-2425', '--urn', '881001', '--price', 'lots');
    expect(price.code).toBe(2);
    expect(price.err).toContain('--price "lots" must be an amount in pounds');
    const unknown = await cli('programme', 'package', 'add', '--programme', 'essex-2425', '--name', 'X', '--urn', '123');
    expect(unknown.err).toContain('there is no school with URN 123');
    expect((await cli('programme', 'create', '--id', 'x', '--title', 'X', '--la', '881', '--year', '2024/26')).err).toContain('must be written like 2024/25');
    expect(packageProblems({ name: 'ok', pricePence: 150000, sessionsIncluded: 10, sessionMinutes: 120, maxSettings: 4, urns: [1, 1] })).toContain('a setting is listed twice');
    expect(parsePounds('£1,500')).toBe(150000);
  });
});

describe('the year-end report', () => {
  beforeAll(() => seedYear(t.db));

  it('counts sessions delivered against bought, and costs per setting and per DSL', () => {
    const r = yearEndReport(loadProgrammeFacts(t.db, 'essex-2425'));
    // 3 packages × 10 sessions bought; 8 + 10 + 3 logged.
    expect(r.totals.sessionsBought).toBe(30);
    expect(r.totals.sessionsDelivered).toBe(21);
    expect(r.packages.map((p) => [p.name, p.sessionsDelivered, p.hoursDelivered])).toEqual([['Shared A', 8, 15.5], ['B', 10, 20], ['C', 3, 6]]); // 7×2 h + 1.5 h
    expect(r.totals.pricePence).toBe(450000);
    expect(r.totals.costPerSettingPence).toBe(75000); // £4,500 / 6 settings
    expect(r.totals.costPerDslPence).toBe(32143); // £4,500 / 14 DSLs = £321.428…
    const a1 = r.settings.find((s) => s.urn === 881001)!;
    expect([a1.costPence, a1.dsls, a1.costPerDslPence, a1.sessionsAttended]).toEqual([37500, 3, 12500, 8]); // £1,500 / 4 settings, / 3 DSLs
    const s3 = r.settings.find((s) => s.urn === 881003)!;
    expect(s3.sessionsAttended).toBe(0);
  });

  it('reports paired change with a 95% CI for 12 pairs and hides it for 9', () => {
    const r = yearEndReport(loadProgrammeFacts(t.db, 'essex-2425'));
    const wb = r.change.find((c) => c.label.startsWith('Mental wellbeing (SWEMWBS)'))!;
    expect(wb.pairs).toBe(12);
    if (wb.change.hidden) throw new Error('the 12-pair change should be shown');
    // R 4: b <- c(20.73, ...); e <- c(22.35, ...); mean(b), mean(e), t.test(e - b)$estimate and $conf.int
    expect(wb.change.value.start).toBeCloseTo(21.756666666666668, 10);
    expect(wb.change.value.end).toBeCloseTo(22.718333333333334, 10);
    expect(wb.change.value.diff.mean).toBeCloseTo(0.961666666666667, 10);
    expect(wb.change.value.diff.lower).toBeCloseTo(0.536035075826975, 10);
    expect(wb.change.value.diff.upper).toBeCloseTo(1.387298257506358, 10);
    const conf = r.change.find((c) => c.label === 'Confidence in the DSL role')!;
    expect(conf.pairs).toBe(9);
    expect(conf.change).toEqual({ hidden: true, reason: 'few-respondents' });
  });

  it('summarises DSL feedback in numbers only: forms, hours (latest form per DSL, hidden under 10 DSLs), answers per question', () => {
    const form = (dslId: string, hours: number, at: string, extra: Record<string, unknown> = {}) =>
      insertDemoForm(t.db, { trialId: 'essex-2425', dslId, instrument: 'dsl-evaluation@1', answers: { dsl_evaluation_hours: hours, ...extra }, at });
    const ids = Object.entries(dslsPerSetting).flatMap(([urn, n]) => Array.from({ length: n }, (_, k) => `dsl-${urn}-${k}`));
    // 9 DSLs first: too few for the hours to be shown
    ids.slice(0, 9).forEach((id, i) => form(id, 10 + i, '2025-07-01T09:00:00Z', i === 0 ? { dsl_evaluation_better: 'FREE-TEXT <b>never shown</b>' } : {}));
    const few = yearEndReport(loadProgrammeFacts(t.db, 'essex-2425')).feedback;
    expect([few.forms, few.dsls]).toEqual([9, 9]);
    expect(few.hours).toEqual({ hidden: true, reason: 'few-respondents' });
    // a tenth DSL, and a second (later) form from the first DSL: its hours replace the earlier 10
    form(ids[9], 30, '2025-07-02T09:00:00Z');
    form(ids[0], 20, '2025-07-03T09:00:00Z', { dsl_evaluation_experience: 'FREE-TEXT helpful' });
    const r = yearEndReport(loadProgrammeFacts(t.db, 'essex-2425')).feedback;
    expect([r.forms, r.dsls]).toEqual([11, 10]);
    if (r.hours.hidden) throw new Error('hours from 10 DSLs should be shown');
    // hand: latest hours per DSL 20, 11..18, 30: sum 20 + 116 + 30 = 166, mean 16.6; sorted 11..18, 20, 30: median (15 + 16) / 2
    expect(r.hours.value).toEqual({ respondents: 10, mean: 16.6, median: 15.5 });
    expect(r.questions.find((q) => q.title.startsWith('Roughly how many hours'))?.respondents).toBe(11); // forms, not DSLs
    expect(r.questions.find((q) => q.title === 'What would have made supervision better?')?.respondents).toBe(1);
    expect(r.questions.find((q) => q.title === 'Something to acknowledge yourself for')?.respondents).toBe(0);
  });

  it('dslkit programme report writes one self-contained HTML file with the caveat first', async () => {
    const file = path.join(dir.dir, 'report.html');
    const res = await cli('programme', 'report', '--programme', 'essex-2425', '--out', file);
    expect(res.code).toBe(0);
    expect(res.out).toContain('21 of 30 sessions delivered');
    const html = fs.readFileSync(file, 'utf8');
    expect(html).not.toMatch(/<script|<link rel="stylesheet"/);
    expect(html).toContain('<style>');
    const caveatAt = html.indexOf('Change is not impact.');
    expect(caveatAt).toBeGreaterThan(0);
    expect(caveatAt).toBeLessThan(html.indexOf('Sessions delivered'));
    expect(html).toContain('21 of 30 bought (70%)');
    expect(html).toContain('£375.00');
    expect(html).toContain('+0.96');
    expect(html).toContain('0.54 to 1.39');
    expect(html).toContain('11 from 10 DSLs');
    expect(html).toContain('mean 16.6, median 15.5 (10 DSLs)');
    expect(html).not.toContain('FREE-TEXT'); // answer text never reaches the LA's report
  });
});

describe('meanWithCi', () => {
  it('matches R t.test', () => {
    // R 4: x <- c(3.2, 4.1, 2.8, 3.9, 4.4, 3.0, 3.6, 4.8, 2.5, 3.3); mean(x); t.test(x)$conf.int
    const m = meanWithCi([3.2, 4.1, 2.8, 3.9, 4.4, 3.0, 3.6, 4.8, 2.5, 3.3]);
    expect(m.mean).toBeCloseTo(3.56, 12);
    expect(m.lower).toBeCloseTo(3.03410589509098, 12);
    expect(m.upper).toBeCloseTo(4.08589410490902, 12);
  });
});
