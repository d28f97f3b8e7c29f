// The audit log page: a readable table (names for `user:N`, dates in words, detail as text not JSON), newest first, 50 a page, filtered by trial, action and person.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../../server/storage/audit-repo';
import { actorName, detailText } from '../../server/domain/audit/audit-text';
import { request, signIn, staffFixture, type Signed, type StaffFixture } from './fixture';

const rows = (html: string) => [...html.matchAll(/<tr class="govuk-table__row">([\s\S]*?)<\/tr>/g)].map((m) => m[1].replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim()).filter((r) => r && !r.startsWith('When'));

describe('audit log page', () => {
  let f: StaffFixture;
  let eva: Signed;
  let evaId: number;
  let before: number; // entries the fixture wrote (all dated 2026, older than these)
  beforeAll(async () => {
    f = await staffFixture();
    eva = await signIn(f, 'evaluator');
    const db = f.server.deps.db;
    before = (db.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n;
    evaId = (db.prepare("SELECT id FROM users WHERE email = 'eva@example.org'").get() as { id: number }).id;
    for (let i = 0; i < 120; i++) {
      const at = new Date(Date.UTC(2027, 7, 1, 9, 0) + i * 3600_000).toISOString();
      appendAudit(db, { at, actor: i % 2 ? `user:${evaId}` : 'system', action: i % 3 ? 'test.wave_create' : 'test.export', trialId: i % 4 ? 'a1' : 'a2', detail: { wave: `w${i}`, instruments: ['pss10@1', 'ons4@1'] } });
    }
  });
  afterAll(() => f.close());

  it('first page: 50 rows, newest first, names and dates in words, detail as text', async () => {
    const html = await (await request(f, eva, 'get', '/staff/audit')).text();
    const r = rows(html);
    expect(r).toHaveLength(50);
    // entry 119 is 1 August 2027 09:00 UTC + 119 h = 6 August 2027 08:00 UTC = 9:00am BST
    expect(r[0]).toContain('6 August 2027, 9:00am');
    expect(r[0]).toContain('User evaluator');
    expect(r[0]).toContain('wave: w119; instruments: Perceived Stress Scale');
    expect(html.replace(/<[^>]+>/g, ' ')).not.toMatch(/user:\d/); // only as option values, never shown
    expect(html).not.toContain('pss10@1');
    expect(html).not.toContain('{&quot;');
    expect(html).toContain(`Showing 1 to 50 of ${before + 120} entries`);
    expect(html).toContain('class="govuk-pagination"');
  });

  it('trial a1 (90 entries) pages as 50 then 40, the oldest last; an out-of-range page shows the last', async () => {
    expect(rows(await (await request(f, eva, 'get', '/staff/audit?trial=a1')).text())).toHaveLength(50);
    const r = rows(await (await request(f, eva, 'get', '/staff/audit?trial=a1&page=2')).text());
    expect(r).toHaveLength(40);
    expect(r[39]).toContain('1 August 2027, 11:00am'); // entry 1, 10:00 UTC
    expect(rows(await (await request(f, eva, 'get', '/staff/audit?trial=a1&page=99')).text())).toHaveLength(40);
  });

  it('filters by trial, action and person together', async () => {
    const html = await (await request(f, eva, 'get', `/staff/audit?trial=a1&action=test.export&person=user%3A${evaId}`)).text();
    // i odd, i % 3 == 0, i % 4 != 0: i = 3, 9, 15, ... (odd multiples of 3 below 120) = 20 entries
    const expected = Array.from({ length: 120 }, (_, i) => i).filter((i) => i % 2 === 1 && i % 3 === 0 && i % 4 !== 0).length;
    expect(html).toContain(`of ${expected} entries`);
    for (const row of rows(html)) { expect(row).toContain('User evaluator'); expect(row).toContain('Test export'); expect(row).toContain('a1'); }
    expect(html).toMatch(/<option value="user:\d+" selected>User evaluator<\/option>/);
  });
});

describe('audit detail in words', () => {
  it('cuts a hash to its start so the table can wrap, and names the demo seeding as dslkit', () => {
    const hash = '6a8fbfd3c36fdffda2214ecfb4588bf2630fff39220dd01ffa6a8fbfd3c36fdf';
    expect(detailText({ method: 'niesr-fsm-median', input_sha256: hash })).toBe('method: niesr-fsm-median; input sha256: 6a8fbfd3c36f…');
    expect(actorName('system:demo', new Map())).toBe('dslkit (demo)');
    expect(detailText({ urn: 990003, date: '2025-09-13' }, (k) => k, (d) => `day ${d}`)).toBe('urn: 990003; date: day 2025-09-13');
  });
});
