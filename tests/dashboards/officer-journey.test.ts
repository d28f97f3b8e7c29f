// Browser journey in Debian's Chromium: an LA officer signs in, previews their dashboard, publishes it, and the public URL shows the snapshot; axe finds nothing serious.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { haveChromium, launchBrowser, seriousAxeViolations } from '../helpers/browser';
import { captureIo, tempDir } from '../helpers/temp';
import { runCli } from '../../server/cli';
import { officerFixture, OFFICER_PASSWORD } from './officer-fixture';

describe.skipIf(!haveChromium)('LA officer publishes a dashboard (Chromium)', () => {
  let f: Awaited<ReturnType<typeof officerFixture>>;
  let browser: Browser;
  const out = tempDir('dslkit-static-');

  beforeAll(async () => {
    f = await officerFixture();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await f?.close();
    out.cleanup();
  });

  it('sign in, preview, publish, then the public URL shows the snapshot', async () => {
    const page = await browser.newPage();
    await page.goto(`${f.server.url}/staff/login?next=/staff/la`);
    await page.getByLabel('Email address').fill(f.emails.la_officer);
    await page.getByLabel('Password').fill(OFFICER_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/staff\/la\/990$/);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('Supervision for designated safeguarding leads');
    expect(await page.getByText('This is a preview of live data').count()).toBe(1);
    expect(await page.locator('main').textContent()).toContain('has not been published yet');
    expect(JSON.stringify(await seriousAxeViolations(page), null, 1)).toBe('[]');

    await page.getByRole('button', { name: 'Publish this dashboard' }).click();
    await page.waitForURL(/\/staff\/la\/990\/publish$/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('Are you sure you want to publish');
    expect(JSON.stringify(await seriousAxeViolations(page), null, 1)).toBe('[]');
    await page.getByRole('button', { name: 'Publish dashboard' }).click();
    await page.waitForURL(/\/staff\/la\/990\/published$/);
    expect(await page.locator('.govuk-panel__title').textContent()).toContain('Dashboard published');
    expect(JSON.stringify(await seriousAxeViolations(page), null, 1)).toBe('[]');
    await page.getByRole('link', { name: '/dashboards/990' }).click();
    await page.waitForURL(/\/dashboards\/990$/);
    expect(await page.locator('main').textContent()).toContain('Published on 20 July 2025');
    expect(await page.getByText('This is a preview').count()).toBe(0);

    // A visitor with no session sees the same published snapshot.
    const visitor = await browser.newContext();
    const pub = await visitor.newPage();
    const res = await pub.goto(`${f.server.url}/dashboards/990`);
    expect(res?.status()).toBe(200);
    expect(await pub.locator('caption').first().textContent()).toBe('Schools taking part');
    expect(await pub.locator('svg[role="img"]').count()).toBeGreaterThan(0);
    expect(await pub.locator('script').count()).toBe(0);
    expect(JSON.stringify(await seriousAxeViolations(pub), null, 1)).toBe('[]');
    await visitor.close();
  });

  it('the static copy from dslkit publish opens from disk with styles, charts and no serious axe violations', async () => {
    const io = captureIo();
    expect(await runCli(['publish', '--la', '990', '--snapshot', '--out', out.dir, '--db', f.server.deps.config.dbPath], io.io)).toBe(0);
    const page = await browser.newPage();
    await page.goto(pathToFileURL(path.join(out.dir, 'index.html')).href);
    // The GOV.UK stylesheet loaded from the copied folder: the h1 gets the govuk font size (48px on wide screens).
    const size = await page.locator('h1').evaluate((el) => getComputedStyle(el).fontSize);
    expect(['40px', '48px', '50px']).toContain(size);
    expect(await page.locator('svg[role="img"]').count()).toBeGreaterThan(0);
    expect(fs.readFileSync(path.join(out.dir, 'index.html'), 'utf8')).not.toMatch(/<script/i);
    expect(JSON.stringify(await seriousAxeViolations(page), null, 1)).toBe('[]');
  });
});
