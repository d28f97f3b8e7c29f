// The report-inputs page for Table 2's comparison column (issue 16): one box per characteristic the table shows, GOV.UK error messages on bad figures (nothing saved), saved and audited, listed on the report-inputs overview, text escaped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffFixture, signIn, request, type Signed, type StaffFixture } from './fixture';
import { loadComparison } from '../../server/storage/report-comparison-repo';
import { readAudit } from '../../server/storage/audit-repo';

let f: StaffFixture;
let evaluator: Signed;
beforeAll(async () => { f = await staffFixture(); evaluator = await signIn(f, 'evaluator'); }, 60_000);
afterAll(async () => { await f.close(); });
const page = () => `/staff/trials/${f.ids.trial}/report-inputs/comparison`;

/** The form's fields as drawn: key-i (hidden) and figure-i by the label shown. */
async function formFields(): Promise<Map<string, { index: number; key: string }>> {
  const html = await (await request(f, evaluator, 'get', page())).text();
  const out = new Map<string, { index: number; key: string }>();
  for (const m of html.matchAll(/name="key-(\d+)" value="([^"]*)">\s*<label class="govuk-label" for="figure-\d+">([^<]*)<\/label>/g)) out.set(m[3], { index: Number(m[1]), key: m[2].replace(/&#x3D;/g, '=') });
  return out;
}

describe('Table 2 comparison figures page', () => {
  it('lists the characteristics of the trial\'s schools and says none are entered', async () => {
    const fields = await formFields();
    expect([...fields.keys()]).toEqual(expect.arrayContaining(['Community school', 'Primary', '% pupils eligible for free school meals', 'Number of pupils on roll']));
    const index = await (await request(f, evaluator, 'get', `/staff/trials/${f.ids.trial}/report-inputs`)).text();
    expect(index).toMatch(/Table 2 comparison figures \(national or LA\)<\/a><\/dt>\s*<dd class="govuk-summary-list__value">none entered/);
  });

  it('refuses bad figures with GOV.UK messages and saves nothing', async () => {
    const fields = await formFields();
    const fsm = fields.get('% pupils eligible for free school meals')!;
    const pupils = fields.get('Number of pupils on roll')!;
    const form: Record<string, string> = { heading: '' };
    for (const [, v] of fields) form[`key-${v.index}`] = v.key;
    form[`figure-${fsm.index}`] = 'twenty';
    form[`figure-${pupils.index}`] = '200000';
    const r = await request(f, evaluator, 'post', page(), form);
    expect(r.status).toBe(400);
    const html = await r.text();
    expect(html).toContain('govuk-error-summary');
    expect(html).toContain('Enter what the comparison figures are, like &quot;State-funded primary schools in England, 2019&quot;');
    expect(html).toContain(`href="#figure-${fsm.index}"`);
    expect(html).toContain('Enter the figure for % pupils eligible for free school meals as a number, like 23.0');
    expect(html).toContain('The figure for number of pupils on roll must be between 0 and 100,000');
    expect(html).toContain('value="twenty"'); // the answer is kept to correct
    const pct = await request(f, evaluator, 'post', page(), { heading: 'England', [`key-${fsm.index}`]: fsm.key, [`figure-${fsm.index}`]: '101' });
    expect(await pct.text()).toContain('The figure for % pupils eligible for free school meals must be a percentage between 0 and 100');
    expect(loadComparison(f.server.deps.db, f.ids.trial)).toBeNull();
  });

  it('saves the figures with their heading (escaped when shown), audits, and clearing everything removes the column', async () => {
    const fields = await formFields();
    const fsm = fields.get('% pupils eligible for free school meals')!;
    const primary = fields.get('Primary')!;
    const form: Record<string, string> = { heading: 'England <i>2019</i>', [`key-${fsm.index}`]: fsm.key, [`figure-${fsm.index}`]: '23.0', [`key-${primary.index}`]: primary.key, [`figure-${primary.index}`]: '76%' };
    const r = await request(f, evaluator, 'post', page(), form);
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe(`${page()}?saved=comparison`);
    expect(loadComparison(f.server.deps.db, f.ids.trial)).toEqual({ heading: 'England <i>2019</i>', figures: { fsm_percent: 23, 'phase:Primary': 76 } });
    const shown = await (await request(f, evaluator, 'get', `${page()}?saved=comparison`)).text();
    expect(shown).toContain('The comparison figures were saved.');
    expect(shown).toContain('value="England &lt;i&gt;2019&lt;/i&gt;"');
    expect(shown).not.toContain('<i>2019</i>');
    expect((await request(f, evaluator, 'post', page(), form)).headers.get('location')).toBe(`${page()}?saved=unchanged`);
    expect(readAudit(f.server.deps.db, { trialId: f.ids.trial }).filter((e) => e.action === 'report-inputs.comparison').map((e) => e.detail)).toEqual([{ figures: 2, removed: false }]);
    const cleared = await request(f, evaluator, 'post', page(), { heading: '', [`key-${fsm.index}`]: fsm.key, [`figure-${fsm.index}`]: '' });
    expect(cleared.headers.get('location')).toBe(`${page()}?saved=removed`);
    expect(loadComparison(f.server.deps.db, f.ids.trial)).toBeNull();
  });
});
