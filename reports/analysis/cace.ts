// Complier average causal effect (CACE) of receiving supervision: 2SLS with the randomised arm as the instrument for receipt (at least k sessions, or a continuous dose).
import { ValidationError } from '../../shared/errors';
import { twoStageLeastSquares } from '../stats/two-stage-least-squares';
import { fitPreparedItt, ittDesign, prepareItt } from './itt';
import { numericCell, rowLabel } from './prepare-data';
import type { DataRow, IttOptions } from './types';

export interface CaceOptions extends IttOptions {
  /** Column with each row's receipt: sessions attended, or a dose. */
  received: string;
  /** Receipt is "at least this many" (binary); without it the column is used as a continuous dose. */
  threshold?: number;
}

export interface CaceResult {
  estimate: number; se: number; df: number; t: number; p: number; ci: [number, number];
  se_type: 'cr1' | 'cr2';
  received: string;
  threshold: number | null;
  /** Mean receipt by arm (the compliance rate when receipt is binary). */
  receipt_by_arm: { control: number; intervention: number };
  first_stage: { estimate: number; se: number; f: number };
  itt_estimate: number;
  n: number;
  method: string;
}

/**
 * CACE = the receipt coefficient of 2SLS: receipt ~ covariates + arm (first stage), outcome ~ covariates +
 * fitted receipt (second stage), the same covariates (baseline, strata) and clustering as the ITT model and
 * its standard errors (CR1 Stata or CR2, as the ITT analysis chose); as estimatr::iv_robust. Under one-sided
 * non-compliance with binary receipt and no covariates it equals ITT / (difference in receipt).
 */
export function caceAnalysis(rows: DataRow[], opts: CaceOptions): CaceResult {
  if (opts.weight && opts.weightKind === 'analytic') throw new ValidationError('The CACE takes frequency weights (--weight), not analytic weights (--aweight).');
  if (opts.dosage) throw new ValidationError('--received replaces --dosage for the CACE; give one of them.');
  if (!rows.slice(0, 50).some((r) => opts.received in r)) throw new ValidationError(`The received column "${opts.received}" is not in the data.`);
  const prep = prepareItt(rows, opts);
  const itt = fitPreparedItt(prep, opts);
  const keep = prep.outcome.flatMap((v, i) => (v === undefined ? [] : [i]));
  const receipt: number[] = [];
  for (const i of keep) {
    const r = rows[prep.rowIndex[i]];
    const v = numericCell(r, opts.received, 'received', rowLabel(opts.rowLabels, prep.rowIndex[i]));
    if (v === undefined) throw new ValidationError(`${rowLabel(opts.rowLabels, prep.rowIndex[i])}: the received column "${opts.received}" is blank, but every analysed row needs its receipt (0 when none).`);
    if (v < 0) throw new ValidationError(`${rowLabel(opts.rowLabels, prep.rowIndex[i])}: the received column "${opts.received}" is negative (${v}).`);
    receipt.push(opts.threshold === undefined ? v : v >= opts.threshold ? 1 : 0);
  }
  const { columns } = ittDesign(prep, keep, opts);
  const exogenous = columns.slice(0, -1), instrument = columns[columns.length - 1];
  const y = keep.map((i) => prep.outcome[i]!);
  const cluster = keep.map((i) => prep.cluster[i]);
  const mean = (a: 0 | 1) => { const xs = keep.flatMap((i, r) => (prep.arm[i] === a ? [receipt[r]] : [])); return xs.reduce((s, x) => s + x, 0) / xs.length; };
  const byArm = { control: mean(0), intervention: mean(1) };
  if (byArm.intervention === byArm.control) throw new ValidationError('Receipt does not differ between the arms, so the arm cannot instrument it (the CACE is not identified).');
  let fit;
  try {
    if (prep.weight && itt.se_type === 'cr2') throw new Error('with frequency weights the CACE has CR1 standard errors only (CR2 with weights is not offered); use --se cr1');
    fit = twoStageLeastSquares(exogenous, { name: 'received', values: receipt }, instrument, y, cluster, itt.se_type, opts.level ?? 0.95, prep.weight ? keep.map((i) => prep.weight![i]) : undefined);
  } catch (err) {
    throw new ValidationError(`The CACE could not be estimated: ${(err as Error).message.replace(/^twoStageLeastSquares: /, '')}.`);
  }
  const e = fit.effect;
  const what = opts.threshold === undefined ? `"${opts.received}" as a continuous dose` : `receiving at least ${opts.threshold} (${opts.received} >= ${opts.threshold})`;
  return {
    estimate: e.estimate, se: e.se, df: e.df, t: e.t, p: e.p, ci: e.ci, se_type: itt.se_type, received: opts.received,
    threshold: opts.threshold ?? null, receipt_by_arm: byArm,
    first_stage: { estimate: fit.firstStage.estimate, se: fit.firstStage.se, f: fit.firstStage.f },
    itt_estimate: itt.estimate, n: y.length,
    method: `CACE by two-stage least squares: the randomised arm instruments ${what}, with the ITT model's covariates and ${itt.se_type.toUpperCase()} standard errors clustered on "${opts.cluster}" (as estimatr::iv_robust). It is the effect on those who would receive it when offered; mean receipt ${byArm.intervention.toFixed(3)} intervention, ${byArm.control.toFixed(3)} control.`,
  };
}
