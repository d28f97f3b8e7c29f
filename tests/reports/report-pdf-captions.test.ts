// No table caption is orphaned from its table in the printed PDF (issue 16): for every "Table N" caption of both reports, the PDF page that holds the caption also holds the table's header and first row, read back with poppler's pdftotext page by page.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { tempDb } from '../helpers/temp';
import { renderReport } from '../../server/reports/render-trial-report';
import { CHROMIUM_PATH, printPdf } from '../../server/cli/commands/report';
import { fixtureClock, seedReportFixture } from './fixture';

const hasTools = fs.existsSync(CHROMIUM_PATH) && fs.existsSync('/usr/bin/pdftotext');
let t: ReturnType<typeof tempDb>;
const html: Record<string, string> = {};
beforeAll(async () => {
  t = tempDb();
  const { trialId } = seedReportFixture(t.db);
  for (const kind of ['arm-comparison', 'ipe'] as const) html[kind] = await renderReport(t.db, { trialId, kind, clock: fixtureClock });
});
afterAll(() => t.cleanup());

const text = (s: string) => s.replace(/<[^>]+>/g, ' ').replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/\s+/g, ' ').trim();
/** Words as pdftotext gives them: whitespace collapsed, hyphen-free comparison of the first few words. */
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
const firstWords = (s: string, n: number) => s.split(' ').slice(0, n).join(' ');

/** Each numbered table: its caption, its first header cell and its first body row's first cell. */
function numberedTables(page: string): Array<{ caption: string; header: string; firstRow: string }> {
  return [...page.matchAll(/<table[\s\S]*?<\/table>/g)].flatMap(([tbl]) => {
    const caption = text(/<caption>([\s\S]*?)<\/caption>/.exec(tbl)?.[1] ?? '');
    if (!/^(Appendix table|Table) \d/.test(caption)) return [];
    const header = text(/<thead>[\s\S]*?<th[^>]*>([\s\S]*?)<\/th>/.exec(tbl)?.[1] ?? '');
    const firstRow = text(/<tbody>[\s\S]*?<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/.exec(tbl)?.[1] ?? '');
    return [{ caption, header, firstRow }];
  });
}

describe.skipIf(!hasTools && !process.env.CI)('captions stay with their tables in the PDF', () => {
  for (const kind of ['arm-comparison', 'ipe'] as const) {
    it(`${kind}: every "Table N" caption's page holds the table's header and first row`, async () => {
      const file = path.join(t.dir, `${kind}.html`);
      fs.writeFileSync(file, html[kind]);
      const pdf = path.join(t.dir, `${kind}.pdf`);
      await printPdf(file, pdf);
      const pages = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).split('\f').map(squash);
      const tables = numberedTables(html[kind]);
      if (kind === 'arm-comparison') expect(tables.length).toBeGreaterThanOrEqual(6);
      const orphans: string[] = [];
      for (const tb of tables) {
        const key = firstWords(tb.caption, 6);
        const at = pages.findIndex((p) => p.includes(key));
        expect(at, `caption "${key}" not found in the PDF text`).toBeGreaterThanOrEqual(0);
        const rest = pages[at].slice(pages[at].indexOf(key) + key.length);
        const want = [firstWords(tb.header, 1), firstWords(tb.firstRow, 1)].filter(Boolean);
        if (!want.every((w) => rest.includes(w))) orphans.push(`${tb.caption} (page ${at + 1}; first row "${tb.firstRow.slice(0, 40)}" on page ${pages.findIndex((p, i) => i > at && p.includes(firstWords(tb.firstRow, 1))) + 1})`);
      }
      expect(orphans).toEqual([]);
    });
  }

  it('short and long tables placed at every height of the page: no caption is left at the foot of one page with its table on the next', async () => {
    // The reports' own stylesheet (head partial) with 64 tables (alternately 4 and 30 rows long), each pair after a spacer 4 mm taller than the last,
    // so some caption falls at the foot of a page whatever the page height: the print CSS must carry it over.
    const head = /<head>[\s\S]*?<\/head>/.exec(html.ipe)![0];
    const body = Array.from({ length: 64 }, (_, i) => `<div style="height:${((i >> 1) * 4) % 250}mm"></div><table><caption>Table ${i + 1}. Synthetic table ${i + 1}</caption>`
      + `<thead><tr><th scope="col">Head${i + 1}</th><th scope="col">Value</th></tr></thead><tbody>`
      + Array.from({ length: i % 2 ? 30 : 4 }, (_, r) => `<tr><th scope="row">Row${i + 1}x${r + 1}</th><td>${r}</td></tr>`).join('') + '</tbody></table>').join('\n');
    const page = `<!DOCTYPE html><html lang="en-GB">${head}<body><main>${body}</main></body></html>`;
    const file = path.join(t.dir, 'synthetic.html');
    fs.writeFileSync(file, page);
    const pdf = path.join(t.dir, 'synthetic.pdf');
    await printPdf(file, pdf);
    const pages = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).split('\f').map(squash);
    expect(pages.length).toBeGreaterThan(10);
    const orphans: string[] = [];
    for (let i = 1; i <= 64; i++) {
      const at = pages.findIndex((p) => p.includes(`Table ${i}. Synthetic table ${i} `) || p.endsWith(`Table ${i}. Synthetic table ${i}`));
      expect(at, `Table ${i}`).toBeGreaterThanOrEqual(0);
      const rest = pages[at].slice(pages[at].indexOf(`Synthetic table ${i}`));
      if (!rest.includes(`Head${i} `) || !rest.includes(`Row${i}x1`)) orphans.push(`Table ${i} on page ${at + 1}: "…${pages[at].slice(-300)}" then "${(pages[at + 1] ?? '').slice(0, 60)}…"`);
    }
    expect(orphans).toEqual([]);
  });
});
