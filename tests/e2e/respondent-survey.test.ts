// End-to-end: a DSL completes the wave survey in Debian's Chromium against the real server and built client; scores land in SQLite; keyboard-only and axe checks.
import fs from 'node:fs';
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { haveChromium, launchBrowser, seriousAxeViolations } from '../helpers/browser';
import { startTestServer, type TestServer } from '../helpers/server';
import { seedSurveyFixture, type SurveyFixture } from '../helpers/survey-fixture';

interface Case { name: string; answers: Record<string, number>; expected: Record<string, { value: number | null; band?: string }> }
const casesOf = (id: string) => (JSON.parse(fs.readFileSync(new URL(`../../instruments/${id}/cases.json`, import.meta.url), 'utf8')) as { cases: Case[] }).cases;
// instruments/ons4/cases.json: ONS personal well-being thresholds (QMI); each item is its own score
const ons4Case = casesOf('ons4')[0];
// instruments/pss10/cases.json "complete": hand-computed with Cohen's reverse-and-sum rule, total 26
const pssCase = casesOf('pss10').find((c) => c.name === 'complete')!;

let srv: TestServer;
let browser: Browser;
let fx: SurveyFixture;
let closed: SurveyFixture;

const question = (page: Page, item: string) => page.locator(`[data-name="${item}"]`);
/** Clicks the answer with this value (rating buttons and radio options are labels wrapping a radio input). */
const choose = (page: Page, item: string, value: number) => question(page, item).locator(`label:has(input[value="${value}"])`).click();
const isChecked = (page: Page, item: string, value: number) => question(page, item).locator(`input[value="${value}"]`).isChecked();

function storedScores(invitationId: number): { instrument: string; scale: string; value: number | null; band: string | null }[] {
  return srv.deps.db.prepare(`SELECT s.instrument, s.scale, s.value, s.band FROM scores s JOIN responses r ON r.id = s.response_id
    WHERE r.invitation_id = ? ORDER BY s.instrument, s.scale`).all(invitationId) as never;
}

function expectedScores(): { instrument: string; scale: string; value: number | null; band: string | null }[] {
  return [
    ...Object.entries(ons4Case.expected).map(([scale, e]) => ({ instrument: 'ons4@1', scale, value: e.value, band: e.band ?? null })),
    ...Object.entries(pssCase.expected).map(([scale, e]) => ({ instrument: 'pss10@1', scale, value: e.value, band: e.band ?? null })),
  ].sort((a, b) => (a.instrument + a.scale).localeCompare(b.instrument + b.scale));
}

const progressSaved = (page: Page) => page.waitForResponse((r) => r.url().endsWith('/progress') && r.request().method() === 'PUT');

/** Presses Tab until the focused element matches the selector (keyboard only, as a DSL would). */
async function tabTo(page: Page, selector: string, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

/** Selects a value in a radio group by keyboard: Space checks the first option, ArrowRight moves along. */
async function keyboardAnswer(page: Page, item: string, index: number): Promise<void> {
  await tabTo(page, `[data-name="${item}"] input[type="radio"]`);
  await page.keyboard.press('Space');
  for (let i = 0; i < index; i++) await page.keyboard.press('ArrowRight');
}

describe.skipIf(!haveChromium)('the DSL survey in a real Chromium', () => {
  beforeAll(async () => {
    srv = await startTestServer();
    fx = seedSurveyFixture(srv.deps.db, srv.deps.secret, { instruments: ['ons4@1', 'pss10@1'], dsls: 3 });
    closed = seedSurveyFixture(srv.deps.db, srv.deps.secret, { trialId: 'closed', instruments: ['pss10@1'], opensAt: '2024-01-01T00:00:00.000Z', closesAt: '2024-06-01T00:00:00.000Z' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  it('answers page 1, reloads half-way to the same answers and page, submits once, and the stored scores equal the cases', async () => {
    const dsl = fx.dsls[0];
    const page = await browser.newPage();
    await page.goto(`${srv.url}/s/${dsl.token}`);
    await expect(page.title()).resolves.toBe('Before you start – Survey for Designated Safeguarding Leads');
    await page.getByRole('button', { name: 'Start now' }).click();
    await expect(page.title()).resolves.toBe('Survey for Designated Safeguarding Leads');
    await question(page, 'ons4_01').waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);

    for (const [item, value] of Object.entries(ons4Case.answers)) await choose(page, item, value);
    const saved = progressSaved(page);
    await page.getByRole('button', { name: 'Next' }).click();
    expect((await saved).status()).toBe(204);
    await question(page, 'pss10_01').waitFor();

    await page.reload();
    await question(page, 'pss10_01').waitFor();
    expect(await question(page, 'ons4_01').count()).toBe(0); // resumed on page 2, not page 1
    await page.getByRole('button', { name: 'Previous' }).click();
    for (const [item, value] of Object.entries(ons4Case.answers)) expect(await isChecked(page, item, value)).toBe(true);
    await page.getByRole('button', { name: 'Next' }).click();
    await question(page, 'pss10_01').waitFor();

    for (const [item, value] of Object.entries(pssCase.answers)) await choose(page, item, value);
    await page.getByRole('button', { name: 'Complete' }).dblclick();
    await page.getByRole('heading', { name: 'Thank you', level: 1 }).waitFor();
    const text = await page.locator('main').innerText();
    expect(text).toContain('08000 562 561');
    expect(text).toContain('educationsupport.org.uk');
    expect(text).not.toMatch(/score|stress level|intervention|control/i);
    expect(await seriousAxeViolations(page)).toEqual([]);

    expect(storedScores(dsl.invitationId)).toEqual(expectedScores());
    const submits = srv.deps.db.prepare(`SELECT count(*) AS n FROM response_snapshots s JOIN responses r ON r.id = s.response_id
      WHERE r.invitation_id = ? AND s.kind = 'submit'`).get(dsl.invitationId) as { n: number };
    expect(submits.n).toBe(1);

    await page.reload(); // the link now shows the thank-you page, not the survey again
    await page.getByRole('heading', { name: 'Thank you', level: 1 }).waitFor();
    await page.close();
  });

  it('can be completed with the keyboard alone', async () => {
    const dsl = fx.dsls[1];
    const page = await browser.newPage();
    await page.goto(`${srv.url}/s/${dsl.token}?begin`);
    await question(page, 'ons4_01').waitFor();
    const ons4Values = Object.entries(ons4Case.answers);
    for (const [item, value] of ons4Values) await keyboardAnswer(page, item, value); // rating 0..10: index = value
    await tabTo(page, '.sd-navigation__next-btn');
    const saved = progressSaved(page);
    await page.keyboard.press('Enter');
    await saved;
    await question(page, 'pss10_01').waitFor();
    for (const [item, value] of Object.entries(pssCase.answers)) await keyboardAnswer(page, item, value); // choices 0..4 in order
    await tabTo(page, '.sd-navigation__complete-btn');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Thank you', level: 1 }).waitFor();
    expect(storedScores(dsl.invitationId)).toEqual(expectedScores());
    await page.close();
  });

  it('tells the DSL when a save is refused, and saves when they try again', async () => {
    const dsl = fx.dsls[2];
    const page = await browser.newPage();
    await page.goto(`${srv.url}/s/${dsl.token}?begin`);
    await question(page, 'ons4_01').waitFor();
    await choose(page, 'ons4_01', 3);
    // ONS4's four single-item scales need every answer (instruments/completeness.ts), so the survey marks them
    // required and will not leave the page with three unanswered
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Response required.').first().waitFor();
    expect(await question(page, 'ons4_02').count()).toBe(1);
    const rest = Object.entries(ons4Case.answers).filter(([item]) => item !== 'ons4_01');
    for (const [item, value] of rest) await choose(page, item, value);
    await page.route('**/progress', (route) => route.fulfill({ status: 413, contentType: 'application/problem+json', body: JSON.stringify({ status: 413, title: 'Payload Too Large' }) }));
    await page.getByRole('button', { name: 'Next' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/too long/i);
    await page.unroute('**/progress');
    const saved = progressSaved(page);
    await page.getByRole('button', { name: 'Try saving again' }).click();
    expect((await saved).status()).toBe(204);
    await alert.waitFor({ state: 'detached' });
    const row = srv.deps.db.prepare(`SELECT s.answers, s.page FROM response_snapshots s JOIN responses r ON r.id = s.response_id
      WHERE r.invitation_id = ? ORDER BY s.id DESC LIMIT 1`).get(dsl.invitationId) as { answers: string; page: number };
    expect({ answers: JSON.parse(row.answers), page: row.page }).toEqual({ answers: { ons4_01: 3, ...Object.fromEntries(rest) }, page: 1 });
    await page.close();
  });

  it('shows plain, accessible pages for an unknown link and a closed survey', async () => {
    const page = await browser.newPage();
    const unknown = await page.goto(`${srv.url}/s/${crypto.randomBytes(32).toString('base64url')}`);
    expect(unknown?.status()).toBe(404);
    await page.getByRole('heading', { name: "This link doesn't work", level: 1 }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    const gone = await page.goto(`${srv.url}/s/${closed.dsls[0].token}`);
    expect(gone?.status()).toBe(410);
    await page.getByRole('heading', { name: 'This survey has closed', level: 1 }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.close();
  });
});
