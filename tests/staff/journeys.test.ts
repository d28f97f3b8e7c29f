// Staff journeys in Debian's Chromium against the real server and SQLite: evaluator sets up and randomises a trial; supervisor logs a group session; admin accounts; axe on every console page.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeViolations, haveChromium, launchBrowser } from '../helpers/browser';
import { tempDir } from '../helpers/temp';
import { staffFixture, PASSWORD, type StaffFixture, type Who } from './fixture';

const giasSample = '/work/shared/data/schools-gias-sample.csv';
const shotDir = process.env.DSLKIT_SCREENSHOTS ?? null; // set to a folder to keep PNGs of the pages for a human look

let f: StaffFixture;
let browser: Browser;
let tmp: ReturnType<typeof tempDir>;
/** Pages already checked by axe, with their violations of any impact (filled by the journeys). */
const axeResults: Array<{ page: string; violations: Awaited<ReturnType<typeof axeViolations>> }> = [];

/** The schools CSV to upload: the GIAS sample's rows for LA 316 (12 schools), or a small generated file when the sample is absent. */
function schoolsCsv(): { file: string; rows: number } {
  let lines: string[];
  if (fs.existsSync(giasSample)) {
    const [header, ...rows] = fs.readFileSync(giasSample, 'utf8').trim().split('\n');
    lines = [header, ...rows.filter((r) => r.split(',')[1] === '316')];
  } else {
    lines = ['URN,LA (code),LA (name),EstablishmentName,PhaseOfEducation (name),NumberOfPupils,PercentageFSM',
      ...Array.from({ length: 12 }, (_, i) => `${300100 + i},316,Authority 16,Generated School ${i},Primary,${150 + 10 * i},${(5 + 3 * i).toFixed(1)}`)];
  }
  const file = path.join(tmp.dir, 'schools-la316.csv');
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, rows: lines.length - 1 };
}

async function signInAs(context: BrowserContext, who: Who): Promise<Page> {
  context.setDefaultTimeout(10_000); // a missing element fails the step with its locator, not the whole test's timeout
  const page = await context.newPage();
  await page.goto(`${f.server.url}/staff/login`);
  await page.getByLabel('Email address').fill(f.emails[who]);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForLoadState('domcontentloaded');
  return page;
}

async function axe(page: Page, name: string): Promise<void> {
  axeResults.push({ page: name, violations: await axeViolations(page) });
  if (shotDir) await page.screenshot({ path: path.join(shotDir, `${name.replace(/\W+/g, '-')}.png`), fullPage: true });
}

const count = (sql: string) => (f.server.deps.db.prepare(sql).get() as { n: number }).n;

describe.skipIf(!haveChromium)('staff journeys in a real Chromium', () => {
  beforeAll(async () => {
    tmp = tempDir('dslkit-journey-');
    f = await staffFixture();
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await f?.close();
    tmp?.cleanup();
  });

  it('sign-in page', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${f.server.url}/staff/login`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');
    expect(await page.title()).toBe('Sign in – dslkit');
    await axe(page, 'sign-in');
    await context.close();
  });

  it('evaluator creates a trial, uploads schools, previews balance, locks the allocation; a second lock is refused', async () => {
    const context = await browser.newContext();
    const page = await signInAs(context, 'evaluator');
    expect(new URL(page.url()).pathname).toBe('/staff/trials');
    await axe(page, 'trial list');

    await page.getByLabel('Short id').fill('la316-2026');
    await page.getByLabel('Title', { exact: true }).fill('Authority 16 supervision trial');
    await page.getByRole('button', { name: 'Create trial' }).click();
    await page.waitForURL(/\/staff\/trials\/la316-2026$/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Authority 16 supervision trial');

    const csv = schoolsCsv();
    await page.setInputFiles('#schools-file', csv.file);
    await page.getByRole('button', { name: 'Upload schools' }).click();
    await page.waitForLoadState('domcontentloaded');
    expect(await page.getByRole('status').textContent()).toContain(`Imported ${csv.rows} schools from schools-la316.csv`);
    expect(count("SELECT count(*) AS n FROM trial_schools WHERE trial_id = 'la316-2026'")).toBe(csv.rows);
    await axe(page, 'trial page');

    await page.getByRole('link', { name: 'Randomise (preview the balance first)' }).click();
    await page.getByLabel('Seed').fill('20260302');
    await page.getByRole('button', { name: 'Preview balance' }).click();
    await page.waitForLoadState('domcontentloaded');
    const preview = page.locator('table', { hasText: 'Balance if this allocation is locked' });
    expect(await preview.locator('tbody tr').first().textContent()).toMatch(/Schools\s*6\s*6/); // 12 schools split evenly by the stratified method
    expect(count("SELECT count(*) AS n FROM allocations WHERE trial_id = 'la316-2026'")).toBe(0); // previewing writes nothing
    await axe(page, 'randomise preview');
    if (shotDir) await page.screenshot({ path: path.join(shotDir, 'randomise-preview-viewport.png') });

    // A second tab still showing the same preview: the stale lock button there must be refused once the first tab locks.
    const stale = await context.newPage();
    await stale.goto(page.url());

    await page.getByRole('button', { name: 'Lock this allocation' }).click();
    await page.waitForURL(/\/staff\/trials\/la316-2026$/);
    const status = await page.locator('.govuk-summary-list__row', { hasText: 'Status' }).textContent();
    expect(status).toMatch(/randomised\. Randomised on \d{1,2} [A-Z][a-z]+ 20\d\d \(stratified, seed 20260302\)/);
    expect(await page.locator('.govuk-summary-list__row', { hasText: 'Schools allocated' }).textContent()).toContain(String(csv.rows));
    expect(await page.getByRole('link', { name: /Randomise/ }).count()).toBe(0);
    const arms = f.server.deps.db.prepare("SELECT arm, count(*) AS n FROM allocations WHERE trial_id = 'la316-2026' GROUP BY arm ORDER BY arm").all();
    expect(arms).toEqual([{ arm: 'control', n: 6 }, { arm: 'intervention', n: 6 }]);

    await stale.getByRole('button', { name: 'Lock this allocation' }).click();
    await stale.waitForLoadState('domcontentloaded');
    expect(await stale.getByRole('heading', { level: 1 }).textContent()).toBe('That cannot be done now');
    expect(await stale.locator('main').textContent()).toMatch(/already randomised/);
    expect(count("SELECT count(*) AS n FROM randomisations WHERE trial_id = 'la316-2026'")).toBe(1);
    expect(count("SELECT count(*) AS n FROM audit_log WHERE trial_id = 'la316-2026' AND action = 'randomise.refused'")).toBe(1);
    expect(f.server.deps.db.prepare("SELECT arm, count(*) AS n FROM allocations WHERE trial_id = 'la316-2026' GROUP BY arm ORDER BY arm").all()).toEqual(arms);

    // The randomise page now shows the locked allocation instead of a form.
    await page.goto(`${f.server.url}/staff/trials/la316-2026/randomise`);
    expect(await page.getByRole('status').textContent()).toMatch(/The allocation is locked/);
    expect(await page.getByRole('button', { name: /Lock|Preview/ }).count()).toBe(0);

    await page.goto(`${f.server.url}/staff/trials/la316-2026/fieldwork`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('Fieldwork');
    await axe(page, 'fieldwork monitor');
    await context.close();
  });

  it('supervisor logs a group session with DSLs from two of their schools and it appears in their schedule', async () => {
    const context = await browser.newContext();
    const page = await signInAs(context, 'supervisor');
    expect(new URL(page.url()).pathname).toBe('/staff/supervision');
    await axe(page, 'supervisor home');
    const schedule = () => page.locator('table', { hasText: 'what needs doing first' });
    // Fixture: School 100002 has had no session yet; School 100001 had one on 2026-02-01.
    expect(await schedule().locator('tr', { hasText: 'School 100002' }).textContent()).toContain('No session yet');

    await page.getByRole('button', { name: 'Log a session' }).click();
    await page.waitForURL(/\/sessions\/new$/);
    await axe(page, 'log-session form');
    await page.getByLabel('Formal supervision').check();
    await page.getByLabel('Face to face').check();
    await page.getByLabel('Day').fill('28');
    await page.getByLabel('Month').fill('2');
    await page.getByLabel('Year').fill('2026');
    await page.getByLabel('Duration in minutes').fill('120');
    await page.getByLabel('Ann Able').check(); // School 100001
    await page.getByLabel('Bob Best').check(); // School 100002
    expect(await page.getByLabel('Cat Cole').count()).toBe(0); // another supervisor's DSL is not offered
    await page.getByRole('button', { name: 'Save session' }).click();
    await page.waitForURL(/\/staff\/supervision\/t1\/sessions\/\d+$/);
    expect(await page.locator('.govuk-notification-banner--success').textContent()).toContain('Session saved');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Session on 28 February 2026');
    await page.reload();
    expect(await page.locator('.govuk-notification-banner--success').count()).toBe(0); // shown once

    await page.goto(`${f.server.url}/staff/supervision`);
    for (const school of ['School 100001', 'School 100002']) {
      // every 4-6 weeks after 2026-02-28: next due from 2026-03-28, by 2026-04-11; today (2026-03-02) not yet due
      expect(await schedule().locator('tr', { hasText: school }).textContent()).toMatch(/Not yet due.*28 February 2026.*28 March 2026.*11 April 2026/s);
    }
    await page.getByRole('link', { name: 'School 100002 (100002)' }).click();
    await page.waitForURL(/\/schools\/100002$/);
    const sessions = page.locator('table', { hasText: 'Sessions held with this school' });
    expect(await sessions.locator('tr', { hasText: '28 February 2026' }).textContent()).toMatch(/Formal supervision.*Face to face, group.*Bob Best/s);
    const stored = f.server.deps.db.prepare("SELECT format, duration_minutes AS minutes FROM supervision_sessions WHERE held_on = '2026-02-28'").all();
    expect(stored).toEqual([{ format: 'group', minutes: 120 }]);
    await context.close();
  });

  it('admin opens the staff accounts page from the navigation', async () => {
    const context = await browser.newContext();
    const page = await signInAs(context, 'admin');
    await page.getByRole('link', { name: 'Accounts' }).click();
    await page.waitForURL(/\/staff\/accounts$/);
    expect(await page.locator('table', { hasText: 'Accounts' }).locator('tbody tr').count()).toBe(Object.keys(f.emails).length);
    await axe(page, 'accounts');
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.waitForURL(/\/staff\/audit$/);
    expect(await page.locator('tbody tr').count()).toBeGreaterThan(0);
    await axe(page, 'audit log');
    await context.close();
  });

  it('evaluator walks the report-input pages; an empty cost shows the GOV.UK error summary', async () => {
    const context = await browser.newContext();
    const page = await signInAs(context, 'evaluator');
    const base = `${f.server.url}/staff/trials/${f.ids.trial}/report-inputs`;
    await page.goto(base);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toMatch(/Report inputs/);
    await axe(page, 'report inputs');
    await page.goto(`${base}/costs`);
    await page.getByRole('button', { name: 'Add cost' }).click();
    await page.waitForLoadState('domcontentloaded');
    expect(await page.locator('.govuk-error-summary').count()).toBe(1);
    await axe(page, 'costs with errors');
    for (const [slug, name] of [['quotes', 'quote picker'], ['description', 'TIDieR description'], ['settings', 'report settings'], ['sections', 'report sections']]) {
      await page.goto(`${base}/${slug}`);
      expect(await page.getByRole('heading', { level: 1 }).count()).toBe(1);
      await axe(page, name);
    }
    // The character count (govuk-frontend's script) counts what is typed; a javascript: link is refused with the error summary.
    await page.locator('#introduction').fill('See [this](javascript:alert(1)).');
    const status = page.locator('.govuk-character-count:has(#introduction) .govuk-character-count__status');
    await expect.poll(() => status.textContent()).toMatch(/You have 19,968 characters remaining/);
    await page.getByRole('button', { name: 'Save report sections' }).click();
    await page.waitForLoadState('domcontentloaded');
    expect(await page.locator('.govuk-error-summary a[href="#introduction"]').textContent()).toContain('Links in the introduction must start with https://');
    await axe(page, 'report sections with errors');
    await page.goto(`${f.server.url}/staff/trials/${f.ids.trial}/reports`);
    await axe(page, 'reports list');
    await context.close();
  });

  it('axe-core: no violation of any impact (region included) on any page visited', () => {
    expect(axeResults.map((r) => r.page).sort()).toEqual(['TIDieR description', 'accounts', 'audit log', 'costs with errors', 'fieldwork monitor', 'log-session form', 'quote picker', 'randomise preview', 'report inputs', 'report sections', 'report sections with errors', 'report settings', 'reports list', 'sign-in', 'supervisor home', 'trial list', 'trial page']);
    const found = axeResults.filter((r) => r.violations.length).map((r) => `${r.page}: ${r.violations.map((v) => `${v.id} (${v.impact}) ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`).join('; ')}`);
    expect(found).toEqual([]);
  });
});
