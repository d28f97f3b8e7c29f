// Staff forms speak the GOV.UK error pattern: "Enter …" for a missing answer, "Select …" for a choice, one line per field, each
// linking from the error summary to its field, with the message beside the field too; dates are GOV.UK date inputs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffFixture, signIn, request, type StaffFixture, type Signed } from './fixture';

let f: StaffFixture;
let eva: Signed;
let sue: Signed;
beforeAll(async () => {
  f = await staffFixture();
  eva = await signIn(f, 'evaluator');
  sue = await signIn(f, 'supervisor');
}, 60_000);
afterAll(async () => { await f.close(); });

const decode = (s: string) => s.replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
/** The error summary's lines as [text, href]. */
const summary = (html: string) => [...(/govuk-error-summary__list">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '').matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g)].map((m) => [decode(m[2]), m[1]]);
/** The text a person reads (tags, comments and attribute values left out). */
const visible = (html: string) => html.replace(/<!--[\s\S]*?-->/g, '').replace(/<[^>]+>/g, ' ');
/** Every summary link points at an element on the page. */
const linksResolve = (html: string) => summary(html).every(([, href]) => html.includes(`id="${href.slice(1)}"`));

describe('GOV.UK error messages', () => {
  it('create a trial: an empty form says what to enter for each field, linked to it, storing nothing', async () => {
    const res = await request(f, eva, 'post', '/staff/trials', { id: '', title: ' ', sessionsIntended: 'lots', 'retentionUntil-day': '31', 'retentionUntil-month': '', 'retentionUntil-year': '2030' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(summary(html)).toEqual([
      ['Enter a short id', '#id'],
      ['Enter a title', '#title'],
      ['Formal sessions intended must be a whole number from 0 to 50', '#sessionsIntended'],
      ['The date to keep personal data until must include a month', '#retentionUntil-month'],
    ]);
    expect(linksResolve(html)).toBe(true);
    expect(html).toMatch(/id="title-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:<\/span> Enter a title/);
    expect(html).not.toMatch(/--retention-until|is blank|YYYY-MM-DD/);
    expect(f.server.deps.db.prepare('SELECT count(*) AS n FROM trials').get()).toEqual({ n: 2 });
  });

  it('create a trial: a bad short id and a taken one say how to put it right', async () => {
    const bad = await (await request(f, eva, 'post', '/staff/trials', { id: 'Bolton 2025', title: 'T' })).text();
    expect(summary(bad)).toEqual([['Short id must use only lower-case letters, digits and hyphens, and start with a letter or digit, like bolton-2025', '#id']]);
    const taken = await request(f, eva, 'post', '/staff/trials', { id: 't1', title: 'T' });
    expect(taken.status).toBe(409);
    expect(summary(await taken.text())).toEqual([['A trial with the short id t1 already exists: choose another', '#id']]);
    // the GOV.UK date input creates the trial with its retention date
    const ok = await request(f, eva, 'post', '/staff/trials', { id: 'dated', title: 'Dated', 'retentionUntil-day': '31', 'retentionUntil-month': '8', 'retentionUntil-year': '2030' });
    expect(ok.status).toBe(303);
    expect(f.server.deps.db.prepare("SELECT retention_until AS r FROM trials WHERE id = 'dated'").get()).toEqual({ r: '2030-08-31' });
    expect(await (await request(f, eva, 'get', '/staff/trials')).text()).toContain('31 August 2030');
  });

  it('log a session: "Select" for the choices, the date input\'s own words for a date it cannot make', async () => {
    const res = await request(f, sue, 'post', '/staff/supervision/t1/sessions', { 'heldOn-day': '31', 'heldOn-month': '2', 'heldOn-year': '2026', durationMinutes: '0' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(summary(html).map(([t]) => t)).toEqual([
      'Select the kind of session', 'Select how the session was held', 'The date of the session must be a real date',
      'Enter the duration as a whole number of minutes from 1 to 1,440', 'Select the DSL or DSLs who attended',
    ]);
    expect(linksResolve(html)).toBe(true);
    expect(html).toMatch(/id="heldOn-error" class="govuk-error-message">[\s\S]*The date of the session must be a real date/);
    expect(html).toContain('value="31"'); // what was typed is kept
  });

  it('the record of supervision: the question\'s own words, never an item id, beside the field too', async () => {
    const res = await request(f, sue, 'post', `/staff/supervision/t1/sessions/${f.ids.session}/record`, { dsl: 'dsl-aaaa', supervision_record_date: '', supervision_record_support: 'x'.repeat(4001) });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(summary(html)).toEqual([['Enter the date of supervision', '#supervision_record_date'], ['Notes: support must be 4,000 characters or fewer', '#supervision_record_support']]);
    expect(html).toMatch(/id="supervision_record_date-error" class="govuk-error-message">/);
    expect(visible(html)).not.toMatch(/supervision_record_/);
    const bad = await (await request(f, sue, 'post', `/staff/supervision/t1/sessions/${f.ids.session}/record`, { dsl: 'dsl-aaaa', supervision_record_date: '2026-02-30' })).text();
    expect(summary(bad)).toEqual([['Date of supervision must be a real date, written like 2026-03-27', '#supervision_record_date']]);
  });

  it('the start page: "Enter who to contact" and how to write the privacy link', async () => {
    const html = await (await request(f, eva, 'post', '/staff/trials/t1/start-page', { runBy: 'Us', contact: '', privacyUrl: 'http://example.org' })).text();
    expect(summary(html)).toEqual([['Enter who to contact', '#contact'], ['Enter the privacy notice link as a full web address starting https://, like https://www.example.ac.uk/privacy', '#privacyUrl']]);
  });
});

describe('no message tells an LA officer to do what only the evaluation team can', () => {
  it('a package naming a school dslkit does not hold in the LA says to ask the evaluation team, never to run dslkit', async () => {
    const lou = await signIn(f, 'la_officer'); // LA 350 (Bolton)
    expect((await request(f, lou, 'post', '/staff/programmes', { id: 'bolton-offer', title: 'Bolton offer', la: '350', year: '2025/26' })).status).toBe(303);
    const page = await (await request(f, lou, 'get', '/staff/programmes/bolton-offer')).text();
    expect(page).toContain('if a school is missing, ask the evaluation team to add it');
    const res = await request(f, lou, 'post', '/staff/programmes/bolton-offer/packages', { name: 'P', price: '1500', sessions: '10', minutes: '120', maxSettings: '4', urns: '100003' }); // a Bury school
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(summary(html)).toEqual([['URN 100003 is not a school of Bolton known to dslkit: check the URN, or ask the evaluation team to import the school', '#urns']]);
    for (const text of [page, html]) expect(text.replace(/<!--[\s\S]*?-->/g, '')).not.toMatch(/dslkit import|dslkit [a-z]+ --|set the report inputs/);
  });
});
