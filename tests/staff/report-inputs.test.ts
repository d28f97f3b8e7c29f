// Report-input pages over HTTP: costs add/remove with GOV.UK error summaries, the quote picker (hostile answers escaped, DSLs by pseudonymous id only), TIDieR description, settings; CSRF, audit, and what the IPE report then shows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffFixture, signIn, request, type Signed, type StaffFixture } from './fixture';

let f: StaffFixture;
let ev: Signed;
let hostileResponse = 0;
let plainResponse = 0;
const HOSTILE = '<script>alert("q")</script> & "fine"';
const base = () => `/staff/trials/${f.ids.trial}/report-inputs`;

function insertEvaluation(dslId: string, answers: Record<string, unknown>): number {
  const db = f.server.deps.db;
  const at = f.now.t.toISOString();
  const id = Number(db.prepare(`INSERT INTO responses (dsl_id, instruments, status, current_page, started_at, updated_at, submitted_at)
    VALUES (?, '["dsl-evaluation@1"]', 'complete', 0, ?, ?, ?)`).run(dslId, at, at, at).lastInsertRowid);
  db.prepare("INSERT INTO response_snapshots (response_id, kind, answers, page, saved_at) VALUES (?, 'import', ?, 0, ?)").run(id, JSON.stringify(answers), at);
  return id;
}

const audits = (action: string) => (f.server.deps.db.prepare('SELECT actor, detail FROM audit_log WHERE action = ? ORDER BY id').all(action) as Array<{ actor: string; detail: string }>);

beforeAll(async () => {
  f = await staffFixture();
  ev = await signIn(f, 'evaluator');
  const db = f.server.deps.db;
  // t1 is allocated by staffFixture: 100001-100003 intervention (100001 and 100003's DSLs attended the fixture's two sessions), 100004 control.
  hostileResponse = insertEvaluation('dsl-aaaa', { dsl_evaluation_hours: 6, dsl_evaluation_experience: HOSTILE, dsl_evaluation_better: 'More sessions' });
  plainResponse = insertEvaluation('dsl-cccc', { dsl_evaluation_hours: 4, dsl_evaluation_experience: 'Calm and useful.' });
}, 60_000);
afterAll(async () => { await f.close(); });

describe('programme costs', () => {
  it('adds a cost shared by 2 settings, lists it and shows the figures the IPE report will use', async () => {
    const res = await request(f, ev, 'post', `${base()}/costs`, { item: 'Supervision package (10 two-hour sessions)', amount: '1,500', basis: 'per-setting-per-year', 'shared-by': '2', note: 'per year' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${base()}/costs?saved=cost-added`);
    const html = await (await request(f, ev, 'get', `${base()}/costs?saved=cost-added`)).text();
    expect(html).toContain('The cost was added.');
    expect(html).toContain('Supervision package (10 two-hour sessions)');
    expect(html).toContain('per package shared by 2 settings');
    // 2 engaged intervention settings (100001, 100003) sharing packages by 2: ceil(2 / 2) = 1 package = £1,500 in all;
    // £1,500 / 2 settings = £750 per setting; 2 engaged DSLs (dsl-aaaa, dsl-cccc): £750 per DSL.
    expect(html).toMatch(/Total programme cost<\/dt><dd class="govuk-summary-list__value">£1,500</);
    expect(html).toMatch(/Cost per setting \(2 settings receiving the programme\)<\/dt><dd class="govuk-summary-list__value">£750</);
    expect(html).toMatch(/Cost per DSL \(2 DSLs supervised\)<\/dt><dd class="govuk-summary-list__value">£750</);
    const a = audits('report_inputs.cost_add');
    expect(a.length).toBe(1);
    expect(JSON.parse(a[0].detail)).toMatchObject({ amount_pence: 150000, basis: 'per_school', shared_by: 2 });
  });

  it('refuses a bad cost with an error summary linking to each field, and saves nothing', async () => {
    const before = (f.server.deps.db.prepare('SELECT count(*) AS n FROM programme_costs').get() as { n: number }).n;
    const res = await request(f, ev, 'post', `${base()}/costs`, { item: '', amount: 'lots', basis: 'per-dsl', 'shared-by': '3', note: '<b>n</b>' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('govuk-error-summary');
    expect(html).toContain('<a href="#item">Enter what the cost is for');
    expect(html).toContain('<a href="#amount">The amount must be in pounds');
    expect(html).toContain('value="&lt;b&gt;n&lt;/b&gt;"'); // the note is kept, escaped
    expect(html).toMatch(/<title>Error: /);
    const shared = await request(f, ev, 'post', `${base()}/costs`, { item: 'Licence', amount: '10', basis: 'per-dsl', 'shared-by': '3' });
    expect(shared.status).toBe(400);
    expect(await shared.text()).toContain('<a href="#shared-by">Only a per-setting cost can be shared');
    expect((f.server.deps.db.prepare('SELECT count(*) AS n FROM programme_costs').get() as { n: number }).n).toBe(before);
  });

  it('removes a cost (audited); an unknown cost id is a 404 page; without the CSRF token nothing happens', async () => {
    const add = await request(f, ev, 'post', `${base()}/costs`, { item: 'Temporary', amount: '5', basis: 'total' });
    expect(add.status).toBe(303);
    const id = (f.server.deps.db.prepare("SELECT id FROM programme_costs WHERE item = 'Temporary'").get() as { id: number }).id;
    expect((await request(f, ev, 'post', `${base()}/costs/remove`, { cost: String(id) }, { csrf: 'wrong' })).status).toBe(403);
    expect(f.server.deps.db.prepare('SELECT 1 FROM programme_costs WHERE id = ?').get(id)).toBeDefined();
    const res = await request(f, ev, 'post', `${base()}/costs/remove`, { cost: String(id) });
    expect(res.status).toBe(303);
    expect(f.server.deps.db.prepare('SELECT 1 FROM programme_costs WHERE id = ?').get(id)).toBeUndefined();
    expect(audits('report_inputs.cost_remove').length).toBe(1);
    expect((await request(f, ev, 'post', `${base()}/costs/remove`, { cost: String(id) })).status).toBe(404);
  });
});

describe('quote picker', () => {
  it('lists text answers by question, escaped, with DSLs by pseudonymous id only', async () => {
    const html = await (await request(f, ev, 'get', `${base()}/quotes`)).text();
    expect(html).not.toContain('<script>alert("q")');
    expect(html).toContain('&lt;script&gt;alert(&quot;q&quot;)&lt;/script&gt; &amp; &quot;fine&quot;');
    expect(html).toContain('dsl-aaaa');
    expect(html).not.toContain('Ann Able');
    expect(html).not.toContain('ann@example.org');
    expect(html).toContain(`value="${hostileResponse}:dsl_evaluation_experience"`);
    expect(html).toContain('More sessions');
  });

  it('a selected hostile quote appears escaped in the IPE report; deselecting removes it', async () => {
    const shown = `${hostileResponse}:dsl_evaluation_experience ${plainResponse}:dsl_evaluation_experience`;
    const res = await request(f, ev, 'post', `${base()}/quotes`, { shown, quote: [`${hostileResponse}:dsl_evaluation_experience`] });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${base()}/quotes?saved=quotes`);
    const picker = await (await request(f, ev, 'get', `${base()}/quotes`)).text();
    expect(picker).toMatch(new RegExp(`value="${hostileResponse}:dsl_evaluation_experience" checked`));
    const report = await (await request(f, ev, 'get', `/staff/trials/${f.ids.trial}/reports/ipe`)).text();
    expect(report).toContain('<blockquote>&lt;script&gt;alert(&quot;q&quot;)&lt;/script&gt; &amp; &quot;fine&quot;</blockquote>');
    expect(report).not.toContain('<script>alert("q")');
    expect(report).not.toContain('Calm and useful.'); // not selected
    const detail = JSON.parse(audits('report_inputs.quotes')[0].detail);
    expect(detail).toEqual({ selected: [`${hostileResponse}:dsl_evaluation_experience`], deselected: [] });
    expect(JSON.stringify(audits('report_inputs.quotes'))).not.toContain('script'); // audit names ids, never the text

    expect((await request(f, ev, 'post', `${base()}/quotes`, { shown })).status).toBe(303);
    const after = await (await request(f, ev, 'get', `/staff/trials/${f.ids.trial}/reports/ipe`)).text();
    expect(after).not.toContain('<blockquote>&lt;script&gt;');
  });

  it('refuses a quote that is not on the page or not a form of this trial, and tampered values', async () => {
    const alien = await request(f, ev, 'post', `${base()}/quotes`, { shown: '999999:dsl_evaluation_experience', quote: ['999999:dsl_evaluation_experience'] });
    expect(alien.status).toBe(404);
    expect(await alien.text()).toContain('govuk-error-summary');
    const notShown = await request(f, ev, 'post', `${base()}/quotes`, { shown: `${plainResponse}:dsl_evaluation_experience`, quote: [`${hostileResponse}:dsl_evaluation_experience`] });
    expect(notShown.status).toBe(400);
    const tampered = await request(f, ev, 'post', `${base()}/quotes`, { shown: '1:x"><script>', quote: ['1:x"><script>'] });
    expect(tampered.status).toBe(400);
    expect(await tampered.text()).not.toContain('"><script>');
    expect((f.server.deps.db.prepare('SELECT count(*) AS n FROM report_quotes').get() as { n: number }).n).toBe(0);
  });

  it('one form and one save keep every question\'s ticks (not one form per question that drops the others)', async () => {
    const html = await (await request(f, ev, 'get', `${base()}/quotes`)).text();
    const forms = [...html.matchAll(/<form method="post" action="[^"]*\/report-inputs\/quotes"[\s\S]*?<\/form>/g)].map((m) => m[0]);
    expect(forms).toHaveLength(1);
    expect(forms[0]).toContain(`value="${hostileResponse}:dsl_evaluation_experience"`);
    expect(forms[0]).toContain(`value="${hostileResponse}:dsl_evaluation_better"`);
    expect(forms[0].match(/type="submit"/g)).toHaveLength(1);
    // what the browser sends from that one form: every shown answer and the ticks of both questions
    const shown = /name="shown" value="([^"]*)"/.exec(forms[0])![1];
    const both = [`${hostileResponse}:dsl_evaluation_experience`, `${hostileResponse}:dsl_evaluation_better`];
    expect((await request(f, ev, 'post', `${base()}/quotes`, { shown, quote: both })).status).toBe(303);
    const picker = await (await request(f, ev, 'get', `${base()}/quotes`)).text();
    for (const v of both) expect(picker).toContain(`value="${v}" checked`);
    expect((await request(f, ev, 'post', `${base()}/quotes`, { shown })).status).toBe(303); // clear again for the next test
  });
});

describe('TIDieR description and settings', () => {
  it('saves description fields (an empty field keeps the default) and the IPE report shows them escaped', async () => {
    const res = await request(f, ev, 'post', `${base()}/description`, { modifications: 'Moved online <b>in March</b>.', why: '' });
    expect(res.status).toBe(303);
    const rows = f.server.deps.db.prepare("SELECT field, body, updated_by FROM intervention_descriptions WHERE trial_id = 't1'").all();
    expect(rows).toEqual([{ field: 'modifications', body: 'Moved online <b>in March</b>.', updated_by: expect.stringMatching(/^user:\d+$/) }]);
    const report = await (await request(f, ev, 'get', `/staff/trials/${f.ids.trial}/reports/ipe`)).text();
    expect(report).toContain('Moved online &lt;b&gt;in March&lt;/b&gt;.');
    expect(audits('report_inputs.description').map((a) => JSON.parse(a.detail))).toEqual([{ fields: ['modifications'] }]);
    const tooLong = await request(f, ev, 'post', `${base()}/description`, { why: 'x'.repeat(4001) });
    expect(tooLong.status).toBe(400);
    expect(await tooLong.text()).toContain('<a href="#why">The &quot;why&quot; text must be 4000 characters or fewer');
  });

  it('saves settings; out-of-range values are refused field by field', async () => {
    const ok = await request(f, ev, 'post', `${base()}/settings`, { 'primary-outcome': 'pss10:total', 'effect-size': 'hedges', 'se-type': 'cr2', icc: '0.1', 'r2-cluster': '', 'r2-individual': '', 'cluster-size': '', alpha: '', power: '0.9' });
    expect(ok.status).toBe(303);
    const s = f.server.deps.db.prepare("SELECT primary_outcome, effect_size, se_type, protocol_mdes FROM report_settings WHERE trial_id = 't1'").get();
    expect(s).toEqual({ primary_outcome: 'pss10:total', effect_size: 'hedges', se_type: 'cr2', protocol_mdes: '{"icc":0.1,"power":0.9}' });
    const page = await (await request(f, ev, 'get', `${base()}/settings`)).text();
    expect(page).toMatch(/value="hedges" checked/);
    const bad = await request(f, ev, 'post', `${base()}/settings`, { 'primary-outcome': 'admin:nonsense', 'effect-size': 'cohen', 'se-type': 'cr2', icc: '1.5', power: '1' });
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain('<a href="#effect-size">');
    expect(html).toContain('<a href="#icc">The intracluster correlation must be a number from 0 to below 1');
    expect(html).toContain('<a href="#power">Power must be');
    expect(audits('report_inputs.settings').length).toBe(1);
  });

  it('the overview page links every input and the trial page links the overview', async () => {
    const html = await (await request(f, ev, 'get', base())).text();
    for (const p of ['costs', 'quotes', 'description', 'settings']) expect(html).toContain(`href="${base()}/${p}"`);
    expect(html).toContain('1 of 12 fields entered');
    expect(await (await request(f, ev, 'get', `/staff/trials/${f.ids.trial}`)).text()).toContain(`href="${base()}"`);
  });
});

describe('one message per problem', () => {
  it('an empty amount says only "Enter the amount", not also that it is malformed', async () => {
    const html = await (await request(f, ev, 'post', `${base()}/costs`, { item: 'X', amount: '', basis: 'total' })).text();
    expect(html).toContain('Enter the amount in pounds');
    expect(html).not.toContain('The amount must be in pounds');
  });
});
