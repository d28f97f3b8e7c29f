// The supervisor's home lists what needs doing first (a session due, then forms and records outstanding, then the rest), filters by
// state and school without JavaScript, never says overdue after the intervention ended; DSLs sort naturally; a save shows "saved" once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffFixture, signIn, request, type StaffFixture, type Signed } from './fixture';
import { byWhatNeedsDoing, matchesFilter, type WorkRow } from '../../server/http/staff/schedule-view';
import { naturalCompare } from '../../server/views/format';
import { insertDsl } from '../../server/storage/dsl-repo';

let f: StaffFixture;
let sue: Signed;
beforeAll(async () => {
  f = await staffFixture();
  sue = await signIn(f, 'supervisor');
  const at = f.now.t.toISOString();
  // names that sort wrongly as plain text: "DSL 10" < "DSL 2"
  for (const [id, name] of [['dsl-n10', 'DSL 10'], ['dsl-n2', 'DSL 2'], ['dsl-n1', 'DSL 1']]) insertDsl(f.server.deps.db, { id, trialId: 't1', urn: 100002, role: 'senco', name, email: `${id}@example.org`, createdAt: at });
}, 60_000);
afterAll(async () => { await f.close(); });

/** The school names in the order the home's table lists them. */
const order = (html: string) => [...html.matchAll(/<th scope="row" class="govuk-table__header"><a class="govuk-link" href="\/staff\/supervision\/t1\/schools\/(\d+)">/g)].map((m) => Number(m[1]));
const row = (over: Partial<WorkRow>): WorkRow => ({ urn: 1, school: '', name: 'S', last: 'none', held: 0, dueFrom: '', dueBy: '', state: 'not yet due', formsToReturn: 0, recordsToWrite: 0, ...over });

describe('what needs doing first', () => {
  it('orders overdue, due now, no session yet, then forms or records outstanding, then the rest; ties by natural name', () => {
    const rows = [
      row({ urn: 1, name: 'School 10', state: 'intervention ended' }),
      row({ urn: 2, name: 'School 2', state: 'not yet due', formsToReturn: 1 }),
      row({ urn: 3, name: 'School 3', state: 'due now' }),
      row({ urn: 4, name: 'School 4', state: 'all sessions held' }),
      row({ urn: 5, name: 'School 5', state: 'overdue' }),
      row({ urn: 6, name: 'School 6', state: 'no session yet' }),
      row({ urn: 7, name: 'School 1', state: 'not yet due' }),
      row({ urn: 8, name: 'School 9', state: 'intervention ended', recordsToWrite: 2 }),
    ];
    expect(byWhatNeedsDoing(rows, naturalCompare).map((r) => r.urn)).toEqual([5, 3, 6, 2, 8, 7, 4, 1]);
    expect(rows.filter((r) => matchesFilter(r, { state: 'needs-session', school: '' })).map((r) => r.urn)).toEqual([3, 5, 6]);
    expect(rows.filter((r) => matchesFilter(r, { state: 'forms', school: '' })).map((r) => r.urn)).toEqual([2, 8]);
    expect(rows.filter((r) => matchesFilter(r, { state: null, school: 'school 1' })).map((r) => r.urn)).toEqual([1, 7]); // "School 10" and "School 1"
  });

  it('the home lists the school needing a session first, each row linking to the school and to logging a session for it', async () => {
    const html = await (await request(f, sue, 'get', '/staff/supervision')).text();
    // 100001 had a session on 2026-02-01 (due from 2026-03-01, today 2026-03-02: due now); 100002 has had none
    expect(order(html)).toEqual([100001, 100002]);
    expect(html).toContain('2 schools need a session now.');
    expect(html).toMatch(/href="\/staff\/supervision\/t1\/sessions\/new\?school(=|&#x3D;)100002"/); // Handlebars writes = as &#x3D;
    expect((await (await request(f, sue, 'get', '/staff/supervision/t1/schools/100001')).text())).toContain('Ann Able');
  });

  it('filters by state and by part of the school name or URN with a plain GET form', async () => {
    const page = async (q: string) => (await (await request(f, sue, 'get', `/staff/supervision?${q}`)).text());
    expect(await page('')).toMatch(/<form method="get" action="\/staff\/supervision"/);
    expect(order(await page('school=100002'))).toEqual([100002]);
    expect(order(await page('state=forms'))).toEqual([100001]); // its session's two DSL forms are not back
    const none = await page('state=finished');
    expect(order(none)).toEqual([]);
    expect(none).toContain('No school matches the filter.');
    expect(none).toContain('Showing 0 of 2 schools');
    expect(order(await page('state=%3Cscript%3E'))).toEqual([100001, 100002]); // an unknown state filters nothing
  });
});

describe('DSLs sorted naturally', () => {
  it('"DSL 2" comes before "DSL 10" on the log-a-session form, and a school\'s row ticks its active DSLs', async () => {
    const form = await (await request(f, sue, 'get', '/staff/supervision/t1/sessions/new')).text();
    const names = [...form.matchAll(/class="govuk-label govuk-checkboxes__label" for="dsl-[^"]+">([^<]+)</g)].map((m) => m[1]);
    expect(names).toEqual(['Ann Able', 'Bob Best', 'DSL 1', 'DSL 2', 'DSL 10']);
    const ticked = await (await request(f, sue, 'get', '/staff/supervision/t1/sessions/new?school=100002')).text();
    expect([...ticked.matchAll(/value="(dsl-[^"]+)" checked/g)].map((m) => m[1]).sort()).toEqual(['dsl-bbbb', 'dsl-n1', 'dsl-n10', 'dsl-n2']);
  });
});

describe('"saved" after saving', () => {
  it('logging a session redirects to its page, which says it was saved once (the flash does not survive a second view)', async () => {
    const res = await request(f, sue, 'post', '/staff/supervision/t1/sessions', { kind: 'formal', mode: 'online', heldOn: '2026-03-01', durationMinutes: '60', dsls: ['dsl-bbbb'] });
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toMatch(/^\/staff\/supervision\/t1\/sessions\/\d+$/);
    const flash = res.headers.getSetCookie().find((c) => c.startsWith('dslkit_flash='))!;
    expect(flash).toMatch(/^dslkit_flash=session-saved; Path=\/staff; HttpOnly; SameSite=Lax/);
    const withFlash = { ...sue, cookie: `${sue.cookie}; ${flash.split(';')[0]}` };
    const first = await request(f, withFlash, 'get', location);
    const html = await first.text();
    expect(html).toMatch(/govuk-notification-banner--success[\s\S]*Session saved/);
    expect(first.headers.getSetCookie()).toContain('dslkit_flash=; Path=/staff; HttpOnly; SameSite=Lax; Max-Age=0');
    // the browser has dropped the cookie: the next view has no banner
    expect(await (await request(f, sue, 'get', location)).text()).not.toContain('Session saved');
    // a cookie naming no known message shows nothing (never its text)
    const forged = await (await request(f, { ...sue, cookie: `${sue.cookie}; dslkit_flash=%3Cb%3Ehi` }, 'get', location)).text();
    expect(forged).not.toMatch(/notification-banner--success|&lt;b&gt;hi|<b>hi/);
  });

  it('saving a record of supervision says so on the session page', async () => {
    const res = await request(f, sue, 'post', `/staff/supervision/t1/sessions/${f.ids.session}/record`, { dsl: 'dsl-aaaa', supervision_record_date: '2026-02-01' });
    expect(res.status).toBe(303);
    const flash = res.headers.getSetCookie().find((c) => c.startsWith('dslkit_flash='))!.split(';')[0];
    expect(await (await request(f, { ...sue, cookie: `${sue.cookie}; ${flash}` }, 'get', res.headers.get('location')!)).text()).toContain('Record of supervision saved');
  });
});
