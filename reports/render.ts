// Renders a trial's report: report data -> analysis + view-model (formatted strings) -> charts to SVG -> Handlebars template -> one self-contained HTML page.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { renderChart } from './charts';
import { buildArmComparison, type ArmComparisonView } from './view-models/arm-comparison';
import type { FigureView } from './view-models/common';
import { buildIpe, type IpeView } from './view-models/ipe';
import type { ReportData } from './view-models/report-data';
import type { InferenceTools } from './view-models/inference';

export type ReportKind = 'arm-comparison' | 'ipe';
export const REPORT_KINDS: ReportKind[] = ['arm-comparison', 'ipe'];

export interface RenderOptions {
  clock: () => Date;
  /** Called as work proceeds (fraction 0..1 and what is happening), e.g. for a progress bar. */
  onProgress?: (fraction: number, stage: string) => void;
  /** The allocation procedures for the permutation test and bootstrap (server/domain/randomisation/inference-tools.ts); without them the report says they were not run. */
  inference?: InferenceTools;
}

const templatesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'templates');

type Template = (context: object) => string;
let compiled: Record<ReportKind, Template> | null = null;

/** The fixed helper set templates may use: equality and joining a list. No arithmetic. */
function registerHelpers(hb: typeof Handlebars): void {
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerHelper('join', (list: unknown, sep: unknown) => (Array.isArray(list) ? list.map(String).join(typeof sep === 'string' ? sep : ', ') : ''));
}

/** Compiles the templates and partials once (strict mode: a missing field is an error, not a blank). */
export function reportTemplates(): Record<ReportKind, Template> {
  if (compiled) return compiled;
  const hb = Handlebars.create();
  registerHelpers(hb);
  const partialsDir = path.join(templatesDir, 'partials');
  for (const f of fs.readdirSync(partialsDir).filter((x) => x.endsWith('.hbs')).sort()) {
    hb.registerPartial(f.replace(/\.hbs$/, ''), hb.compile(fs.readFileSync(path.join(partialsDir, f), 'utf8'), { strict: true }));
  }
  const load = (name: string) => hb.compile(fs.readFileSync(path.join(templatesDir, `${name}.hbs`), 'utf8'), { strict: true });
  compiled = { 'arm-comparison': load('arm-comparison'), ipe: load('ipe') };
  return compiled;
}

/** The report's figures in the order the template shows them (keep in step with templates/arm-comparison.hbs). */
function figuresOf(view: ArmComparisonView | IpeView): FigureView[] {
  if (view.kind === 'ipe') return [view.dosage.figure];
  return [
    view.consort.figure, view.baseline.figure, view.forest, ...view.distributions.primary, view.responseRates.figure, view.compliance.figure,
    ...view.distributions.secondary,
  ].filter((f): f is FigureView => f !== null);
}

/** Numbers the body figures 1, 2, 3 ... in order of appearance; appendix figures keep their own series (E.1, E.2 ...). */
export function numberFigures(figures: FigureView[]): void {
  let n = 0;
  for (const f of figures) if (!/^[A-Z]\./.test(f.number)) f.number = String(++n);
}

/** Builds the view-model for a report kind from report data (analysis and formatting; no SVG yet). */
export function buildReportView(data: ReportData, kind: ReportKind, generatedAt: Date, inference: InferenceTools | null = null): ArmComparisonView | IpeView {
  return kind === 'arm-comparison' ? buildArmComparison(data, generatedAt, inference) : buildIpe(data, generatedAt);
}

/** Renders a report from already-gathered data (pure apart from reading templates; used by tests and the benchmark). */
export async function renderReportHtml(data: ReportData, kind: ReportKind, options: RenderOptions): Promise<string> {
  const progress = options.onProgress ?? (() => {});
  progress(0.1, 'analysing');
  const view = buildReportView(data, kind, options.clock(), options.inference ?? null);
  const figures = figuresOf(view);
  numberFigures(figures);
  for (let i = 0; i < figures.length; i++) {
    progress(0.2 + (0.7 * i) / Math.max(1, figures.length), `drawing ${figures[i].title}`);
    figures[i].svg = await renderChart(figures[i].chart);
  }
  progress(0.95, 'writing HTML');
  const html = reportTemplates()[kind](view);
  progress(1, 'done');
  return html;
}
