// `dslkit report-inputs` run in-process: costs (47 settings sharing packages by 2) give the IPE report's per-setting and per-DSL figures; quotes, TIDieR files (JSON and Markdown), settings; usage and validation errors; audit.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../server/cli';
import { renderReport } from '../../server/reports/render-trial-report';
import { loadReportSettings } from '../../server/storage/report-data-repo';
import { captureIo, tempDb } from '../helpers/temp';

const t = tempDb();
const NOW = new Date('2026-03-01T10:00:00Z');
const clock = () => NOW;
let hostileResponse = 0;
const HOSTILE = '<script>alert(1)</script> & "quoted"';

/**
 * Trial "cost47": 50 schools allocated, 48 intervention (47 engaged: a DSL attended a session; 1 never engaged) and 2 control;
 * 60 engaged DSLs (one per engaged school plus a second DSL in the first 13 of them).
 */
function seedTrial(): void {
  const db = t.db;
  const at = NOW.toISOString();
  db.prepare("INSERT INTO local_authorities (code, name) VALUES ('350', 'Bolton')").run();
  db.prepare("INSERT INTO trials (id, title, unit, strata, status, sessions_intended, created_at) VALUES ('cost47', 'Costs trial', 'school', '[]', 'analysis', 3, ?)").run(at);
  const rid = Number(db.prepare(`INSERT INTO randomisations (trial_id, method, algorithm_version, seed, input_sha256, strata, created_at, created_by)
    VALUES ('cost47', 'simple', 'test/1', 1, ?, '[]', ?, 'test')`).run('0'.repeat(64), at).lastInsertRowid);
  const session = db.prepare("INSERT INTO supervision_sessions (trial_id, kind, mode, format, held_on, duration_minutes, created_at) VALUES ('cost47', 'formal', 'face_to_face', 'individual', '2025-10-01', 120, ?)");
  const attend = db.prepare('INSERT INTO supervision_attendees (session_id, dsl_id, urn) VALUES (?, ?, ?)');
  for (let i = 0; i < 50; i++) {
    const urn = 700000 + i;
    const arm = i < 48 ? 'intervention' : 'control';
    db.prepare("INSERT INTO schools (urn, name, la_code, phase, type, pupils, is_synthetic) VALUES (?, ?, '350', 'Primary', 'Community school', 200, 1)").run(urn, `School ${i}`);
    db.prepare("INSERT INTO trial_schools (trial_id, urn, status) VALUES ('cost47', ?, 'enrolled')").run(urn);
    db.prepare("INSERT INTO allocations (trial_id, urn, randomisation_id, stratum, draw, arm) VALUES ('cost47', ?, ?, 'all', 0.5, ?)").run(urn, rid, arm);
    const dsls = i < 13 ? [`dsl-c${i}a`, `dsl-c${i}b`] : [`dsl-c${i}a`];
    for (const d of dsls) {
      db.prepare("INSERT INTO dsls (id, trial_id, urn, role, status, created_at) VALUES (?, 'cost47', ?, 'headteacher', 'active', ?)").run(d, urn, at);
      if (i < 47) attend.run(Number(session.run(at).lastInsertRowid), d, urn);
    }
  }
  const form = (dslId: string, answers: Record<string, unknown>) => {
    const id = Number(db.prepare(`INSERT INTO responses (dsl_id, instruments, status, current_page, started_at, updated_at, submitted_at)
      VALUES (?, '["dsl-evaluation@1"]', 'complete', 0, ?, ?, ?)`).run(dslId, at, at, at).lastInsertRowid);
    db.prepare("INSERT INTO response_snapshots (response_id, kind, answers, page, saved_at) VALUES (?, 'import', ?, 0, ?)").run(id, JSON.stringify(answers), at);
    return id;
  };
  hostileResponse = form('dsl-c0a', { dsl_evaluation_hours: 5, dsl_evaluation_experience: HOSTILE });
  form('dsl-c1a', { dsl_evaluation_hours: 3, dsl_evaluation_experience: 'Steady and kind.' });
}

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const c = captureIo();
  const code = await runCli(['report-inputs', ...args, '--db', t.file], c.io, {}, clock);
  return { code, out: c.out(), err: c.err() };
}

const ipe = () => renderReport(t.db, { trialId: 'cost47', kind: 'ipe', clock });
const audit = (action: string) => t.db.prepare('SELECT actor, detail FROM audit_log WHERE action = ? ORDER BY id').all(action) as Array<{ actor: string; detail: string }>;

beforeAll(seedTrial);
afterAll(() => t.cleanup());

describe('costs', () => {
  it('47 settings sharing £1,500 packages by 2, plus £2,400 of training: per-setting and per-DSL figures', async () => {
    const a = await cli('cost', 'add', '--trial', 'cost47', '--item', 'Supervision package (10 two-hour sessions)', '--amount-pounds', '1500', '--basis', 'per-setting-per-year', '--shared-by', '2', '--note', 'per year');
    expect(a.err).toBe('');
    expect(a.code).toBe(0);
    expect(a.out).toMatch(/^Added cost \d+ to cost47: Supervision package \(10 two-hour sessions\), £1,500 per package shared by 2 settings\.\n$/);
    expect((await cli('cost', 'add', '--trial', 'cost47', '--item', 'Supervisor training', '--amount-pounds', '£2,400.00', '--basis', 'total')).code).toBe(0);
    const html = await ipe();
    // Hand-computed: 47 engaged settings / 2 per package = 23.5, rounded up to 24 packages x £1,500 = £36,000;
    // plus £2,400 training = £38,400 in all. Per setting: £38,400 / 47 = £817.0213 -> £817.02.
    // Per DSL: 60 engaged DSLs (47 + 13 second DSLs): £38,400 / 60 = £640.
    expect(html).toContain('per package shared by 2 settings (24 packages)');
    expect(html).toContain('£36,000');
    expect(html).toMatch(/Total programme cost<\/dt>\s*<dd>£38,400</);
    expect(html).toMatch(/Cost per setting \(47 settings receiving the programme\)<\/dt>\s*<dd>£817\.02</);
    expect(html).toMatch(/Cost per DSL \(60 DSLs supervised\)<\/dt>\s*<dd>£640</);
  });

  it('lists and removes costs, audited with the CLI actor', async () => {
    const list = await cli('cost', 'list', '--trial', 'cost47');
    expect(list.out.split('\n').filter(Boolean).length).toBe(2);
    const id = /^(\d+)\t/.exec(list.out.split('\n')[1])![1];
    const r = await cli('cost', 'remove', '--trial', 'cost47', '--id', id);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Supervisor training');
    expect((await cli('cost', 'list', '--trial', 'cost47')).out.split('\n').filter(Boolean).length).toBe(1);
    expect((await cli('cost', 'remove', '--trial', 'cost47', '--id', id)).code).toBe(1); // already gone
    expect(audit('report_inputs.cost_add').map((x) => x.actor)).toEqual([expect.stringMatching(/^cli:/), expect.stringMatching(/^cli:/)]);
    expect(audit('report_inputs.cost_remove').length).toBe(1);
  });

  it('refuses bad input with one clear message and saves nothing', async () => {
    const before = (t.db.prepare('SELECT count(*) AS n FROM programme_costs').get() as { n: number }).n;
    const money = await cli('cost', 'add', '--trial', 'cost47', '--item', 'X', '--amount-pounds', 'ten', '--basis', 'total');
    expect(money.code).toBe(1);
    expect(money.err).toContain('The amount must be in pounds');
    const basis = await cli('cost', 'add', '--trial', 'cost47', '--item', 'X', '--amount-pounds', '10', '--basis', 'per-school');
    expect(basis.code).toBe(1);
    expect(basis.err).toContain('Select how the cost is charged');
    const shared = await cli('cost', 'add', '--trial', 'cost47', '--item', 'X', '--amount-pounds', '10', '--basis', 'per-dsl', '--shared-by', '2');
    expect(shared.err).toContain('Only a per-setting cost can be shared');
    expect((await cli('cost', 'add', '--trial', 'nope', '--item', 'X', '--amount-pounds', '10', '--basis', 'total')).err).toContain('There is no trial "nope"');
    expect((await cli('cost', 'add', '--item', 'X')).code).toBe(2); // --trial missing: usage error
    expect((await cli('cost', 'frobnicate', '--trial', 'cost47')).code).toBe(2);
    expect((t.db.prepare('SELECT count(*) AS n FROM programme_costs').get() as { n: number }).n).toBe(before);
  });
});

describe('quotes', () => {
  it('quote list shows the answers with their ids; a selected hostile quote is escaped in the report; deselect removes it', async () => {
    const list = await cli('quote', 'list', '--trial', 'cost47');
    expect(list.out).toContain(`[ ] --response ${hostileResponse} --item dsl_evaluation_experience  dsl-c0a: ${HOSTILE}`);
    const sel = await cli('quote', 'select', '--trial', 'cost47', '--response', String(hostileResponse), '--item', 'dsl_evaluation_experience');
    expect(sel.code).toBe(0);
    expect((await cli('quote', 'list', '--trial', 'cost47')).out).toContain(`[x] --response ${hostileResponse}`);
    const html = await ipe();
    expect(html).toContain('<blockquote>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot;</blockquote>');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('Steady and kind.');
    expect((await cli('quote', 'deselect', '--trial', 'cost47', '--response', String(hostileResponse), '--item', 'dsl_evaluation_experience')).code).toBe(0);
    expect(await ipe()).not.toContain('&lt;script&gt;alert(1)');
    expect(audit('report_inputs.quotes').map((a) => JSON.parse(a.detail))).toEqual([
      { selected: [`${hostileResponse}:dsl_evaluation_experience`], deselected: [] },
      { selected: [], deselected: [`${hostileResponse}:dsl_evaluation_experience`] },
    ]);
  });

  it('refuses an item without a text answer and a response of no form', async () => {
    expect((await cli('quote', 'select', '--trial', 'cost47', '--response', String(hostileResponse), '--item', 'dsl_evaluation_better')).err).toContain('has no text answer');
    expect((await cli('quote', 'select', '--trial', 'cost47', '--response', '99999', '--item', 'dsl_evaluation_experience')).code).toBe(1);
    expect((await cli('quote', 'select', '--trial', 'cost47', '--response', 'abc', '--item', 'x')).code).toBe(2);
  });
});

describe('description and settings', () => {
  it('reads a Markdown TIDieR file (field names or checklist labels) and a JSON one; the report shows the text escaped', async () => {
    const md = path.join(t.dir, 'tidier.md');
    fs.writeFileSync(md, '## 10. Modifications\nSessions moved online <i>in March</i>.\n\n## who_provided\nA senior social worker.\n');
    const r = await cli('description', 'set', '--trial', 'cost47', '--file', md);
    expect(r.err).toBe('');
    expect(r.out).toContain('modifications, who_provided');
    const json = path.join(t.dir, 'tidier.json');
    fs.writeFileSync(json, JSON.stringify({ who_provided: '' }));
    expect((await cli('description', 'set', '--trial', 'cost47', '--file', json)).out).toContain('who_provided');
    const html = await ipe();
    expect(html).toContain('Sessions moved online &lt;i&gt;in March&lt;/i&gt;.');
    expect(html).toContain('An experienced senior social worker employed by the local authority.'); // default restored
    const bad = path.join(t.dir, 'bad.md');
    fs.writeFileSync(bad, 'Preamble\n## Colour of the sky\nBlue\n');
    const b = await cli('description', 'set', '--trial', 'cost47', '--file', bad);
    expect(b.code).toBe(1);
    expect(b.err).toContain('line 1: text before the first');
    expect(b.err).toContain('line 2: "Colour of the sky" is not a TIDieR field');
  });

  it('sets report settings; options not given keep their value; bad values are refused', async () => {
    expect((await cli('settings', 'set', '--trial', 'cost47', '--effect-size', 'hedges', '--icc', '0.08')).code).toBe(0);
    expect((await cli('settings', 'set', '--trial', 'cost47', '--se-type', 'cr2')).code).toBe(0);
    expect(loadReportSettings(t.db, 'cost47')).toEqual({ primaryOutcome: null, effectSize: 'hedges', seType: 'cr2', adminMissingMonths: 'complete', mlmEffectSize: 'off', robustnessWindow: null, protocolMdes: { icc: 0.08 },
      permutation: { on: false, draws: 10000, seed: null }, bootstrap: { on: false, draws: 2000, seed: null }, cace: { on: false, threshold: null } });
    const bad = await cli('settings', 'set', '--trial', 'cost47', '--power', '1.2');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('Power must be a number above 0 and below 1');
    expect((await cli('settings', 'set', '--trial', 'cost47')).code).toBe(2);
    expect(audit('report_inputs.settings').length).toBe(2);
  });
});
