// `dslkit mdes`: minimum detectable effect size of a two-level cluster randomised trial, or the clusters needed for a target.
import { mdes, requiredClusters, type MdesResult } from '../../../reports/stats/mdes';
import { flag, numberOption, UsageError, type CliCommand } from '../command';

export const command: CliCommand = {
  name: 'mdes',
  summary: 'minimum detectable effect size (or clusters needed) for a cluster randomised trial',
  usage: 'mdes (--clusters <J> | --target <es>) --cluster-size <n> --icc <rho> [--r2-cluster x] [--r2-individual x] [--p-treated 0.5] [--alpha 0.05] [--power 0.8] [--covariates g] [--json]',
  description: `
MDES = M sqrt(rho(1-R2_2)/(P(1-P)J) + (1-rho)(1-R2_1)/(P(1-P)Jn)), M = t(1-alpha/2, df) + t(power, df),
df = J - g - 2 (Bloom 2006; PowerUp! CRA2_2). With --target instead of --clusters: the smallest J reaching it.
Example (Bolton protocol): dslkit mdes --clusters 94 --cluster-size 325 --icc 0.05 --r2-cluster 0.5`,
  options: [
    { name: 'clusters', type: 'string', valueName: '<J>', description: 'number of clusters randomised' },
    { name: 'target', type: 'string', valueName: '<es>', description: 'target MDES: print the clusters needed instead' },
    { name: 'cluster-size', type: 'string', valueName: '<n>', description: 'average individuals per cluster' },
    { name: 'icc', type: 'string', valueName: '<rho>', description: 'intra-cluster correlation' },
    { name: 'r2-cluster', type: 'string', valueName: '<x>', description: 'R2 of cluster-level covariates', default: '0' },
    { name: 'r2-individual', type: 'string', valueName: '<x>', description: 'R2 of individual-level covariates', default: '0' },
    { name: 'p-treated', type: 'string', valueName: '<p>', description: 'proportion of clusters treated', default: '0.5' },
    { name: 'alpha', type: 'string', valueName: '<a>', description: 'two-sided significance level', default: '0.05' },
    { name: 'power', type: 'string', valueName: '<p>', description: 'power', default: '0.8' },
    { name: 'covariates', type: 'string', valueName: '<g>', description: 'number of cluster-level covariates', default: '0' },
    { name: 'json', type: 'boolean', description: 'print one JSON object' },
  ],
  run(ctx) {
    const J = numberOption(ctx, 'clusters', { integer: true, min: 3 });
    const target = numberOption(ctx, 'target', { min: 0 });
    if ((J === undefined) === (target === undefined)) throw new UsageError('give exactly one of --clusters or --target');
    const need = (name: string, o: Parameters<typeof numberOption>[2] = {}) => {
      const v = numberOption(ctx, name, o);
      if (v === undefined) throw new UsageError(`--${name} is required`);
      return v;
    };
    const common = {
      clusterSize: need('cluster-size', { min: 1 }), icc: need('icc', { min: 0, max: 1 }),
      r2Cluster: numberOption(ctx, 'r2-cluster', { min: 0, max: 0.999999 }) ?? 0, r2Individual: numberOption(ctx, 'r2-individual', { min: 0, max: 0.999999 }) ?? 0,
      pTreated: numberOption(ctx, 'p-treated', { min: 0.000001, max: 0.999999 }) ?? 0.5, alpha: numberOption(ctx, 'alpha', { min: 0.000001, max: 0.999999 }) ?? 0.05,
      power: numberOption(ctx, 'power', { min: 0.000001, max: 0.999999 }) ?? 0.8, covariates: numberOption(ctx, 'covariates', { integer: true, min: 0 }) ?? 0,
    };
    let res: MdesResult;
    try {
      res = J !== undefined ? mdes({ ...common, clusters: J }) : requiredClusters({ ...common, target: target! });
    } catch (err) {
      if (err instanceof RangeError) throw new UsageError(err.message);
      throw err;
    }
    if (flag(ctx, 'json')) {
      ctx.io.stdout(`${JSON.stringify({ mdes: res.mdes, clusters: res.clusters, df: res.df, multiplier: res.multiplier, standard_error: res.standardError, ...(target !== undefined ? { target } : {}), settings: common }, null, 2)}\n`);
    } else if (target !== undefined) {
      ctx.io.stdout(`Clusters needed for MDES <= ${target}: ${res.clusters} (MDES ${res.mdes.toFixed(3)}, df ${res.df}, multiplier ${res.multiplier.toFixed(3)})\n`);
    } else {
      ctx.io.stdout(`MDES with ${res.clusters} clusters of ${common.clusterSize}: ${res.mdes.toFixed(3)} SD (df ${res.df}, multiplier ${res.multiplier.toFixed(3)})\n`);
    }
    return 0;
  },
};
