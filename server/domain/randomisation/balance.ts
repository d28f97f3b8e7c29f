// Baseline balance of an allocation (pupils on roll and % FSM by arm) using reports/analysis balanceTable, plus its text form for stderr.
import type { CsvTable } from '../csv';
import { balanceTable, type BalanceRow } from '../../../reports/analysis';
import type { RandomisationResult } from './randomise';

export type { BalanceRow };

/** Covariates summarised when present in the input (GIAS column names). */
export const BALANCE_COVARIATES = ['NumberOfPupils', 'PercentageFSM'] as const;

/**
 * School-level balance (each school one row, also in cluster mode): mean, SD, n and missing by arm and
 * the standardised difference (intervention - control) / sqrt((sd_i^2 + sd_c^2) / 2) (Austin 2009), as
 * computed by reports/analysis balanceTable. Blank or non-numeric cells count as missing.
 */
export function randomisationBalance(table: CsvTable, result: RandomisationResult): BalanceRow[] {
  const variables = BALANCE_COVARIATES.filter((c) => table.header.includes(c));
  if (!variables.length) return [];
  const armByLine = new Map(result.schools.map((s) => [s.line, s.arm]));
  const rows = table.rows.map((row) => {
    const out: Record<string, number | string | null> = { arm: armByLine.get(row.line) ?? null };
    for (const v of variables) {
      const raw = row.values[v] ?? '';
      out[v] = raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : null;
    }
    return out;
  });
  return balanceTable(rows, { arm: 'arm', variables: [...variables] });
}

const f = (v: number | null, digits: number) => (v === null ? '-' : v.toFixed(digits));

/** The balance table as aligned text lines. */
export function formatBalance(rows: BalanceRow[]): string {
  if (!rows.length) return 'balance: no NumberOfPupils or PercentageFSM column to summarise';
  const lines = ['baseline balance (school level; std diff = (intervention - control) / pooled SD):',
    `  ${'covariate'.padEnd(15)} ${'control mean (SD)'.padStart(22)} ${'intervention mean (SD)'.padStart(24)} ${'std diff'.padStart(9)}`];
  for (const r of rows) {
    const c = `${f(r.control.mean, 1)} (${f(r.control.sd, 1)}) n=${r.control.n}`;
    const i = `${f(r.intervention.mean, 1)} (${f(r.intervention.sd, 1)}) n=${r.intervention.n}`;
    lines.push(`  ${r.variable.padEnd(15)} ${c.padStart(22)} ${i.padStart(24)} ${f(r.standardised_difference, 3).padStart(9)}`);
  }
  return lines.join('\n');
}
