// Baseline balance table: means, SDs, n and missing by arm with standardised differences, for the report's balance section.
import { ValidationError } from '../../shared/errors';
import { standardisedDifference } from '../stats/standardised-difference';
import { isMissing, numericCell, parseArm, requireColumnsPresent, rowLabel } from './prepare-data';
import type { ArmPair, DataRow } from './types';

export interface BalanceArmSummary { n: number; missing: number; mean: number | null; sd: number | null }
export interface BalanceRow { variable: string; control: BalanceArmSummary; intervention: BalanceArmSummary; standardised_difference: number | null }

/**
 * Baseline balance: for each numeric variable, (weighted) mean and SD by arm, n and missing, and the
 * standardised difference (mean_1 - mean_0)/sqrt((s_1^2 + s_0^2)/2) (Austin 2009). 0/1 variables give
 * proportions. Weights, when given, are frequency weights (SD with divisor sum(w) - 1).
 */
export function balanceTable(rows: DataRow[], opts: { arm: string; variables: string[]; weight?: string; rowLabels?: string[] }): BalanceRow[] {
  requireColumnsPresent(rows, [{ role: 'arm', name: opts.arm }, { role: 'weight', name: opts.weight }, ...opts.variables.map((v) => ({ role: 'balance', name: v }))]);
  const arms: Array<0 | 1 | undefined> = rows.map((r, i) => {
    if (isMissing(r[opts.arm])) return undefined;
    const a = parseArm(r[opts.arm]);
    if (a === undefined) throw new ValidationError(`${rowLabel(opts.rowLabels, i)}: the arm column "${opts.arm}" has the value "${String(r[opts.arm])}", but it must be 0/1 or control/intervention.`);
    return a;
  });
  if (!arms.includes(0) || !arms.includes(1)) throw new ValidationError('Both arms need at least one row for a balance table.');
  return opts.variables.map((variable) => {
    const acc: ArmPair<{ w: number[]; y: number[]; missing: number; n: number }> = { control: { w: [], y: [], missing: 0, n: 0 }, intervention: { w: [], y: [], missing: 0, n: 0 } };
    rows.forEach((r, i) => {
      const a = arms[i];
      if (a === undefined) return;
      const s = a === 1 ? acc.intervention : acc.control;
      const v = numericCell(r, variable, 'balance', rowLabel(opts.rowLabels, i));
      const w = opts.weight ? numericCell(r, opts.weight, 'weight', rowLabel(opts.rowLabels, i)) : 1;
      if (v === undefined || w === undefined) { s.missing++; return; }
      s.n++; s.y.push(v); s.w.push(w);
    });
    const summary = (s: { w: number[]; y: number[]; missing: number; n: number }): BalanceArmSummary => {
      const sw = s.w.reduce((a, b) => a + b, 0);
      if (s.n === 0) return { n: 0, missing: s.missing, mean: null, sd: null };
      const mean = s.y.reduce((a, y, k) => a + s.w[k] * y, 0) / sw;
      const ss = s.y.reduce((a, y, k) => a + s.w[k] * (y - mean) ** 2, 0);
      return { n: s.n, missing: s.missing, mean, sd: sw > 1 ? Math.sqrt(ss / (sw - 1)) : null };
    };
    const control = summary(acc.control), intervention = summary(acc.intervention);
    const d = control.mean !== null && intervention.mean !== null && control.sd !== null && intervention.sd !== null
      ? standardisedDifference(intervention.mean, intervention.sd, control.mean, control.sd) : null;
    return { variable, control, intervention, standardised_difference: d };
  });
}
