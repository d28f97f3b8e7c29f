// The export's Stata do-file: imports each CSV as UTF-8, then (after the import, which clears labels) defines value labels, encodes the coded strings onto them and labels every variable within Stata's limits.
import type { ExportTable, Variable } from './export-tables';
import { fitBytes } from './dta-writer';

/** A Stata string literal: compound quotes, so any text but a stray `"' is safe. */
const q = (s: string) => `\`"${s.replace(/`"|"'/g, "'")}"'`;

/** Stata label names are at most 32 characters: the table's first letters and the variable, shortened. */
const labelName = (table: string, v: string) => `${table.slice(0, 3)}_${v}`.slice(0, 32);

export function stataScript(trialId: string, tables: ExportTable[]): string {
  const block = (t: ExportTable) => {
    const vars = t.variables.filter((v) => !v.variable.includes(':'));
    const strings = vars.flatMap((v, i) => (v.type === 'string' ? [i + 1] : [])); // stringcols() takes column numbers
    const coded = vars.filter((v): v is Variable & { values: NonNullable<Variable['values']> } => v.type === 'string' && Boolean(v.values?.length));
    const lines = [
      `* ${t.name}.csv: ${t.title}`,
      `import delimited using "${t.name}.csv", varnames(1) case(preserve) encoding("utf-8") bindquote(strict)${strings.length ? ` stringcols(${strings.join(' ')})` : ''} clear`,
    ];
    for (const v of coded) {
      const name = labelName(t.name, v.variable);
      lines.push(`label define ${name} ${v.values.map((x, i) => `${i + 1} ${q(fitBytes(String(x.code), 32000))}`).join(' ')}, replace`,
        `capture confirm variable ${v.variable}`,
        `if !_rc {`,
        `  encode ${v.variable}, generate(_dslkit_code) label(${name}) noextend`,
        `  drop ${v.variable}`,
        `  rename _dslkit_code ${v.variable}`,
        `  label define ${name} ${v.values.map((x, i) => `${i + 1} ${q(fitBytes(x.label, 32000))}`).join(' ')}, modify`,
        `}`);
    }
    for (const v of vars) lines.push(`capture label variable ${v.variable} ${q(fitBytes(v.label, 80))}`);
    lines.push(`order ${vars.map((v) => v.variable).join(' ')}`, `compress`, `save "${t.name}_from_csv.dta", replace`);
    return lines.join('\n');
  };
  return `* Loads the dslkit export of trial ${trialId} in Stata 14 or later: cd to this folder, then: do load.do
* Each CSV is read as UTF-8; value labels are defined after each import (import clears them), coded strings
* are encoded onto them in the codebook's order, and variable labels are cut to Stata's 80 characters at a word.
* Saves <file>_from_csv.dta beside the CSVs. (schools.dta and dsls_wide.dta in the export are the same data,
* written by dslkit.)
version 14
set more off
${tables.map(block).join('\n\n')}
display "dslkit export ${trialId} loaded"
`;
}
