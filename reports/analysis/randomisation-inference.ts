// Randomisation inference for the ITT estimate: the allocation procedure re-run on the same units (or every allocation it can make), the ITT t statistic refitted each time.
import { ValidationError } from '../../shared/errors';
import { ArmRefit } from '../stats/arm-refit';
import { fitPreparedItt, ittDesign, prepareItt } from './itt';
import { isMissing } from './prepare-data';
import type { DataRow, IttOptions, IttResult } from './types';

/** A unit of randomisation: the cluster value, its stratum label and (niesr-fsm-median) its % FSM. */
export interface InferenceUnit { id: string; stratum: string; fsm?: number }

/** The trial's allocation procedure on fixed units (made by the caller, e.g. server/domain/randomisation/rerandomise.ts). */
export interface AllocationProcedure {
  /** Units in the order the arrays below follow. */
  units: Array<{ id: string }>;
  draw(seed: number): Uint8Array;
  count(): number;
  enumerate(): Uint8Array[];
  method: string;
}

export interface PermutationSettings {
  draws: number;
  seed: number;
  /** Enumerate every allocation when there are at most this many units (default 20) and at most maxExact allocations. */
  exactUnits?: number;
  maxExact?: number;
  /** Column holding each unit's % FSM (niesr-fsm-median). */
  fsm?: string;
  /** Stratum of each unit from the allocation file, overriding the strata columns. */
  strataOf?: Map<string, string>;
}

export interface PermutationResult {
  p: number;
  draws: number;
  exact: boolean;
  /** Allocations whose |t| is at least the observed |t| (within 1e-9 relative, so the observed allocation counts itself). */
  extreme: number;
  observed_t: number;
  statistic: string;
  method: string;
  units: number;
  seeds: string | null;
  /** Allocations where the arm was collinear with the covariates (left out of the count). */
  undefined_draws: number;
  note: string;
}

const TIE = 1e-9;

/**
 * p-value of the ITT effect by re-randomisation (Fisher's sharp null of no effect for any unit): the arm
 * column is replaced by each allocation the procedure makes, the model refitted and its t statistic (with
 * the analysis' own CR1 or CR2 standard error) compared with the observed one.
 * - exact (at most `exactUnits` units): every allocation the procedure can make, each equally likely;
 *   p = #{|t_b| >= |t_obs|} / #allocations.
 * - otherwise `draws` re-runs with set.seed(seed + b), b = 1..draws (R's Mersenne Twister, so R re-derives them);
 *   p = (1 + #{|t_b| >= |t_obs|}) / (1 + draws) (Phipson & Smyth 2010: never 0, valid for sampled draws).
 * Only the arm changes between draws, so each refit costs O(G) for G clusters of a few rows (reports/stats/arm-refit.ts).
 */
export function permutationTest(rows: DataRow[], opts: IttOptions, makeProcedure: (units: InferenceUnit[]) => AllocationProcedure, settings: PermutationSettings): { itt: IttResult; permutation: PermutationResult } {
  if (opts.dosage) throw new ValidationError('Randomisation inference tests the randomised arm; it does not apply to --dosage.');
  const prep = prepareItt(rows, opts);
  const itt = fitPreparedItt(prep, opts);
  if (itt.se_type === 'cr2' && opts.weight && opts.weightKind === 'analytic') throw new ValidationError('Randomisation inference with analytic weights and CR2 is not available; use --se cr1 or frequency weights.');
  // units: one per cluster value among rows with complete covariates (outcome missing or not)
  const unitIndex = new Map<string, number>();
  const units: InferenceUnit[] = [];
  const armOfUnit: number[] = [];
  prep.cluster.forEach((c, i) => {
    const stratum = settings.strataOf ? settings.strataOf.get(c) : prep.strata.length ? prep.strata.map((s) => s.values[i]).join(' / ') : 'all';
    if (stratum === undefined) throw new ValidationError(`The cluster "${c}" is not in the allocation file.`);
    let fsm: number | undefined;
    if (settings.fsm) {
      const raw = rows[prep.rowIndex[i]][settings.fsm];
      fsm = isMissing(raw) ? NaN : Number(raw);
      if (!Number.isFinite(fsm)) throw new ValidationError(`${opts.rowLabels?.[prep.rowIndex[i]] ?? `Row ${prep.rowIndex[i] + 1}`}: the % FSM column "${settings.fsm}" needs a number for niesr-fsm-median.`);
    }
    const k = unitIndex.get(c);
    if (k === undefined) {
      unitIndex.set(c, units.length); units.push({ id: c, stratum, fsm }); armOfUnit.push(prep.arm[i]);
      return;
    }
    if (armOfUnit[k] !== prep.arm[i]) throw new ValidationError(`The arm varies within cluster "${c}", so the clusters are not the units of randomisation and the allocation cannot be re-run on them.`);
    if (units[k].stratum !== stratum) throw new ValidationError(`Cluster "${c}" has rows in strata "${units[k].stratum}" and "${stratum}"; a unit of randomisation has one stratum.`);
    if (fsm !== undefined && units[k].fsm !== fsm) throw new ValidationError(`Cluster "${c}" has more than one % FSM value in "${settings.fsm}".`);
  });
  const procedure = makeProcedure(units);
  // rows of the fit: those with an outcome
  const keep = prep.outcome.flatMap((v, i) => (v === undefined ? [] : [i]));
  const { columns } = ittDesign(prep, keep, opts);
  const fixed = columns.slice(0, -1);
  const y = keep.map((i) => prep.outcome[i]!);
  const clusters = keep.map((i) => prep.cluster[i]);
  const refit = new ArmRefit(fixed, y, prep.weight ? keep.map((i) => prep.weight![i]) : undefined, clusters, opts.weightKind ?? 'frequency');
  // the refit's clusters are units of randomisation (the arm is constant within each)
  const posOfUnit = new Map(procedure.units.map((u, pos) => [u.id, pos]));
  const unitOfCluster = Int32Array.from(refit.clusterLabels, (c) => posOfUnit.get(c)!);
  const se = itt.se_type;
  const arm = new Float64Array(refit.clusters);
  const statFor = (alloc: Uint8Array) => { for (let g = 0; g < arm.length; g++) arm[g] = alloc[unitOfCluster[g]]; return refit.statisticByCluster(arm, se).t; };
  const observed = Uint8Array.from(procedure.units, (u) => armOfUnit[unitIndex.get(u.id)!]);
  const tObs = statFor(observed);
  if (!(Math.abs(tObs - itt.t) <= 1e-8 * Math.max(1, Math.abs(itt.t)))) throw new Error(`permutationTest: refitted t ${tObs} differs from the ITT t ${itt.t}`);
  const threshold = Math.abs(tObs) * (1 - TIE);
  const exactUnits = settings.exactUnits ?? 20, maxExact = settings.maxExact ?? 1_000_000;
  const statName = `t statistic of the arm with ${se.toUpperCase()} standard errors`;
  let extreme = 0, undef = 0;
  if (procedure.units.length <= exactUnits && procedure.count() <= maxExact) {
    const all = procedure.enumerate();
    for (const a of all) { const t = statFor(a); if (!Number.isFinite(t)) undef++; else if (Math.abs(t) >= threshold) extreme++; }
    const total = all.length - undef;
    return { itt, permutation: {
      p: extreme / total, draws: total, exact: true, extreme, observed_t: tObs, statistic: statName, method: procedure.method, units: procedure.units.length, seeds: null, undefined_draws: undef,
      note: `Randomisation inference: exact p over all ${total} allocations the ${procedure.method} procedure can make on these ${procedure.units.length} units (each equally likely), refitting the ${statName}.`,
    } };
  }
  if (!Number.isInteger(settings.draws) || settings.draws < 1) throw new ValidationError('The number of re-randomisations must be a whole number of at least 1.');
  if (settings.seed + settings.draws > 2147483647) throw new ValidationError(`The seed plus the number of re-randomisations must stay within R's integer range (at most 2147483647).`);
  for (let b = 1; b <= settings.draws; b++) {
    const t = statFor(procedure.draw(settings.seed + b));
    if (!Number.isFinite(t)) undef++; else if (Math.abs(t) >= threshold) extreme++;
  }
  const used = settings.draws - undef;
  return { itt, permutation: {
    p: (1 + extreme) / (1 + used), draws: used, exact: false, extreme, observed_t: tObs, statistic: statName, method: procedure.method, units: procedure.units.length,
    seeds: `set.seed(${settings.seed} + b), b = 1..${settings.draws}`, undefined_draws: undef,
    note: `Randomisation inference: ${used} re-runs of the ${procedure.method} procedure on the same ${procedure.units.length} units (set.seed(${settings.seed} + b)), refitting the ${statName}; p = (1 + count as extreme) / (1 + draws).`,
  } };
}
