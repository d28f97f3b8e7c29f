// Issue 12 in a real Chromium on a phone-sized screen: the start page, questions drawn before the script, every answer saved as given (closing mid-page, offline, 429), welcome back, focus and the progress heading, keyboard alone with axe clean on every page.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { haveChromium, launchBrowser, seriousAxeViolations } from '../helpers/browser';
import { startTestServer, type TestServer } from '../helpers/server';
import { seedSurveyFixture, type SurveyFixture } from '../helpers/survey-fixture';
import { captureIo } from '../helpers/temp';
import { runCli } from '../../server/cli';
import { readAudit } from '../../server/storage/audit-repo';
import { findResponseForInvitation, findResponseForLink } from '../../server/storage/response-repo';

let srv: TestServer;
let browser: Browser;
let fx: SurveyFixture;

const phone = { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const question = (page: Page, item: string) => page.locator(`.sd-root-modern [data-name="${item}"]`);
const choose = (page: Page, item: string, value: number) => question(page, item).locator(`label:has(input[value="${value}"])`).click();
const isChecked = (page: Page, item: string, value: number) => question(page, item).locator(`input[value="${value}"]`).isChecked();

/** The answers and page the server holds for an invitation (its response row), or undefined. */
function stored(invitationId: number): { answers: Record<string, unknown>; page: number } | undefined {
  const r = findResponseForInvitation(srv.deps.db, invitationId);
  return r && { answers: r.answers as Record<string, unknown>, page: r.currentPage };
}

async function until<T>(fn: () => T | undefined, what: string, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function cli(...args: string[]) {
  const c = captureIo();
  const code = await runCli(args, c.io, { DSLKIT_DB: srv.deps.config.dbPath, DSLKIT_SECRET_FILE: `${srv.deps.config.dbPath}.secret` }, () => new Date('2026-03-02T09:00:00Z'));
  return { code, out: c.out(), err: c.err() };
}

/** A new phone-sized browser context with an open survey page for this DSL, past the start page. */
async function openSurvey(ctx: BrowserContext, token: string): Promise<Page> {
  const page = await ctx.newPage();
  await page.goto(`${srv.url}/s/${token}?begin`);
  await question(page, 'ons4_01').waitFor();
  return page;
}

describe.skipIf(!haveChromium)('the survey on a DSL phone (issue 12)', () => {
  beforeAll(async () => {
    srv = await startTestServer();
    fx = seedSurveyFixture(srv.deps.db, srv.deps.secret, { trialId: 'phone', instruments: ['ons4@1', 'pss10@1'], dsls: 10 });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  it('opens on a start page with the trial text the evaluator set (escaped), the time it takes and the privacy notice, then starts', async () => {
    const set = await cli('trial', 'start-page', 'phone', '--run-by', 'The <b>Example</b> Institute & partners', '--contact', 'evaluation@example.ac.uk', '--privacy-url', 'https://example.ac.uk/privacy?trial=phone', '--purpose', 'To learn whether supervision helps.');
    expect(set.code).toBe(0);
    expect((await cli('trial', 'start-page', 'phone', '--run-by', 'x', '--contact', 'y', '--privacy-url', 'javascript:alert(1)')).code).toBe(1);
    expect(readAudit(srv.deps.db, { trialId: 'phone' }).filter((a) => a.action === 'trial.start-page')).toHaveLength(1);
    const ctx = await browser.newContext(phone);
    const page = await ctx.newPage();
    await page.goto(`${srv.url}/s/${fx.dsls[0].token}`);
    await page.getByRole('heading', { level: 1, name: 'Survey for Designated Safeguarding Leads' }).waitFor();
    const text = await page.locator('main').innerText();
    expect(text).toContain('The <b>Example</b> Institute & partners runs it');
    expect(text).toContain('To learn whether supervision helps.');
    expect(text).toContain('ONS personal wellbeing (ONS4)');
    expect(text).toContain('Perceived Stress Scale (PSS-10)');
    expect(text).toMatch(/It takes about \d+ minutes?/);
    expect(text).toMatch(/stop at any time and come back/);
    expect(text).toContain('evaluation@example.ac.uk');
    expect(await page.getByRole('link', { name: 'privacy notice for this study' }).getAttribute('href')).toBe('https://example.ac.uk/privacy?trial=phone');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Start now' }).click();
    await question(page, 'ons4_01').waitFor();
    await ctx.close();
  });

  it('draws the first page\'s questions on the server, so they show without the script', async () => {
    const ctx = await browser.newContext({ ...phone, javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto(`${srv.url}/s/${fx.dsls[1].token}?begin`);
    const group = page.getByRole('group', { name: 'Overall, how satisfied are you with your life nowadays?' });
    await group.waitFor();
    expect(await group.getByRole('radio').count()).toBe(11);
    expect(await page.getByRole('heading', { level: 2, name: 'Page 1 of 2: Personal wellbeing (ONS4)', exact: true }).count()).toBe(1);
    await ctx.close();
  });

  it('works without JavaScript: start, answer, save and continue, go back, a refused submission says what is missing, then send', async () => {
    const dsl = fx.dsls[8];
    const ctx = await browser.newContext({ ...phone, javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto(`${srv.url}/s/${dsl.token}`);
    await page.getByRole('button', { name: 'Start now' }).click();
    for (const [item, value] of [['ons4_01', 8], ['ons4_02', 7], ['ons4_03', 6], ['ons4_04', 2]] as const) await page.locator(`[data-name="${item}"] input[value="${value}"]`).check();
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.getByRole('heading', { level: 2, name: 'Page 2 of 2: Perceived Stress Scale (PSS-10)', exact: true }).waitFor();
    expect(stored(dsl.invitationId)).toEqual({ answers: { ons4_01: 8, ons4_02: 7, ons4_03: 6, ons4_04: 2 }, page: 1 });
    await page.locator('[data-name="pss10_01"] input[value="3"]').check();
    await page.getByRole('button', { name: 'Send my answers' }).click();
    const summary = page.getByRole('alert');
    await summary.waitFor();
    expect(await summary.innerText()).toMatch(/There is a problem[\s\S]*pss10_02/);
    expect(await page.getByRole('link', { name: /pss10_02/ }).first().getAttribute('href')).toBe('#q-pss10_02');
    expect(stored(dsl.invitationId)?.answers.pss10_01).toBe(3); // kept although the submission was refused
    expect(await page.locator('[data-name="pss10_01"] input[value="3"]').isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Previous page' }).click();
    await page.getByRole('heading', { level: 2, name: 'Page 1 of 2: Personal wellbeing (ONS4)', exact: true }).waitFor();
    expect(await page.locator('[data-name="ons4_01"] input[value="8"]').isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Save and continue' }).click();
    for (let i = 2; i <= 10; i++) await page.locator(`[data-name="pss10_${String(i).padStart(2, '0')}"] input[value="1"]`).check();
    await page.getByRole('button', { name: 'Send my answers' }).click();
    await page.getByRole('heading', { level: 1, name: 'Thank you' }).waitFor();
    const r = findResponseForLink(srv.deps.db, { invitationId: dsl.invitationId, sessionFormId: null })!;
    expect(r.status).toBe('complete');
    expect(r.answers).toMatchObject({ ons4_01: 8, pss10_01: 3, pss10_10: 1 });
    await ctx.close();
  });

  it('keeps an answer given on the server-drawn page before the script arrived, and saves it', async () => {
    const dsl = fx.dsls[2];
    const ctx = await browser.newContext(phone);
    let release!: () => void;
    const held = new Promise<void>((r) => { release = r; });
    await ctx.route('**/assets/*.js', async (route) => { await held; await route.continue(); });
    const page = await ctx.newPage();
    await page.goto(`${srv.url}/s/${dsl.token}?begin`, { waitUntil: 'commit' }); // the load event waits for the held script
    await page.locator('#dk-ssr-form [data-name="ons4_02"] input[value="7"]').check();
    expect(await seriousAxeViolations(page)).toEqual([]); // the server-drawn page, before the script
    release();
    await question(page, 'ons4_01').waitFor();
    expect(await isChecked(page, 'ons4_02', 7)).toBe(true);
    await until(() => stored(dsl.invitationId)?.answers.ons4_02 === 7, 'the early answer to be saved');
    await ctx.close();
  });

  it('saves each answer as it is given: a page closed mid-page loses nothing, and a new visit says welcome back', async () => {
    const dsl = fx.dsls[3];
    const ctx = await browser.newContext(phone);
    const page = await openSurvey(ctx, dsl.token);
    await choose(page, 'ons4_01', 6);
    await until(() => stored(dsl.invitationId)?.answers.ons4_01 === 6, 'the debounced save of the first answer');
    await choose(page, 'ons4_03', 2); // closed straight away: the pagehide flush must carry it
    await page.close({ runBeforeUnload: true });
    await ctx.close();
    await until(() => stored(dsl.invitationId)?.answers.ons4_03 === 2, 'the answer given just before closing');

    const again = await browser.newContext(phone);
    const back = await again.newPage();
    await back.goto(`${srv.url}/s/${dsl.token}`); // the plain link: no start page once answers are saved
    await question(back, 'ons4_01').waitFor();
    expect(await isChecked(back, 'ons4_01', 6)).toBe(true);
    expect(await isChecked(back, 'ons4_03', 2)).toBe(true);
    expect(await back.locator('.dk-welcome').innerText()).toBe('Welcome back. The answers you gave before have been kept. You are on page 1 of 2: Personal wellbeing (ONS4).');
    await again.close();
  });

  it('offline: keeps the answers on the device, says so calmly, and sends them when the connection is back', async () => {
    const dsl = fx.dsls[4];
    const ctx = await browser.newContext(phone);
    const page = await openSurvey(ctx, dsl.token);
    await ctx.setOffline(true);
    await choose(page, 'ons4_01', 4);
    const note = page.getByRole('status').filter({ hasText: 'offline' });
    await note.waitFor();
    expect(await note.innerText()).toBe("You're offline at the moment: your answers are kept on this device and will be sent as soon as the connection is back.");
    expect(await page.getByRole('alert').count()).toBe(0);
    const kept = await page.evaluate((t) => localStorage.getItem(`dslkit:unsent:${t}`), dsl.token);
    expect(JSON.parse(kept ?? '{}').data).toEqual({ ons4_01: 4 });
    expect(stored(dsl.invitationId)).toBeUndefined();
    await page.close({ runBeforeUnload: true }); // closed while still offline: nothing can be sent

    const later = await ctx.newPage(); // back on the same device, online
    await ctx.setOffline(false);
    await later.goto(`${srv.url}/s/${dsl.token}?begin`);
    await question(later, 'ons4_01').waitFor();
    expect(await isChecked(later, 'ons4_01', 4)).toBe(true);
    await until(() => stored(dsl.invitationId)?.answers.ons4_01 === 4, 'the kept answer to reach the server');
    await until(() => later.evaluate((t) => localStorage.getItem(`dslkit:unsent:${t}`) === null, dsl.token).then((gone) => gone || undefined) as never, 'the device copy to be forgotten');
    await ctx.close();
  });

  it('waits out a 429 (Retry-After), sending nothing before it, then stores the newest answers, not an older set', async () => {
    const dsl = fx.dsls[5];
    const ctx = await browser.newContext(phone);
    const page = await openSurvey(ctx, dsl.token);
    const at: number[] = [];
    await page.route('**/progress', async (route) => {
      at.push(Date.now());
      if (at.length === 1) { await route.fulfill({ status: 429, headers: { 'retry-after': '2', 'content-type': 'application/problem+json' }, body: JSON.stringify({ status: 429, title: 'Too Many Requests' }) }); return; }
      await route.continue();
    });
    await choose(page, 'ons4_01', 1);
    await until(() => at.length === 1 || undefined, 'the refused save');
    await choose(page, 'ons4_02', 9); // its debounced save (0.8 s) would come before the 2 s are up
    await until(() => { const s = stored(dsl.invitationId); return s?.answers.ons4_01 === 1 && s.answers.ons4_02 === 9 ? s : undefined; }, 'the newest answers after Retry-After');
    expect(at[1] - at[0]).toBeGreaterThanOrEqual(1900);
    await ctx.close();
  });

  it('moves focus to the new page heading, announces it, shows "Page 2 of 2: Perceived Stress Scale (PSS-10)" in full on a phone, and Tab then reaches the first question', async () => {
    const ctx = await browser.newContext(phone);
    const page = await openSurvey(ctx, fx.dsls[6].token);
    for (const item of ['ons4_01', 'ons4_02', 'ons4_03', 'ons4_04']) await choose(page, item, 5); // all four are required
    await page.getByRole('button', { name: 'Next' }).click();
    await question(page, 'pss10_01').waitFor();
    expect(await page.evaluate(() => document.activeElement?.matches('h2.dk-page-heading') && document.activeElement.textContent)).toBe('Page 2 of 2: Perceived Stress Scale (PSS-10)');
    expect(await page.getByRole('heading', { level: 2, name: 'Page 2 of 2: Perceived Stress Scale (PSS-10)', exact: true }).isVisible()).toBe(true);
    const fits = await page.locator('.dk-page-heading').evaluate((h) => h.scrollWidth <= h.clientWidth && h.getBoundingClientRect().right <= window.innerWidth);
    expect(fits).toBe(true);
    expect(await page.locator('[role="status"][aria-live="polite"]').first().innerText()).toBe('Page 2 of 2: Perceived Stress Scale (PSS-10)');
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => ({ inQuestion: document.activeElement?.closest('[data-name]')?.getAttribute('data-name'), complete: document.activeElement?.matches('.sd-navigation__complete-btn') ?? false }));
    expect(first).toEqual({ inQuestion: 'pss10_01', complete: false });
    await ctx.close();
  });

  it('can be completed by keyboard alone on a phone, with axe-core clean on every page', async () => {
    const dsl = fx.dsls[7];
    const ctx = await browser.newContext(phone);
    const page = await openSurvey(ctx, dsl.token);
    expect(await seriousAxeViolations(page)).toEqual([]);
    const answerByKeyboard = async (count: number, ahead: number) => {
      for (let i = 0; i < count; i++) {
        // from the heading (or the previous question), Tab reaches the next question's first option; Space picks it, arrows move on
        for (let t = 0; t < 40; t++) {
          await page.keyboard.press('Tab');
          const at = await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type === 'radio');
          if (at) break;
        }
        await page.keyboard.press('Space');
        for (let k = 0; k < ahead; k++) await page.keyboard.press('ArrowRight');
      }
    };
    await answerByKeyboard(4, 3);
    for (let t = 0; t < 40 && !(await page.evaluate(() => document.activeElement?.matches('.sd-navigation__next-btn') ?? false)); t++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await question(page, 'pss10_01').waitFor();
    expect(await page.evaluate(() => document.activeElement?.classList.contains('dk-page-heading'))).toBe(true);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await answerByKeyboard(10, 1);
    for (let t = 0; t < 40 && !(await page.evaluate(() => document.activeElement?.matches('.sd-navigation__complete-btn') ?? false)); t++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Thank you', level: 1 }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    const row = findResponseForInvitation(srv.deps.db, dsl.invitationId)!;
    expect(row.status).toBe('complete');
    const answers = row.answers as Record<string, number>;
    expect([answers.ons4_01, answers.ons4_04, answers.pss10_01, answers.pss10_10]).toEqual([3, 3, 1, 1]);
    await ctx.close();
  });

  it('shows the plain 404 page, not a start page, for an unknown link', async () => {
    const ctx = await browser.newContext(phone);
    const page = await ctx.newPage();
    const res = await page.goto(`${srv.url}/s/${crypto.randomBytes(32).toString('base64url')}`);
    expect(res?.status()).toBe(404);
    expect(await page.getByText('Start now').count()).toBe(0);
    await ctx.close();
  });
});
