// The arm-comparison and IPE reports open in headless Chromium: the page is not blank, tables and charts are visible, and a PDF prints.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { chromium, type Browser } from 'playwright-core';
import { tempDb } from '../helpers/temp';
import { renderReport } from '../../server/reports/render-trial-report';
import { CHROMIUM_ARGS, CHROMIUM_PATH, printPdf } from '../../server/cli/commands/report';
import { fixtureClock, seedReportFixture } from './fixture';
import { axeViolations } from '../helpers/browser';

const hasChromium = fs.existsSync(CHROMIUM_PATH);
let t: ReturnType<typeof tempDb>;
let browser: Browser;
const files: Record<string, string> = {};

beforeAll(async () => {
  t = tempDb();
  const { trialId } = seedReportFixture(t.db);
  for (const kind of ['arm-comparison', 'ipe'] as const) {
    files[kind] = path.join(t.dir, `${kind}.html`);
    fs.writeFileSync(files[kind], await renderReport(t.db, { trialId, kind, clock: fixtureClock }));
  }
  if (hasChromium) browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
});
afterAll(async () => { await browser?.close(); t.cleanup(); });

describe.skipIf(!hasChromium && !process.env.CI)('reports in Chromium', () => {
  for (const kind of ['arm-comparison', 'ipe'] as const) {
    it(`${kind} renders with visible tables and charts`, async () => {
      const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`file://${files[kind]}`);
      const info = await page.evaluate(() => {
        const visible = (el: Element) => { const r = el.getBoundingClientRect(); return r.width > 50 && r.height > 20; };
        return {
          tables: [...document.querySelectorAll('table')].filter(visible).length,
          svgs: [...document.querySelectorAll('figure svg')].filter(visible).length,
          text: document.body.innerText.length,
          h1: document.querySelector('h1')?.textContent ?? '',
        };
      });
      expect(errors).toEqual([]);
      expect(info.tables).toBeGreaterThanOrEqual(kind === 'ipe' ? 4 : 8);
      expect(info.svgs).toBeGreaterThanOrEqual(1);
      expect(info.text).toBeGreaterThan(2000);
      expect(info.h1).toContain('DEMO');
      const png = await page.screenshot({ fullPage: false });
      // A blank page compresses to a few kB; a page of tables and text is far larger.
      expect(png.length).toBeGreaterThan(40_000);
      fs.mkdirSync('tmp', { recursive: true });
      fs.writeFileSync(path.join('tmp', `report-${kind}.png`), png);
      await page.close();
    });
  }

  for (const kind of ['arm-comparison', 'ipe'] as const) {
    it(`axe-core finds no violation of any impact in the ${kind} report`, async () => {
      const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
      await page.goto(`file://${files[kind]}`);
      const found = (await axeViolations(page)).map((v) => `${v.id} (${v.impact}): ${v.help}: ${v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)).join(' ')}`);
      await page.close();
      expect(found).toEqual([]);
    });
  }

  it('prints the report to PDF', async () => {
    const pdf = path.join(t.dir, 'ipe.pdf');
    await printPdf(files.ipe, pdf);
    const head = fs.readFileSync(pdf).subarray(0, 5).toString('latin1');
    expect(head).toBe('%PDF-');
  });

  // poppler-utils (pdftotext, pdfinfo) read the PDF as a reader would; CI installs them.
  const hasPoppler = fs.existsSync('/usr/bin/pdftotext') && fs.existsSync('/usr/bin/pdfinfo');
  it.skipIf(!hasPoppler && !process.env.CI)('the arm-comparison PDF has page numbers, a printed contents list, bookmarks and tags', async () => {
    const pdf = path.join(t.dir, 'arm-comparison.pdf');
    await printPdf(files['arm-comparison'], pdf);
    const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
    const pages = Number(/^Pages:\s+(\d+)/m.exec(info)![1]);
    expect(pages).toBeGreaterThan(3);
    expect(info).toMatch(/^Tagged:\s+yes/m);
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    const pageTexts = text.split('\f');
    expect(pageTexts[0]).toContain(`Page 1 of ${pages}`);
    expect(pageTexts[pages - 1]).toContain(`Page ${pages} of ${pages}`);
    expect(pageTexts[0]).toMatch(/Contents[\s\S]*Trial design[\s\S]*Minimum detectable effect size/);
    // The document outline: the catalogue points at /Outlines, with one entry per section heading.
    const raw = fs.readFileSync(pdf).toString('latin1');
    expect(raw).toMatch(/\/Outlines \d+ 0 R/);
    expect(execFileSync('pdfinfo', ['-struct', pdf], { encoding: 'utf8' }).length).toBeGreaterThan(100);
  });
});

describe('PDF without Chromium', () => {
  it('says how to install Chromium', async () => {
    await expect(printPdf(files.ipe, path.join(t.dir, 'x.pdf'), '/nonexistent/chromium')).rejects.toThrow(/apt-get install chromium/);
  });
});
