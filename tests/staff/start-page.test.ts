// The start page DSLs read before the first question: its trial-specific text set from the staff site (evaluators only, CSRF, GOV.UK error summary, audited) and shown escaped behind the invitation link (issue 12).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffFixture, signIn, request, type StaffFixture, type Signed } from './fixture';
import { seedSurveyFixture } from '../helpers/survey-fixture';
import { estimatedMinutes, checkStartPageText } from '../../server/domain/surveys/start-page';
import { getRegistry } from '../../instruments/registry';
import { ValidationError } from '../../shared/errors';

let f: StaffFixture;
let evaluator: Signed;
let supervisor: Signed;
let token: string;
beforeAll(async () => {
  f = await staffFixture();
  evaluator = await signIn(f, 'evaluator');
  supervisor = await signIn(f, 'supervisor');
  token = seedSurveyFixture(f.server.deps.db, f.server.deps.secret, { trialId: 'startpage', instruments: ['ons4@1', 'pss10@1'] }).dsls[0].token;
}, 60_000);
afterAll(async () => { await f.close(); });

const audits = () => (f.server.deps.db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'trial.start-page'").get() as { n: number }).n;
const good = { runBy: 'The <Example> Institute', purpose: 'To see whether "supervision" helps.', contact: 'eval@example.ac.uk', privacyUrl: 'https://example.ac.uk/privacy' };

describe('the start page text', () => {
  it('is a form for evaluators only, refused without CSRF', async () => {
    const res = await request(f, evaluator, 'get', '/staff/trials/startpage/start-page');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('name="privacyUrl"');
    expect((await request(f, supervisor, 'get', '/staff/trials/startpage/start-page')).status).toBe(403);
    expect((await request(f, supervisor, 'post', '/staff/trials/startpage/start-page', good)).status).toBe(403);
    expect((await request(f, evaluator, 'post', '/staff/trials/startpage/start-page', good, { csrf: null })).status).toBe(403);
    expect(audits()).toBe(0);
  });

  it('refuses a missing contact and a privacy link that is not https with a GOV.UK error summary, storing nothing', async () => {
    const res = await request(f, evaluator, 'post', '/staff/trials/startpage/start-page', { ...good, contact: ' ', privacyUrl: 'javascript:alert(1)' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('govuk-error-summary');
    expect(html).toContain('<a href="#contact">Enter who to contact</a>');
    expect(html).toContain('<a href="#privacyUrl">Enter the privacy notice link as a full web address starting https://, like https://www.example.ac.uk/privacy</a>');
    expect(html).toContain('value="The &lt;Example&gt; Institute"'); // the form keeps what was typed, escaped
    expect(audits()).toBe(0);
  });

  it('saves, audits, and the invitation link\'s start page shows the text escaped', async () => {
    const res = await request(f, evaluator, 'post', '/staff/trials/startpage/start-page', good);
    expect(res.status).toBe(303);
    expect(audits()).toBe(1);
    const page = await (await fetch(`${f.server.url}/s/${token}`)).text();
    expect(page).toContain('The &lt;Example&gt; Institute runs it');
    expect(page).toContain('To see whether &quot;supervision&quot; helps.');
    expect(page).toContain('contact eval@example.ac.uk');
    expect(page).toContain('<a href="https://example.ac.uk/privacy">privacy notice for this study</a>');
    expect(page).not.toContain('<Example>');
  });
});

describe('the start page rules', () => {
  it('estimates the time from the items: 14 ticks (8 s) and two introductions (15 s) make 2 min 22 s, so about 3 minutes', () => {
    const r = getRegistry();
    expect(estimatedMinutes([r.get('ons4@1'), r.get('pss10@1')])).toBe(3);
    // the supervision record's written answers take longer than ticks
    expect(estimatedMinutes([r.get('supervision-record@1')])).toBeGreaterThan(estimatedMinutes([r.get('pss10@1')]));
  });

  it('trims the text and names each wrong field', () => {
    expect(checkStartPageText({ ...good, runBy: '  X  ' }).runBy).toBe('X');
    try { checkStartPageText({ runBy: 'x'.repeat(301), contact: '', privacyUrl: 'http://example.ac.uk' }); expect.unreachable(); } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).problems.map((p) => p.pointer)).toEqual(['/runBy', '/contact', '/privacyUrl']);
    }
  });
});
