// The % FSM a niesr-fsm-median allocation blocked on, school by school: GIAS's PercentageFSM, or the imported ever-FSM covariate (PNUMFSMEVER) when `dslkit randomise --fsm-column` chose it.
import type { ReportData, ReportSchool } from './report-data';

export interface BlockingFsm {
  /** How the report names the variable ("% FSM", "% ever-FSM (PNUMFSMEVER)"). */
  label: string;
  value: (s: Pick<ReportSchool, 'urn' | 'fsmPercent'>) => number | null;
}

/** The FSM variable of the trial's allocation (PercentageFSM when it recorded none). */
export function blockingFsm(data: ReportData): BlockingFsm {
  if ((data.randomisation?.fsmColumn ?? '').toUpperCase() !== 'PNUMFSMEVER') return { label: '% FSM', value: (s) => s.fsmPercent };
  const ever = new Map((data.covariateValues ?? []).filter((v) => v.covariate === 'fsm_ever').map((v) => [v.urn, v.value]));
  return { label: '% ever-FSM (PNUMFSMEVER)', value: (s) => ever.get(s.urn) ?? null };
}
