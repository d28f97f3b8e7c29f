// Assembles a trial's export bundle: the CSVs, the codebook (CSV and Markdown), load.R, load.do, analysis.R and two Stata .dta files; pure (the caller reads the database and writes the files or a zip).
import { zipSync } from 'fflate';
import { toCsv } from '../csv';
import type { ReportEstimate } from '../../../reports/view-models/arm-comparison';
import { codebookCsv, codebookMarkdown, type Provenance } from './codebook';
import { writeDta, type DtaColumn } from './dta-writer';
import { dslsWideTable, itemsLongTable, outcomesMonthlyTable, schoolsTable, sessionsTable, type ExportSource, type ExportTable } from './export-tables';
import { analysisR, loadR } from './r-scripts';
import { stataScript } from './stata-script';

export interface ExportInput extends ExportSource {
  provenance: Provenance;
  estimates: { primary: ReportEstimate | null; secondary: ReportEstimate[] };
}

/** Every file of the bundle, by name; CSV and scripts as text, .dta as bytes. */
export type ExportBundle = Record<string, string | Buffer>;

export function tableCsv(t: ExportTable): string {
  const columns = t.variables.filter((v) => !v.variable.includes(':')).map((v) => v.variable);
  return toCsv(columns, t.rows as Array<Record<string, unknown>>);
}

/** A table as a Stata dataset: coded strings become labelled whole numbers (1, 2, … in the codebook's order, as load.do makes them). */
export function tableDta(t: ExportTable, p: Provenance): Buffer {
  const valueLabels: Record<string, Array<{ code: number; text: string }>> = {};
  const columns: DtaColumn[] = t.variables.filter((v) => !v.variable.includes(':')).map((v) => {
    const raw = t.rows.map((r) => r[v.variable] ?? null);
    const name = `${t.name.slice(0, 3)}_${v.variable}`.slice(0, 32);
    if (v.type === 'string' && v.values?.length) {
      const codes = new Map(v.values.map((x, i) => [String(x.code), i + 1]));
      valueLabels[name] = v.values.map((x, i) => ({ code: i + 1, text: x.label }));
      return { name: v.variable, label: v.label, type: 'long', valueLabels: name, values: raw.map((x) => (x === null ? null : codes.get(String(x)) ?? null)) };
    }
    if (v.type === 'integer') {
      if (v.values?.length) valueLabels[name] = v.values.map((x) => ({ code: Number(x.code), text: x.label }));
      return { name: v.variable, label: v.label, type: 'long', ...(v.values?.length ? { valueLabels: name } : {}), values: raw.map((x) => (x === null ? null : Number(x))) };
    }
    if (v.type === 'number') return { name: v.variable, label: v.label, type: 'double', values: raw.map((x) => (x === null ? null : Number(x))) };
    return { name: v.variable, label: v.label, type: 'string', values: raw.map((x) => (x === null ? null : String(x))) };
  });
  return writeDta({ label: `dslkit ${p.trialId}: ${t.name}`, columns, valueLabels, timestamp: new Date(p.exportedAt) });
}

export function buildExportBundle(input: ExportInput): ExportBundle {
  const tables = [schoolsTable(input), dslsWideTable(input), itemsLongTable(input), sessionsTable(input), outcomesMonthlyTable(input)];
  const files: ExportBundle = {};
  for (const t of tables) files[`${t.name}.csv`] = tableCsv(t);
  files['schools.dta'] = tableDta(tables[0], input.provenance);
  files['dsls_wide.dta'] = tableDta(tables[1], input.provenance);
  files['codebook.csv'] = codebookCsv(tables);
  files['load.R'] = loadR(input.provenance.trialId, tables);
  files['load.do'] = stataScript(input.provenance.trialId, tables);
  files['analysis.R'] = analysisR(input.provenance.trialId, input.estimates);
  files['codebook.md'] = codebookMarkdown(tables, input.provenance, [...Object.keys(files), 'codebook.md'].sort());
  return files;
}

/** The folder name inside a zip, and the default folder name: dslkit-<trial>-<date>. */
export function bundleFolderName(trialId: string, exportedAt: string): string {
  return `dslkit-${trialId}-${exportedAt.slice(0, 10)}`;
}

/** The bundle as one zip, its files inside a folder named after the trial and date. */
export function zipBundle(files: ExportBundle, folder: string): Buffer {
  const entries = Object.fromEntries(Object.entries(files).map(([name, body]) => [`${folder}/${name}`, typeof body === 'string' ? Buffer.from(body, 'utf8') : body]));
  return Buffer.from(zipSync(entries, { level: 6 }));
}
