// The export's codebook at the level of REDCap's data dictionary (variable, label, type, unit, values with labels, range, direction, scoring and missing-item rules, source), as CSV and as Markdown with the export's provenance.
import { toCsv } from '../csv';
import type { ExportTable, Variable } from './export-tables';

export interface Provenance { trialId: string; trialTitle: string; exportedAt: string; dslkitVersion: string; schemaVersion: number }

export const codebookColumns = ['file', 'variable', 'label', 'type', 'unit', 'values', 'range', 'direction', 'scoring_rule', 'missing_rule', 'source'] as const;

const valuesText = (v: Variable) => (v.values ?? []).map((x) => `${x.code} = ${x.label}`).join('; ');

export function codebookCsv(tables: ExportTable[]): string {
  const rows = tables.flatMap((t) => t.variables.map((v) => ({
    file: `${t.name}.csv`, variable: v.variable, label: v.label, type: v.type, unit: v.unit ?? '', values: valuesText(v), range: v.range ?? '',
    direction: v.direction ?? '', scoring_rule: v.scoringRule ?? '', missing_rule: v.missingRule ?? '', source: v.source,
  })));
  return toCsv(codebookColumns, rows);
}

const md = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

export function codebookMarkdown(tables: ExportTable[], p: Provenance, files: string[]): string {
  const out = [
    `# Codebook: dslkit export of trial ${md(p.trialId)}`, '',
    `- Trial: ${md(p.trialTitle)}`, `- Exported: ${p.exportedAt}`, `- dslkit version: ${p.dslkitVersion}`, `- Database schema version: ${p.schemaVersion}`,
    '- Identifiers are pseudonymous: DSLs by their dslkit id, schools by an id made for this trial. No name, email, role, URN or free-text contact detail is in the export.',
    '- Blank cells are missing values. Codes in `values` are what the files hold; labels are what load.R, load.do and the .dta files attach.', '',
    '## Files', '',
    ...files.map((f) => `- \`${f}\``), '',
    '- `load.R` loads every CSV from its own folder with labels and factor levels (`Rscript load.R`, or `source("load.R")`).',
    '- `load.do` does the same in Stata 14 or later (`do load.do` from this folder); `schools.dta` and `dsls_wide.dta` are ready-made Stata files.',
    '- `analysis.R` re-runs the arm-comparison report\'s primary and secondary models (estimatr, clubSandwich) and prints the estimates as JSON.', '',
  ];
  for (const t of tables) {
    out.push(`## ${t.name}.csv`, '', `${t.title}; ${t.rows.length} rows.`, '', '| Variable | Label | Type | Unit | Values | Range | Direction | Scoring rule | Missing-item rule | Source |', '|---|---|---|---|---|---|---|---|---|---|');
    for (const v of t.variables) out.push(`| \`${md(v.variable)}\` | ${md(v.label)} | ${v.type} | ${md(v.unit ?? '')} | ${md(valuesText(v))} | ${md(v.range ?? '')} | ${md(v.direction ?? '')} | ${md(v.scoringRule ?? '')} | ${md(v.missingRule ?? '')} | ${md(v.source)} |`);
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
