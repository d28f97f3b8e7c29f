// `dslkit report arm-comparison|ipe --trial <id> --out <file.html> [--pdf]`: writes one self-contained HTML report (and optionally a PDF through headless Chromium).
import fs from 'node:fs';
import path from 'node:path';
import { requiredString, flag, UsageError, ValidationError, type CliCommand, type CliIo } from '../command';
import { REPORT_KINDS, type ReportKind } from '../../../reports/render';
import { renderReport } from '../../reports/render-trial-report';
import { writePrivateFile } from '../../storage/private-files';
import { loadConfig } from '../../config';
import { requireTrial } from '../../storage/trial-repo';
import { escapeXml } from '../../../reports/charts/render-svg';

/** Debian's Chromium: the default of DSLKIT_CHROMIUM (config.ts). */
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** A one-line progress bar on stderr, drawn only when stderr is a terminal. */
export function progressBar(io: CliIo, label: string): (fraction: number, stage: string) => void {
  if (!io.isTTY) return () => {};
  return (fraction, stage) => {
    const width = 28;
    const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width);
    io.stderr(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}% ${stage.slice(0, 40).padEnd(40)}`);
    if (fraction >= 1) io.stderr('\n');
  };
}

/** Prints an HTML file to PDF with headless Chromium (playwright-core); a clear sentence when Chromium is missing. */
export async function printPdf(htmlFile: string, pdfFile: string, executablePath = CHROMIUM_PATH): Promise<void> {
  if (!fs.existsSync(executablePath)) {
    throw new ValidationError(`Cannot write a PDF: Chromium is not installed at ${executablePath}. Install it with "sudo apt-get install chromium" (Debian/Ubuntu) or set DSLKIT_CHROMIUM to its path, or open the HTML report in a browser and print it to PDF.`);
  }
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    await page.goto(`file://${path.resolve(htmlFile)}`, { waitUntil: 'load' });
    const title = await page.title();
    writePrivateFile(pdfFile, await page.pdf({
      format: 'A4', printBackground: true, preferCSSPageSize: true,
      // Bookmarks from the headings, and a tagged (structured, screen-reader readable) PDF.
      outline: true, tagged: true,
      // "Page 3 of 10" in the bottom margin of every page (Chromium fills pageNumber and totalPages).
      displayHeaderFooter: true,
      headerTemplate: '<div></div>',
      footerTemplate: `<div style="font-family: Helvetica, Arial, sans-serif; font-size: 8pt; color: #505a5f; width: 100%; margin: 0 14mm; display: flex; justify-content: space-between;">`
        + `<span>${escapeXml(title)}</span><span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`,
    }));
  } finally {
    await browser.close();
  }
}

export const command: CliCommand = {
  name: 'report',
  summary: 'write an arm-comparison or IPE report as one self-contained HTML file (optionally PDF)',
  usage: 'report arm-comparison|ipe --trial <id> --out <file.html> [--pdf] [--db <path>]\n       dslkit report arm-comparison --trial <id> --json',
  description: [
    'Renders the report from the trial database: the arm-comparison (impact) report follows the Bolton',
    'report (design, CONSORT, attrition, baseline, primary and secondary analyses, distributions, compliance,',
    'MDES, effect-size appendix); the IPE report covers reach, dosage, fidelity, ad-hoc support, time logs,',
    'evaluation forms (evaluator-selected quotes), the TIDieR description and costs.',
    'The HTML has inline CSS and SVG and no JavaScript. --pdf also writes <file>.pdf with headless Chromium',
    `(DSLKIT_CHROMIUM, default ${CHROMIUM_PATH}). Example: dslkit report arm-comparison --trial demo --out demo-report.html --pdf`,
    'arm-comparison --json prints the report\'s estimates unformatted instead: "primary" and "secondary" outcomes, each',
    'with its model (formula, weight, clustering, standard errors), n, clusters, estimate, se, df, p, ci and effect_size,',
    'and "not_analysed" with the reason for each outcome that could not be. The export\'s analysis.R reproduces them in R.',
    'When the report settings ask (or local authorities were randomised), each outcome also carries "permutation" (p, draws,',
    'exact, method, seeds, model_p), "bootstrap" (percentile, bca, draws) and "cace" ("sessions" and "dosage": estimate, se,',
    'df, p, ci, receipt_by_arm, first_stage), or {"problem": "..."} where the data make one impossible; as dslkit analyse.',
  ].join('\n'),
  options: [
    { name: 'trial', type: 'string', valueName: '<id>', description: 'trial id' },
    { name: 'out', type: 'string', valueName: '<file.html>', description: 'where to write the HTML report' },
    { name: 'pdf', type: 'boolean', description: 'also print the report to PDF (same name, .pdf) with headless Chromium' },
    { name: 'json', type: 'boolean', description: 'arm-comparison only: print the report\'s estimates as JSON instead of writing HTML' },
  ],
  usesDb: true,
  async run(ctx) {
    const kind = ctx.positionals[0];
    if (!kind) throw new UsageError(`say which report: ${REPORT_KINDS.join(' or ')}`);
    if (!(REPORT_KINDS as string[]).includes(kind)) throw new UsageError(`unknown report "${kind}": use ${REPORT_KINDS.join(' or ')}`);
    if (ctx.positionals.length > 1) throw new UsageError(`unexpected argument "${ctx.positionals[1]}"`);
    const trialId = requiredString(ctx, 'trial');
    if (flag(ctx, 'json')) {
      if (kind !== 'arm-comparison') throw new UsageError('--json is for the arm-comparison report');
      const db = ctx.openDb();
      const { loadReportData } = await import('../../storage/report-data-repo');
      const { reportEstimates } = await import('../../../reports/view-models/arm-comparison');
      const { inferenceTools } = await import('../../domain/randomisation/inference-tools');
      ctx.io.stdout(`${JSON.stringify({ trial: trialId, ...reportEstimates(loadReportData(db, requireTrial(db, trialId).id), inferenceTools) }, null, 2)}\n`);
      return 0;
    }
    const out = requiredString(ctx, 'out');
    const db = ctx.openDb();
    const html = await renderReport(db, { trialId, kind: kind as ReportKind, clock: ctx.clock, onProgress: progressBar(ctx.io, kind) });
    fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
    writePrivateFile(out, html);
    ctx.io.stdout(`wrote ${out} (${Math.round(html.length / 1024)} kB)\n`);
    if (flag(ctx, 'pdf')) {
      const pdf = out.replace(/\.html?$/i, '') + '.pdf';
      await printPdf(out, pdf, loadConfig({ ...process.env, DSLKIT_DB: ctx.dbPath }).chromiumPath);
      ctx.io.stdout(`wrote ${pdf}\n`);
    }
    return 0;
  },
};
