// Which FSM variable niesr-fsm-median blocks a trial's schools on (--fsm-column): GIAS's PercentageFSM, or the ever-FSM covariate imported with dslkit import covariates.
import { ValidationError } from '../../../shared/errors';
import { covariateDef, covariateNamed, type CovariateDef } from '../imports/covariates';
import { DEFAULT_FSM_COLUMN } from './randomise';

export interface TrialFsmColumn {
  /** The column of the enrolled-schools table the blocks are made on. */
  column: string;
  /** The imported covariate that column holds, or null for GIAS's PercentageFSM. */
  covariate: CovariateDef | null;
}

/** Resolves --fsm-column for a trial (any case: Appendix D wrote `pnumfsmever`); absent means PercentageFSM. */
export function trialFsmColumn(name: string | undefined): TrialFsmColumn {
  if (name === undefined || name.trim().toLowerCase() === DEFAULT_FSM_COLUMN.toLowerCase()) return { column: DEFAULT_FSM_COLUMN, covariate: null };
  const def = covariateNamed(name);
  if (def?.key === 'fsm_ever') return { column: def.column, covariate: def };
  const fsmEver = covariateDef('fsm_ever')!;
  throw new ValidationError(`--fsm-column "${name.slice(0, 60)}" is not an FSM variable dslkit holds for a trial: use ${DEFAULT_FSM_COLUMN} (GIAS, the default) or ${fsmEver.column} (ever-FSM in the past 6 years, from dslkit import covariates)`,
    [{ pointer: '/fsmColumn', detail: `not an FSM variable: use ${DEFAULT_FSM_COLUMN} or ${fsmEver.column}` }]);
}
