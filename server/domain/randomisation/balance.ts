// Baseline balance of an allocation: per arm, the mean and SD of pupils on roll and % FSM, and the standardised difference, for stderr or JSON.
import type { CsvTable } from '../csv';
import { standardisedDifference } from '../../../reports/stats/standardised-difference';
import type { RandomisationResult } from './randomise';

export interface ArmSummary { n: number; mean: number | null; sd: number | null }
export interface BalanceRow { covariate: string; control: ArmSummary; intervention: ArmSummary; standardisedDifference: number | null }

/** Covariates summarised when present in the input (GIAS column names). */
export const BALANCE_COVARIATES = ['NumberOfPupils', 'PercentageFSM'] as const;

function summarise(values: number[]): ArmSummary {
  const n = values.length;
  if (n === 0) return { n, mean: null, sd: null };
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : null;
  return { n, mean, sd };
}

/**
 * School-level balance (each school one row, also in cluster mode): sample mean and SD (n - 1) by arm
 * and the standardised difference (intervention - control) / sqrt((sd_i^2 + sd_c^2) / 2) (Austin 2009),
 * for each covariate in BALANCE_COVARIATES present in the table. Blank or non-numeric cells are left out.
 */
export function randomisationBalance(table: CsvTable, result: RandomisationResult): BalanceRow[] {
  const armByLine = new Map(result.schools.map((s) => [s.line, s.arm]));
  return BALANCE_COVARIATES.filter((c) => table.header.includes(c)).map((covariate) => {
    const by: Record<'control' | 'intervention', number[]> = { control: [], intervention: [] };
    for (const row of table.rows) {
      const arm = armByLine.get(row.line);
      const raw = row.values[covariate];
      if (!arm || raw === '' || raw === undefined || !Number.isFinite(Number(raw))) continue;
      by[arm].push(Number(raw));
    }
    const control = summarise(by.control);
    const intervention = summarise(by.intervention);
    const d = control.mean !== null && intervention.mean !== null && control.sd !== null && intervention.sd !== null
      ? standardisedDifference(intervention.mean, intervention.sd, control.mean, control.sd) : null;
    return { covariate, control, intervention, standardisedDifference: d };
  });
}

const f = (v: number | null, digits: number) => (v === null ? '-' : v.toFixed(digits));

/** The balance table as aligned text lines. */
export function formatBalance(rows: BalanceRow[]): string {
  if (!rows.length) return 'balance: no NumberOfPupils or PercentageFSM column to summarise';
  const lines = ['baseline balance (school level; std diff = (intervention - control) / pooled SD):',
    `  ${'covariate'.padEnd(15)} ${'control mean (SD)'.padStart(20)} ${'intervention mean (SD)'.padStart(24)} ${'std diff'.padStart(9)}`];
  for (const r of rows) {
    const c = `${f(r.control.mean, 1)} (${f(r.control.sd, 1)}) n=${r.control.n}`;
    const i = `${f(r.intervention.mean, 1)} (${f(r.intervention.sd, 1)}) n=${r.intervention.n}`;
    lines.push(`  ${r.covariate.padEnd(15)} ${c.padStart(20)} ${i.padStart(24)} ${f(r.standardisedDifference, 3).padStart(9)}`);
  }
  return lines.join('\n');
}
