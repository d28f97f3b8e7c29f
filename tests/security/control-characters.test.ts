// NUL bytes and other control characters (issue #10: written raw into HTML) are stripped from stored text: survey answers, staff form fields and CSV cells keep tab, newline and carriage return only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { seedSurveyFixture, type SurveyFixture } from '../helpers/survey-fixture';
import { parseCsv } from '../../server/domain/csv';
import { stripControlCharacters } from '../../server/domain/text/control-characters';
import { staffFixture, signIn, request, type StaffFixture } from '../staff/fixture';

const controls = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const hostile = 'before\u0000NUL\u0007bell\u001Bescape\u007Fdel\u0085next\tTab\nNewline\r\nCRLF';
const kept = 'beforeNULbellescapedelnext\tTab\nNewline\r\nCRLF';

describe('stripControlCharacters', () => {
  it('removes C0 (but tab, LF, CR), DEL and C1 controls, and nothing else', () => {
    expect(stripControlCharacters(hostile)).toBe(kept);
    expect(stripControlCharacters('Zoë 😀 «quotes» \u202e')).toBe('Zoë 😀 «quotes» \u202e');
  });
});

describe('survey answers', () => {
  let srv: TestServer;
  let fx: SurveyFixture;
  beforeAll(async () => {
    srv = await startTestServer({ clock: () => new Date('2025-03-01T09:00:00.000Z') });
    fx = seedSurveyFixture(srv.deps.db, srv.deps.secret, { instruments: ['dsl-evaluation@1'], dsls: 1, opensAt: '2025-02-01T00:00:00.000Z', closesAt: '2025-04-01T00:00:00.000Z' });
  });
  afterAll(async () => { await srv.close(); });

  it('a free-text answer with control characters is stored and given back without them', async () => {
    const t = fx.dsls[0].token;
    const res = await fetch(`${srv.url}/api/s/${t}/progress`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: { dsl_evaluation_experience: hostile }, page: 0 }) });
    expect(res.status).toBe(204);
    const stored = JSON.stringify(srv.deps.db.prepare('SELECT * FROM responses').all()) + JSON.stringify(srv.deps.db.prepare('SELECT * FROM response_snapshots').all());
    expect(stored).not.toMatch(/\\u0000|\\u0007|\\u001b/i);
    const back = await (await fetch(`${srv.url}/api/s/${t}`)).json() as { data: Record<string, string> };
    expect(back.data.dsl_evaluation_experience).toBe(kept);
  });
});

describe('staff forms and CSV imports', () => {
  let f: StaffFixture;
  beforeAll(async () => { f = await staffFixture(); }, 60_000);
  afterAll(async () => { await f.close(); });

  it('a staff form field (a new trial\'s title) is stored and shown without control characters', async () => {
    const ev = await signIn(f, 'evaluator');
    const res = await request(f, ev, 'post', '/staff/trials', { id: 'ctl', title: `Trial ${hostile}` });
    expect(res.status).toBeLessThan(400);
    const row = f.server.deps.db.prepare("SELECT title FROM trials WHERE id = 'ctl'").get() as { title: string };
    expect(row.title).not.toMatch(controls);
    const page = await (await request(f, ev, 'get', '/staff/trials/ctl')).text();
    expect(page).not.toMatch(controls);
  });

  it('CSV cells lose their control characters when parsed (every import goes through parseCsv)', () => {
    const table = parseCsv(`URN,EstablishmentName\n100001,"School\u0000 of\u0007 ${'x'}"\n`, 'schools.csv');
    expect(table.rows[0].values.EstablishmentName).toBe('School of x');
  });
});
