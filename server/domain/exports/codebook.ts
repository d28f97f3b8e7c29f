// Codebook for the tidy exports (variable labels and value labels) and the R and Stata scripts that load the CSVs with those labels.
import { wideVariable, type LongRow } from './tidy';

export interface CodebookEntry { file: 'long' | 'wide' | 'both'; variable: string; label: string; type: 'string' | 'integer' | 'number'; values: string }

const fixed: CodebookEntry[] = [
  { file: 'both', variable: 'dsl_id', label: 'DSL pseudonymous id (no name or email anywhere in the export)', type: 'string', values: '' },
  { file: 'both', variable: 'school_urn', label: 'School URN (DfE Unique Reference Number)', type: 'integer', values: '' },
  { file: 'both', variable: 'la_code', label: 'Local authority code (DfE)', type: 'string', values: '' },
  { file: 'both', variable: 'arm', label: 'Randomised arm of the school', type: 'string', values: 'control = Control (business as usual); intervention = Intervention (supervision); unallocated = not randomised' },
  { file: 'both', variable: 'wave', label: 'Survey wave', type: 'string', values: 'baseline = Baseline; midpoint = Midpoint; endline = Endline' },
  { file: 'long', variable: 'instrument', label: 'Instrument and version of the scoring rules (id@version)', type: 'string', values: '' },
  { file: 'long', variable: 'scale', label: 'Scale or subscale of the instrument', type: 'string', values: '' },
  { file: 'long', variable: 'value', label: 'Score (blank when it could not be computed, e.g. too many items missing)', type: 'number', values: '' },
];

/** The codebook: fixed id variables, then one entry per wide score variable (label from the instrument title). */
export function codebook(rows: LongRow[], titles: Record<string, string>): CodebookEntry[] {
  const seen = new Map<string, CodebookEntry>();
  for (const r of rows) {
    const v = wideVariable(r.instrument, r.scale);
    if (!seen.has(v)) seen.set(v, { file: 'wide', variable: v, label: `${titles[r.instrument] ?? r.instrument}: ${r.scale} (${r.instrument})`, type: 'number', values: '' });
  }
  return [...fixed, ...[...seen.values()].sort((a, b) => a.variable.localeCompare(b.variable))];
}

export const codebookColumns = ['file', 'variable', 'label', 'type', 'values'] as const;

function rString(s: string): string { return JSON.stringify(s); }

/** An R script (base R only) that loads long.csv and wide.csv beside it, sets factor levels/labels and variable labels. */
export function rScript(trialId: string, entries: CodebookEntry[]): string {
  const labels = entries.map((e) => `  ${e.variable} = ${rString(e.label)}`).join(',\n');
  return `# Loads the dslkit export of trial ${trialId}: long.csv and wide.csv (same folder as this script), with labels.
# Run: Rscript load.R   (or source("load.R") from R started in this folder)
read_export <- function(file) {
  d <- read.csv(file, stringsAsFactors = FALSE, na.strings = "", colClasses = c(dsl_id = "character", la_code = "character"))
  d$arm <- factor(d$arm, levels = c("control", "intervention", "unallocated"), labels = c("Control", "Intervention", "Unallocated"))
  d$wave <- factor(d$wave, levels = c("baseline", "midpoint", "endline"), labels = c("Baseline", "Midpoint", "Endline"))
  for (v in intersect(names(d), names(variable_labels))) attr(d[[v]], "label") <- variable_labels[[v]]
  d
}
variable_labels <- list(
${labels}
)
long <- read_export("long.csv")
wide <- read_export("wide.csv")
cat(sprintf("dslkit export ${trialId}: long %d rows, wide %d rows x %d columns\\n", nrow(long), nrow(wide), ncol(wide)))
`;
}

function stataString(s: string): string { return `"${s.replace(/"/g, "'").slice(0, 80)}"`; }

/** A Stata do-file that loads long.csv and wide.csv (saving long.dta and wide.dta) with value and variable labels. */
export function stataScript(trialId: string, entries: CodebookEntry[]): string {
  const block = (file: 'long' | 'wide') => {
    const vars = entries.filter((e) => e.file === 'both' || e.file === file);
    return [
      `import delimited using "${file}.csv", varnames(1) stringcols(1 3) clear`,
      'encode arm, generate(arm_code) label(arm)',
      'encode wave, generate(wave_code) label(wave)',
      ...vars.map((e) => `capture label variable ${e.variable} ${stataString(e.label)}`),
      `save "${file}.dta", replace`,
    ].join('\n');
  };
  return `* Loads the dslkit export of trial ${trialId}: long.csv and wide.csv from the current folder, with labels.
* Run: do load.do
version 14
label define arm 1 "control" 2 "intervention" 3 "unallocated"
label define wave 1 "baseline" 2 "midpoint" 3 "endline"
${block('long')}
${block('wide')}
display "dslkit export ${trialId} loaded"
`;
}
