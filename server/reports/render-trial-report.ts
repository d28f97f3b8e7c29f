// Binds reports/ to the database: reads one trial's report data from storage and renders the report (what the staff site, the CLI, tests and the bench call).
import type { Db } from '../storage/db';
import { loadReportData } from '../storage/report-data-repo';
import { renderReportHtml, type RenderOptions, type ReportKind } from '../../reports/render';
import { inferenceTools } from '../domain/randomisation/inference-tools';

/** Gathers a trial's data from the database and renders the report. */
export async function renderReport(db: Db, opts: { trialId: string; kind: ReportKind } & RenderOptions): Promise<string> {
  opts.onProgress?.(0, 'reading the trial');
  const data = loadReportData(db, opts.trialId);
  return renderReportHtml(data, opts.kind, { inference: inferenceTools, ...opts });
}
