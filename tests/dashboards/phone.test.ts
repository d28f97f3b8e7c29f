// Public dashboards in Debian's Chromium at 375 px (a phone) and 1280 px: no horizontal overflow, charts drawn at full
// size (not shrunk), axis titles that never overlap, captions that keep the instrument's name, and an LA too small to
// show anything says so in a sentence. Screenshots are written to $DSLKIT_SCREENSHOTS (or a temporary folder).
import fs from 'node:fs';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { haveChromium, launchBrowser, seriousAxeViolations } from '../helpers/browser';
import { startTestServer, type TestServer } from '../helpers/server';
import { tempDir } from '../helpers/temp';
import { seedTemptingFixture, TEMPT_LA } from './tempting-fixture';
import { publishDashboard } from '../../server/http/dashboards/dashboard-service';
import { TOO_SMALL } from '../../server/domain/dashboards/build-dashboard';
import { smallLa, type SmallLa } from './small-la-fixture';

describe.skipIf(!haveChromium)('public dashboards on a phone and a desktop (Chromium)', () => {
  let browser: Browser;
  let server: TestServer;
  let tiny: SmallLa;
  const shots = process.env.DSLKIT_SCREENSHOTS ? { dir: process.env.DSLKIT_SCREENSHOTS, cleanup: () => {} } : tempDir('dslkit-shots-');

  beforeAll(async () => {
    fs.mkdirSync(shots.dir, { recursive: true });
    server = await startTestServer({ clock: () => new Date('2025-07-20T12:00:00Z') });
    seedTemptingFixture(server.deps.db);
    await publishDashboard(server.deps.db, TEMPT_LA.code, 'test:publisher', new Date('2025-07-20T12:00:00Z'));
    // Three schools with four DSLs, three of whom answered a closed wave: every figure would be "c".
    tiny = await smallLa({ dslsPerSchool: [1, 1, 2] });
    for (let i = 0; i < 3; i++) await tiny.answer(i, 10 + i);
    tiny.now.t = new Date('2025-03-05T09:00:00Z');
    await tiny.publish();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await tiny?.close();
    shots.cleanup();
  });

  async function open(url: string, width: number, name: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    const res = await page.goto(url);
    expect(res?.status()).toBe(200);
    await page.screenshot({ path: path.join(shots.dir, `${name}-${width}.png`), fullPage: true });
    return page;
  }

  for (const width of [375, 1280]) {
    it(`the tempting fixture's dashboard at ${width} px: nothing wider than the screen, charts at full size, axis titles apart`, async () => {
      const page = await open(`${server.url}/dashboards/${TEMPT_LA.code}`, width, 'dashboard-990');
      const overflow = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
      expect(overflow.scroll).toBeLessThanOrEqual(overflow.client);
      const charts = await page.locator('figure.dslkit-chart svg').evaluateAll((svgs) => svgs.map((svg) => {
        const drawn = svg.getBoundingClientRect().width;
        const viewBox = (svg as SVGSVGElement).viewBox.baseVal.width;
        const titles = [...svg.querySelectorAll('.role-axis-title text')].map((t) => t.getBoundingClientRect());
        const overlaps = titles.some((a, i) => titles.some((b, j) => j > i && a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom));
        return { drawn, viewBox, overlaps, titles: titles.length };
      }));
      expect(charts.length).toBeGreaterThan(0);
      for (const c of charts) {
        expect(c.drawn / c.viewBox).toBeGreaterThan(0.99); // drawn at full size, so its 11 px labels stay 11 px
        expect(c.titles).toBeGreaterThan(1);
        expect(c.overlaps).toBe(false);
      }
      await page.locator('figure.dslkit-chart').first().screenshot({ path: path.join(shots.dir, `dashboard-990-chart-${width}.png`) });
      await page.locator('.dslkit-table-scroll').filter({ hasText: 'Supervision sessions by kind and mode' }).screenshot({ path: path.join(shots.dir, `dashboard-990-table-${width}.png`) });
      const captions = await page.locator('figure.dslkit-chart figcaption').allTextContents();
      expect(captions.join(' ')).toContain('Mental wellbeing (SWEMWBS)');
      expect(captions.join(' ')).not.toMatch(/\(swemwbs\)|\(ons\)/);
      expect(JSON.stringify(await seriousAxeViolations(page), null, 1)).toBe('[]');
      await page.close();
    });
  }

  it('an LA too small to show anything says so in one sentence instead of tables of "c"', async () => {
    const page = await open(`${tiny.server.url}/dashboards/880`, 375, 'dashboard-880-too-small');
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain(TOO_SMALL);
    expect(await page.locator('main table').count()).toBe(0);
    expect(await page.locator('main svg').count()).toBe(0);
    await page.close();
  });
});
