// The waves form: GOV.UK date inputs (day, month, year) and error messages in the Design System's words.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, signIn, staffFixture, type Signed, type StaffFixture } from './fixture';

describe('waves form dates', () => {
  let f: StaffFixture;
  let eva: Signed;
  const post = (dates: Record<string, string>) => request(f, eva, 'post', '/staff/trials/t1/waves', { name: 'endline', instruments: ['pss10@1'], arm: '', minSessions: '', ...dates });
  const d = (o: [string, string, string], c: [string, string, string]) => ({ 'opensAt-day': o[0], 'opensAt-month': o[1], 'opensAt-year': o[2], 'closesAt-day': c[0], 'closesAt-month': c[1], 'closesAt-year': c[2] });
  beforeAll(async () => { f = await staffFixture(); eva = await signIn(f, 'evaluator'); });
  afterAll(() => f.close());

  it('the form uses the GOV.UK date input', async () => {
    const html = await (await request(f, eva, 'get', '/staff/trials/t1/waves')).text();
    expect(html).toContain('class="govuk-date-input" id="opensAt"');
    expect(html).toContain('name="closesAt-year"');
    expect(html).not.toContain('YYYY-MM-DD');
  });

  it.each([
    [d(['', '', ''], ['', '', '']), ['Enter the date the wave opens', 'Enter the date the wave closes']],
    [d(['8', '', ''], ['1', '10', '2026']), ['The date the wave opens must include a month and year']],
    [d(['31', '2', '2026'], ['1', '10', '2026']), ['The date the wave opens must be a real date']],
    [d(['8', '9', '2026'], ['1', '9', '2026']), ['The date the wave closes must be after the date it opens']],
  ])('%j: 400 with the GOV.UK wording, nothing stored', async (form, messages) => {
    const res = await post(form);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('govuk-error-summary');
    for (const m of messages) expect(html).toContain(m);
    expect(f.server.deps.db.prepare("SELECT count(*) AS n FROM waves WHERE trial_id = 't1' AND name = 'endline'").get()).toEqual({ n: 0 });
  });

  it('a real pair of dates is stored and shown in words', async () => {
    const res = await post(d(['8', '9', '2026'], ['9', '10', '2026']));
    expect(res.status).toBe(303);
    const w = f.server.deps.db.prepare("SELECT opens_at AS o, closes_at AS c FROM waves WHERE trial_id = 't1' AND name = 'endline'").get() as { o: string; c: string };
    expect(w.o.slice(0, 10)).toBe('2026-09-08');
    expect(w.c.slice(0, 10)).toBe('2026-10-09');
    expect(await (await request(f, eva, 'get', '/staff/trials/t1/waves')).text()).toContain('8 September 2026');
  });
});
