// Result and option types of the trial analyses (reports/analysis), shared with the report renderers.
import type { CoefficientTest } from '../stats/coefficient-test';
import type { WeightKind } from '../stats/weighted-least-squares';

export type DataRow = Record<string, number | string | null | undefined>;

export interface IttOptions {
  /** Outcome column (a proportion of the weight column when `proportion` is true). */
  outcome: string;
  /** Arm column: 0/1 or control/intervention. */
  arm: string;
  /** Unit of randomisation: standard errors are clustered on it. */
  cluster: string;
  /** Same measure in the previous period. */
  baseline?: string;
  /** Randomisation strata: one set of dummies per column (first level, in sorted order, is the reference). */
  strata?: string[];
  /** Weight column; frequency weights (N = sum of weights) unless weightKind says analytic. */
  weight?: string;
  weightKind?: WeightKind;
  /** Outcome is a proportion of the weight (e.g. pupils): the effect-size SD is the pupil-level 0/1 SD. */
  proportion?: boolean;
  /** Dosage column in [0, 1] that replaces the arm in the model (exploratory dose-response). */
  dosage?: string;
  /**
   * 'cr1' (Stata, df = G - 1; default), 'cr2' (Bell-McCaffrey with Satterthwaite df), or 'auto': CR2 when
   * there are fewer than 40 clusters or the clusters are local authorities (`clustersAreLas`), else CR1.
   */
  se?: 'cr1' | 'cr2' | 'auto';
  /** The clusters are local authorities (few, large, heterogeneous): `se: 'auto'` then chooses CR2. */
  clustersAreLas?: boolean;
  /** 'glass' (default): control group unconditional SD; 'hedges': pooled SD with small-sample correction. */
  effectSize?: 'glass' | 'hedges';
  /** Confidence level (default 0.95). */
  level?: number;
  /** Label for messages about a row: e.g. the CSV line of each row (default "row <n>"). */
  rowLabels?: string[];
}

export interface ArmPair<T> { control: T; intervention: T }

export interface IttResult {
  /** Rows analysed. */
  n: number;
  /** Index in the input rows of each row analysed (e.g. to count the schools analysed when the clusters are LAs). */
  rowsAnalysed: number[];
  clusters: number;
  nByArm: ArmPair<number>;
  clustersByArm: ArmPair<number>;
  /** Sum of weights by arm (e.g. pupils); equals nByArm when unweighted. */
  weightByArm: ArmPair<number>;
  /** Rows missing the outcome, by arm. */
  missingByArm: ArmPair<number>;
  /** Rows dropped from the analysis (missing outcome, arm, baseline, strata, weight, cluster or dosage). */
  dropped: number;
  /** Coefficient of the arm (or dosage). */
  term: 'arm' | 'dosage';
  estimate: number; se: number; df: number; t: number; p: number; ci: [number, number];
  /** Unadjusted difference in (weighted) means, intervention minus control. */
  unadjusted_difference: number;
  control_mean: number; treatment_mean: number;
  control_mean_ci: [number, number] | null; treatment_mean_ci: [number, number] | null;
  control_sd: number; treatment_sd: number;
  control_variance: number; treatment_variance: number;
  effect_size: { kind: 'glass_delta' | 'hedges_g'; value: number; ci: [number, number]; sd: number; method: string };
  /** Design columns dropped as aliased (linear combinations of earlier columns). */
  dropped_columns: string[];
  se_type: 'cr1' | 'cr2';
  /** Which standard errors were asked for and why the ones used were chosen. */
  se_choice: { requested: 'cr1' | 'cr2' | 'auto'; used: 'cr1' | 'cr2'; reason: string };
  /** Design problems the estimate does not refuse but a reader must be told (few clusters, arm within cluster). */
  warnings: string[];
  weighted: boolean;
  /** N in the small-sample factor: sum of weights (frequency) or rows. */
  n_effective: number;
  coefficients: CoefficientTest[];
  /** True for dose-response (not randomised). */
  exploratory: boolean;
  notes: string[];
}
