// The report-sections page over HTTP: six Markdown sections saved in one form with a "saved" confirmation and one audit entry naming them (not their text); a javascript: link or an over-long section refused with the GOV.UK error summary, nothing saved; hostile text escaped in the form and the preview; the reports page lists the sections still empty.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffFixture, signIn, request, type Signed, type StaffFixture } from './fixture';

let f: StaffFixture;
let ev: Signed;
const base = () => `/staff/trials/${f.ids.trial}/report-inputs/sections`;
const stored = () => f.server.deps.db.prepare('SELECT section, body, updated_by FROM report_sections WHERE trial_id = ? ORDER BY section').all(f.ids.trial) as Array<{ section: string; body: string; updated_by: string }>;
const audits = () => (f.server.deps.db.prepare("SELECT actor, detail FROM audit_log WHERE action = 'report_inputs.sections' ORDER BY id").all() as Array<{ actor: string; detail: string }>).map((a) => ({ actor: a.actor, detail: JSON.parse(a.detail) }));

beforeAll(async () => {
  f = await staffFixture();
  ev = await signIn(f, 'evaluator');
}, 60_000);
afterAll(async () => { await f.close(); });

describe('report sections page', () => {
  it('shows every section with its hint, a character count and where it is printed; the reports page lists all six as empty', async () => {
    const page = await request(f, ev, 'get', base());
    expect(page.status).toBe(200);
    const html = await page.text();
    for (const name of ['executive_summary', 'key_conclusions', 'introduction', 'logic_model', 'interpretation', 'limitations']) {
      expect(html).toContain(`<textarea class="govuk-textarea govuk-js-character-count" id="${name}" name="${name}"`);
      expect(html).toContain(`<div id="${name}-info" class="govuk-hint govuk-character-count__message">You can enter up to 20,000 characters</div>`);
    }
    expect(html).toContain('data-module="govuk-character-count" data-maxlength="20000"');
    expect(html).toContain('One numbered item for each conclusion (1. …, 2. …). The report prints them as Table 6');
    expect(html).toContain('Shown in the arm-comparison report and the IPE report.');
    const reports = await (await request(f, ev, 'get', `/staff/trials/${f.ids.trial}/reports`)).text();
    expect(reports).toContain('Arm comparison: Executive summary; Key conclusions; Introduction; Logic model; Interpretation; Limitations and lessons learned. IPE: Introduction; Logic model; Limitations and lessons learned.');
    expect(reports).toContain(`href="${base()}"`);
    const overview = await (await request(f, ev, 'get', `/staff/trials/${f.ids.trial}/report-inputs`)).text();
    expect(overview).toContain(`href="${base()}"`);
    expect(overview).toContain('0 of 6 written; not yet written: Executive summary, Key conclusions');
  });

  it('saves the sections in one go, confirms, audits the names only, and escapes the text in the form and the preview', async () => {
    const hostile = '<script>alert("s")</script> & **bold**';
    const res = await request(f, ev, 'post', base(), { executive_summary: `Summary line.\r\n\r\n${hostile}`, key_conclusions: '1. One.\n2. Two.', introduction: '', logic_model: '', interpretation: '', limitations: '' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${base()}?saved=sections`);
    expect(stored()).toEqual([
      { section: 'executive_summary', body: `Summary line.\n\n${hostile}`, updated_by: expect.stringMatching(/^user:\d+$/) },
      { section: 'key_conclusions', body: '1. One.\n2. Two.', updated_by: expect.stringMatching(/^user:\d+$/) },
    ]);
    expect(audits()).toEqual([{ actor: expect.stringMatching(/^user:\d+$/), detail: { sections: ['executive_summary', 'key_conclusions'], cleared: [] } }]);
    const html = await (await request(f, ev, 'get', res.headers.get('location')!)).text();
    expect(html).toContain('The report sections were saved.');
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;script&gt;alert(&quot;s&quot;)&lt;/script&gt; &amp; **bold**</textarea>'); // the form keeps the Markdown, escaped
    expect(html).toContain('<p>&lt;script&gt;alert(&quot;s&quot;)&lt;/script&gt; &amp; <strong>bold</strong></p>'); // the preview renders it, escaped
    expect(html).toMatch(/Last saved \d{1,2} [A-Z][a-z]+ \d{4}, \d{1,2}:\d{2}[ap]m\./);
    // The same text again changes nothing and writes no audit entry.
    const again = await request(f, ev, 'post', base(), { executive_summary: `Summary line.\n\n${hostile}`, key_conclusions: '1. One.\n2. Two.' });
    expect(again.headers.get('location')).toBe(`${base()}?saved=unchanged`);
    expect(audits()).toHaveLength(1);
    const reports = await (await request(f, ev, 'get', `/staff/trials/${f.ids.trial}/reports`)).text();
    expect(reports).toContain('Arm comparison: Introduction; Logic model; Interpretation; Limitations and lessons learned.');
  });

  it('refuses a javascript: link and an over-long section with the error summary, keeps what was typed, saves nothing', async () => {
    const before = stored();
    const res = await request(f, ev, 'post', base(), {
      executive_summary: 'Changed.', introduction: 'See [this](javascript:alert(1)).', limitations: 'x'.repeat(20001), key_conclusions: '1. One.\n2. Two.',
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('govuk-error-summary');
    expect(html).toContain('<a href="#introduction">Links in the introduction must start with https://, http:// or mailto: (“javascript:alert(1)” cannot be used)</a>');
    expect(html).toContain('<a href="#limitations">Limitations and lessons learned must be 20,000 characters or less (it has 20,001)</a>');
    expect(html).toContain('See [this](javascript:alert(1)).</textarea>');
    expect(html).toContain('>Changed.</textarea>');
    expect(stored()).toEqual(before);
    expect(audits()).toHaveLength(1);
  });

  it('clears a section when it is emptied', async () => {
    const res = await request(f, ev, 'post', base(), { executive_summary: '', key_conclusions: '1. One.\n2. Two.' });
    expect(res.headers.get('location')).toBe(`${base()}?saved=sections`);
    expect(stored().map((s) => s.section)).toEqual(['key_conclusions']);
    expect(audits()[1].detail).toEqual({ sections: ['executive_summary'], cleared: ['executive_summary'] });
  });

  it('is for evaluators only, and needs the CSRF token', async () => {
    const sup = await signIn(f, 'supervisor');
    expect((await request(f, sup, 'get', base())).status).toBe(403);
    expect((await request(f, ev, 'post', base(), { executive_summary: 'x' }, { csrf: null })).status).toBe(403);
    expect(stored().map((s) => s.section)).toEqual(['key_conclusions']);
  });
});
