// The level the report's models cluster their standard errors at: the unit of randomisation, local authorities when LAs were randomised, else schools (the outcome rows carry both `urn` and `la`).
import type { ReportData } from './report-data';

export interface ClusterLevel {
  /** The outcome rows' column the models cluster on. */
  column: 'urn' | 'la';
  /** Local authorities were randomised (so `--se auto` picks CR2 and the permutation p is shown). */
  las: boolean;
  name: 'school' | 'local authority';
  plural: 'schools' | 'local authorities';
}

/** LAs are the clusters when the trial randomised local authorities or its allocation was made by cluster (dslkit randomise --cluster "LA (code)"). */
export function clusterLevelOf(data: Pick<ReportData, 'trial' | 'randomisation'>): ClusterLevel {
  const las = data.trial.unit === 'local_authority' || (data.randomisation?.cluster ?? null) !== null;
  return las ? { column: 'la', las, name: 'local authority', plural: 'local authorities' } : { column: 'urn', las, name: 'school', plural: 'schools' };
}
