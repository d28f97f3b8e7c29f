// Staff pages speak in words: dates as "1 March 2026" (en-GB, Europe/London), never ISO; instruments by name, never `pss10@1`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dateText, dateTimeText, instrumentName } from '../../server/views/format';
import { request, signIn, staffFixture, type Signed, type StaffFixture } from './fixture';

const visibleText = (html: string) => html.replace(/<(script|style)[\s\S]*?<\/\1>/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('date and instrument helpers', () => {
  it('writes dates the GOV.UK way in London time', () => {
    expect(dateText('2025-08-08')).toBe('8 August 2025');
    // 23:30 UTC on 31 March 2026 is 00:30 BST on 1 April in London
    expect(dateText('2026-03-31T23:30:00Z')).toBe('1 April 2026');
    expect(dateTimeText('2025-08-08T08:30:00Z')).toBe('8 August 2025, 9:30am');
    // noon and midnight in London (GMT in November): 12 o'clock, never "0:00pm"
    expect(dateTimeText('2026-11-20T12:00:00Z')).toBe('20 November 2026, 12:00pm');
    expect(dateTimeText('2026-11-20T00:05:00Z')).toBe('20 November 2026, 12:05am');
    expect(instrumentName('pss10@1')).toMatch(/Perceived Stress Scale/);
    expect(instrumentName('nosuch@9')).toBe('nosuch@9');
  });
});

describe('staff pages show words, not stored values', () => {
  let f: StaffFixture;
  let eva: Signed;
  let sue: Signed;
  beforeAll(async () => {
    f = await staffFixture();
    eva = await signIn(f, 'evaluator');
    sue = await signIn(f, 'supervisor');
  });
  afterAll(() => f.close());

  it.each(['/staff/trials/t1', '/staff/trials/t1/waves'])('%s: wave dates and instruments in words', async (path) => {
    const text = visibleText(await (await request(f, eva, 'get', path)).text());
    expect(text).toContain('1 March 2026');
    expect(text).toContain('1 April 2026');
    expect(text).toMatch(/Perceived Stress Scale/);
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(text).not.toContain('pss10@1');
  });

  it('trial page: randomisation and retention dates in words', async () => {
    const text = visibleText(await (await request(f, eva, 'get', '/staff/trials/t1')).text());
    expect(text).toContain('Randomised on 2 March 2026');
    expect(text).toContain('kept until 1 January 2030');
  });

  it('supervisor: sessions and schedule dates in words', async () => {
    const text = visibleText(await (await request(f, sue, 'get', '/staff/supervision')).text());
    expect(text).toContain('1 February 2026');
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });
});
