// A DSL's withdrawal and erasure as one action, through `dslkit erase` and the evaluator's form: personal data gone, audit without it, links closed, exports and report data follow.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../server/cli';
import { captureIo } from '../helpers/temp';
import { createWave } from '../../server/storage/wave-repo';
import { loadReportData } from '../../server/storage/report-data-repo';
import { buildReportView } from '../../reports/render';
import { parseCsv } from '../../server/domain/csv';
import { dataFixture, dumpDatabase, type DataFixture } from './data-fixture';
import { request, signIn, type Signed } from './fixture';

type Via = 'cli' | 'http';

async function act(f: DataFixture, ev: Signed, via: Via, dsl: string, mode: 'erase' | 'withdraw'): Promise<string> {
  if (via === 'cli') {
    const c = captureIo();
    const code = await runCli(['erase', '--db', f.server.deps.db.name, '--trial', 't1', '--dsl', dsl, ...(mode === 'withdraw' ? ['--withdraw-only'] : [])], c.io, {}, () => f.now.t);
    expect(c.err()).toBe('');
    expect(code).toBe(0);
    return c.out();
  }
  const res = await request(f, ev, 'post', `/staff/trials/t1/dsls/${dsl}/erase`, { mode });
  expect(res.status).toBe(200);
  return res.text();
}

const count = (f: DataFixture, sql: string, ...args: unknown[]) => (f.server.deps.db.prepare(sql).get(...args) as { n: number }).n;

async function exportFile(f: DataFixture, ev: Signed, file: string): Promise<string> {
  const res = await request(f, ev, 'get', `/staff/trials/t1/exports/${file}`);
  expect(res.status).toBe(200);
  return res.text();
}

for (const via of ['cli', 'http'] as const) {
  describe(`erasure and withdrawal via ${via === 'cli' ? 'dslkit erase' : 'the staff form'}`, () => {
    let f: DataFixture;
    let ev: Signed;
    beforeAll(async () => { f = await dataFixture(); ev = await signIn(f, 'evaluator'); }, 60_000);
    afterAll(async () => { await f.close(); });

    it('before: the fixture really holds personal data, answers, snapshots, scores, attendance and links for dsl-aaaa', async () => {
      const dump = dumpDatabase(f);
      for (const s of f.personal['dsl-aaaa']) expect(dump).toContain(s);
      expect(count(f, 'SELECT count(*) AS n FROM responses WHERE dsl_id = ?', 'dsl-aaaa')).toBe(3); // baseline, midpoint, supervision record
      expect(count(f, 'SELECT count(*) AS n FROM response_snapshots WHERE response_id IN (SELECT id FROM responses WHERE dsl_id = ?)', 'dsl-aaaa')).toBe(5); // 2 progress + submit, midpoint import, record
      expect(count(f, 'SELECT count(*) AS n FROM scores WHERE response_id IN (SELECT id FROM responses WHERE dsl_id = ?)', 'dsl-aaaa')).toBe(5); // PSS-10 total + 4 ONS4 scales
      expect(count(f, 'SELECT count(*) AS n FROM supervision_attendees WHERE dsl_id = ?', 'dsl-aaaa')).toBe(1);
      expect(count(f, 'SELECT count(*) AS n FROM invitations WHERE dsl_id = ?', 'dsl-aaaa')).toBe(2);
      expect((await fetch(`${f.server.url}/api/s/${f.tokens.baseline['dsl-aaaa']}`)).status).toBe(200);
      expect(await exportFile(f, ev, 'dsls_wide.csv')).toContain('dsl-aaaa');
      expect(await exportFile(f, ev, 'items_long.csv')).toContain('dsl-aaaa');
    });

    it('erase: everything personal about the DSL is gone, the pseudonymous id stays as "erased"', async () => {
      const out = await act(f, ev, via, 'dsl-aaaa', 'erase');
      // 1 contact, 3 responses, 5 snapshots, 5 scores, 1 attendance, 2 invitations: the counts checked in the test above
      expect(out).toMatch(/1 contact.*3 responses.*5 (answer )?snapshots.*5 scores.*1 (supervision )?attendances.*2 invitations/s);
      const dump = dumpDatabase(f);
      for (const s of f.personal['dsl-aaaa']) expect(dump).not.toContain(s);
      for (const t of ['dsl_contacts', 'supervision_attendees', 'invitations', 'responses']) expect(count(f, `SELECT count(*) AS n FROM ${t} WHERE dsl_id = ?`, 'dsl-aaaa')).toBe(0);
      expect(count(f, 'SELECT count(*) AS n FROM response_snapshots WHERE response_id NOT IN (SELECT id FROM responses)')).toBe(0);
      expect(count(f, 'SELECT count(*) AS n FROM scores WHERE response_id NOT IN (SELECT id FROM responses)')).toBe(0);
      expect(f.server.deps.db.prepare('SELECT status, role, withdrawn_at FROM dsls WHERE id = ?').get('dsl-aaaa')).toEqual({ status: 'erased', role: null, withdrawn_at: f.now.t.toISOString() });
      // The other DSLs are untouched
      for (const s of [...f.personal['dsl-bbbb'], ...f.personal['dsl-cccc']]) expect(dump).toContain(s);
      expect(count(f, "SELECT count(*) AS n FROM responses WHERE dsl_id IN ('dsl-bbbb', 'dsl-cccc')")).toBe(3); // bbbb baseline, cccc baseline and midpoint
    });

    it('erase: the audit entry says who and when, with counts only (no name, email or answers)', () => {
      const row = f.server.deps.db.prepare("SELECT * FROM audit_log WHERE action = 'dsl.erase'").get() as { actor: string; at: string; trial_id: string; detail: string };
      expect(row.actor).toMatch(via === 'cli' ? /^cli:/ : /^user:\d+$/);
      expect(row.at).toBe(f.now.t.toISOString());
      expect(row.trial_id).toBe('t1');
      const detail = JSON.parse(row.detail) as { dslId: string; deleted: Record<string, number> };
      expect(detail.dslId).toBe('dsl-aaaa');
      expect(detail.deleted).toEqual({ contacts: 1, responses: 3, snapshots: 5, scores: 5, attendances: 1, invitations: 2 });
      const allAudit = JSON.stringify(f.server.deps.db.prepare('SELECT * FROM audit_log').all());
      for (const s of [...f.personal['dsl-aaaa'], 'pss10_0', 'ons4_0']) expect(allAudit).not.toContain(s);
    });

    it('erase: the old links no longer open a survey, and erasing again is refused', async () => {
      expect((await fetch(`${f.server.url}/api/s/${f.tokens.baseline['dsl-aaaa']}`)).status).toBe(404); // the invitation row is gone with the rest
      if (via === 'cli') {
        const c = captureIo();
        expect(await runCli(['erase', '--db', f.server.deps.db.name, '--trial', 't1', '--dsl', 'dsl-aaaa'], c.io, {}, () => f.now.t)).toBe(1);
        expect(c.err()).toMatch(/already been erased/);
      } else {
        expect((await request(f, ev, 'post', '/staff/trials/t1/dsls/dsl-aaaa/erase', { mode: 'erase' })).status).toBe(409);
      }
    });

    it('withdraw only: answers kept, links answer 410, no new invitation', async () => {
      const out = await act(f, ev, via, 'dsl-bbbb', 'withdraw');
      expect(out).toMatch(/2 invitation links/); // baseline and midpoint
      expect(f.server.deps.db.prepare('SELECT status FROM dsls WHERE id = ?').get('dsl-bbbb')).toEqual({ status: 'withdrawn' });
      expect(count(f, 'SELECT count(*) AS n FROM responses WHERE dsl_id = ?', 'dsl-bbbb')).toBe(1);
      expect(count(f, 'SELECT count(*) AS n FROM scores WHERE response_id IN (SELECT id FROM responses WHERE dsl_id = ?)', 'dsl-bbbb')).toBe(1);
      for (const wave of ['baseline', 'midpoint'] as const) { // the baseline link was used, the midpoint one not
        const token = f.tokens[wave]['dsl-bbbb'];
        expect((await fetch(`${f.server.url}/api/s/${token}`)).status).toBe(410);
        const page = await fetch(`${f.server.url}/s/${token}`);
        expect(page.status).toBe(410);
        expect(await page.text()).toContain('This survey has closed');
      }
      // a later wave: the mail merge has no link for the withdrawn (or erased) DSL, and no invitation row is created
      const endline = createWave(f.server.deps.db, { trialId: 't1', name: 'endline', opensAt: '2026-03-01', closesAt: '2026-06-01', instruments: ['pss10@1'] });
      expect((await request(f, ev, 'post', `/staff/trials/t1/waves/${endline.id}/invitations`)).status).toBe(303);
      const res = await request(f, ev, 'get', `/staff/trials/t1/waves/${endline.id}/invitations.csv`);
      expect(res.status).toBe(200);
      const csv = parseCsv(await res.text(), 'invitations.csv');
      expect(csv.rows.map((r) => r.values.dsl_id)).toEqual(['dsl-cccc']);
      expect(count(f, 'SELECT count(*) AS n FROM invitations WHERE wave_id = ?', endline.id)).toBe(1);
      const audit = f.server.deps.db.prepare("SELECT detail FROM audit_log WHERE action = 'dsl.withdraw'").get() as { detail: string };
      expect(audit.detail).not.toMatch(/Bob|bob@/);
    });

    it('exports: the erased DSL is in no file of the bundle; the withdrawn DSL\'s answers stay', async () => {
      const items = parseCsv(await exportFile(f, ev, 'items_long.csv'), 'items_long.csv');
      const wide = parseCsv(await exportFile(f, ev, 'dsls_wide.csv'), 'dsls_wide.csv');
      // baseline PSS-10 items of bbbb and cccc (10 each) + midpoint ONS4 items of cccc (4)
      expect(items.rows.filter((r) => /^(pss10|ons4)@1$/.test(r.values.instrument)).length).toBe(24);
      expect(new Set(items.rows.map((r) => r.values.dsl_id))).toEqual(new Set(['dsl-bbbb', 'dsl-cccc']));
      expect(wide.rows.map((r) => `${r.values.dsl_id}/${r.values.status}`)).toEqual(['dsl-bbbb/withdrawn', 'dsl-cccc/active']);
      expect(wide.rows[0].values.pss10_total_bl).not.toBe(''); // the withdrawn DSL's answers stay
      for (const file of ['schools.csv', 'dsls_wide.csv', 'items_long.csv', 'sessions.csv', 'codebook.csv', 'codebook.md', 'load.R', 'load.do', 'analysis.R']) expect(await exportFile(f, ev, file)).not.toContain('dsl-aaaa');
    });

    it('fieldwork and reminders: the withdrawn and erased DSLs are not counted as invited nor listed for reminders', async () => {
      const html = await (await request(f, ev, 'get', `/staff/trials/t1/fieldwork/${f.ids.wave}/reminders`)).text();
      expect(html).not.toContain('Bob Best');
      expect(html).not.toContain('Ann Able');
    });

    it('report data: the erased DSL stays randomised (pseudonymous id) but has no responses or scores; the withdrawn DSL keeps its answers', () => {
      const data = loadReportData(f.server.deps.db, 't1');
      expect(data.dsls.map((d) => [d.id, d.status])).toEqual([['dsl-aaaa', 'erased'], ['dsl-bbbb', 'withdrawn'], ['dsl-cccc', 'active']]);
      expect(data.scores.some((s) => s.dslId === 'dsl-aaaa')).toBe(false);
      expect(data.waveResponses.some((r) => r.dslId === 'dsl-aaaa')).toBe(false);
      expect(data.sessions.flatMap((s) => s.attendees).some((a) => a.dslId === 'dsl-aaaa')).toBe(false);
      expect(data.scores.filter((s) => s.dslId === 'dsl-bbbb').length).toBe(1);
      // CONSORT (arm-comparison report): 4 schools and all 3 DSLs were randomised; erasure must not shrink the denominator
      const view = buildReportView(data, 'arm-comparison', f.now.t) as { consort: { rows: Array<{ stage: string; all: string }> } };
      expect(view.consort.rows.find((r) => r.stage === 'Randomised')?.all).toBe('4 schools, 3 DSLs');
      // and the withdrawn (dsl-bbbb) and erased (dsl-aaaa) DSLs are counted in the Withdrew row of their arms
      const withdrew = view.consort.rows.find((r) => r.stage === 'Withdrew') as { intervention: string; control: string } | undefined;
      const dslsWithdrawn = (label: string | undefined) => Number(/(\d+) DSLs?$/.exec(label ?? '')?.[1]);
      expect(dslsWithdrawn(withdrew?.intervention) + dslsWithdrawn(withdrew?.control)).toBe(2);
    });
  });
}
