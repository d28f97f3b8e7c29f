// The per-draw fast path of randomisation inference (ArmRefit in each cluster's own basis, compiled allocators) against the full refit with cr1Variance / cr2Variance and the reference allocators, draw by draw.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ArmRefit } from '../../reports/stats/arm-refit';
import { cr1Variance, cr2Variance, weightedLeastSquares } from '../../reports/stats';
import type { DesignColumn, WeightKind } from '../../reports/stats/weighted-least-squares';
import { seededRandom } from '../../reports/stats/random';
import { symmetricEigen } from '../../reports/stats/matrix';
import type { LeastSquaresFit } from '../../reports/stats/weighted-least-squares';
import { permutationTest } from '../../reports/analysis/randomisation-inference';
import { ittAnalysis } from '../../reports/analysis';
import type { DataRow, IttOptions } from '../../reports/analysis/types';
import { rerandomisationDesign } from '../../server/domain/randomisation/rerandomise';
import { allocateFsmMedian, allocateStratified } from '../../server/domain/randomisation/methods';
import { canonicalIdCompare } from '../../server/domain/randomisation/units';
import { expectClose } from './r-fixtures';

interface Design { fixed: DesignColumn[]; y: number[]; weights?: number[]; kind: WeightKind; cluster: string[]; armOfCluster: Map<string, number> }

/** G clusters of 1..maxSize rows in random strata; baseline per row; optionally a cluster-level and a second row-level covariate; weights none, per row or per cluster. */
function randomDesign(seed: number, G: number, maxSize: number, strata: number, extra: 'none' | 'cluster-level' | 'row-level', weighting: 'none' | 'row' | 'cluster', kind: WeightKind): Design {
  const rng = seededRandom(seed);
  const cluster: string[] = [], base: number[] = [], x2: number[] = [], st: number[] = [], y: number[] = [], w: number[] = [];
  const armOfCluster = new Map<string, number>();
  for (let g = 0; g < G; g++) {
    const n = 1 + Math.floor(rng.uniform() * maxSize), s = Math.floor(rng.uniform() * strata), a = g < 2 ? g : rng.uniform() < 0.5 ? 1 : 0;
    const cw = 1 + Math.floor(rng.uniform() * 6), cx = rng.normal();
    armOfCluster.set(`c${g}`, a);
    for (let k = 0; k < n; k++) {
      cluster.push(`c${g}`); st.push(s);
      const b = 40 + 8 * rng.normal();
      base.push(b); x2.push(extra === 'cluster-level' ? cx : rng.normal());
      y.push(10 + 0.6 * b + 0.3 * a + 2 * s + 3 * rng.normal() + (k === 0 ? 2 * rng.normal() : 0));
      w.push(weighting === 'cluster' ? cw : 1 + Math.floor(rng.uniform() * 5));
    }
  }
  const fixed: DesignColumn[] = [{ name: '(Intercept)', values: y.map(() => 1) }, { name: 'base', values: base }];
  if (extra !== 'none') fixed.push({ name: 'x2', values: x2 });
  for (let s = 1; s < strata; s++) fixed.push({ name: `st${s}`, values: st.map((v) => (v === s ? 1 : 0)) });
  return { fixed, y, weights: weighting === 'none' ? undefined : w, kind, cluster, armOfCluster };
}

/**
 * Whether CR2 is a well-posed number for this fit: every eigenvalue of I - H_gg is either 0 (power 0, as
 * clubSandwich) or at least 1e-3. In between, (I - H_gg)^(-1/2) amplifies rounding so much that no two
 * implementations agree (on 7 rows and 6 coefficients clubSandwich, cr2Variance and the old and new refits
 * differ from the 6th digit), and the comparison would test rounding, not the algebra.
 */
function cr2WellPosed(fit: LeastSquaresFit, cluster: string[]): boolean {
  const p = fit.rank, rows = new Map<string, number[]>();
  cluster.forEach((c, i) => rows.set(c, [...(rows.get(c) ?? []), i]));
  for (const m of rows.values()) {
    const xs = m.map((i) => fit.x.map((col) => col[i] * Math.sqrt(fit.weights[i])));
    const a = xs.map((xi, r) => xs.map((xj, c) => {
      let h = 0;
      for (let j = 0; j < p; j++) for (let k = 0; k < p; k++) h += xi[j] * fit.bread[j][k] * xj[k];
      return (r === c ? 1 : 0) - h;
    }));
    if (symmetricEigen(a).values.some((v) => v > 1e-10 && v < 1e-3)) return false;
  }
  return true;
}

describe('ArmRefit equals the full refit', () => {
  it('property: CR1 and CR2 arm t (and estimate, SE) to 1e-10 relative on random designs, clusters of 1..6 rows, random strata', () => {
    let compared = 0, aliased = 0, qOver2 = 0, illPosed = 0;
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 2 ** 30 }), fc.integer({ min: 2, max: 30 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 5 }),
      fc.constantFrom('none', 'cluster-level', 'row-level'), fc.constantFrom('none', 'row', 'cluster'), fc.constantFrom('frequency', 'analytic'),
      (seed, G, maxSize, strata, extra, weighting, kind) => {
        const d = randomDesign(seed, G, maxSize, strata, extra as 'none', weighting as 'none', kind as WeightKind);
        const refit = new ArmRefit(d.fixed, d.y, d.weights, d.cluster, d.kind);
        const armRows = d.cluster.map((c) => d.armOfCluster.get(c)!);
        const byCluster = refit.clusterLabels.map((c) => d.armOfCluster.get(c)!);
        const full = weightedLeastSquares([...d.fixed, { name: 'arm', values: armRows }], d.y, d.weights, d.kind);
        const ses: Array<'cr1' | 'cr2'> = kind === 'analytic' ? ['cr1'] : ['cr1', 'cr2']; // CR2 with analytic weights is refused upstream
        if (extra === 'row-level' && maxSize >= 3) qOver2++; // some cluster's basis then has 3+ columns (the Jacobi path)
        for (const se of ses) {
          const fast = refit.statisticByCluster(byCluster, se);
          expect(refit.statistic(armRows, se)).toEqual(fast);
          if (full.dropped.includes('arm')) { aliased++; expect(fast.t).toBeNaN(); continue; }
          const i = full.names.indexOf('arm');
          const v = se === 'cr1' ? cr1Variance(full, d.cluster) : cr2Variance(full, d.cluster);
          const seFull = Math.sqrt(v.vcov[i][i]);
          if (!Number.isFinite(seFull)) { expect(Number.isFinite(fast.se)).toBe(false); continue; } // N = K: no residual degrees of freedom
          if (full.rows < full.rank + 2) { illPosed++; continue; } // (nearly) as many rows as coefficients: the residuals, and so the SE, are rounding noise
          if (se === 'cr2' && !cr2WellPosed(full, d.cluster)) { illPosed++; continue; }
          expect(Math.abs(fast.estimate - full.coefficients[i])).toBeLessThanOrEqual(1e-10 * (Math.abs(full.coefficients[i]) + seFull));
          if (!(seFull > 1e-8 * Math.abs(full.coefficients[i]))) continue; // no usable SE (e.g. every cluster alone in its stratum): the analysis refuses it
          expectClose(fast.se, seFull, 1e-10, `${se} se (seed ${seed}, G ${G})`);
          expectClose(fast.t, full.coefficients[i] / seFull, 1e-10, `${se} t (seed ${seed}, G ${G})`);
          compared++;
        }
      },
    ), { numRuns: 400, seed: 15 });
    // the property compared real fits, including some where the arm is aliased and many with 3+ dimensional cluster bases
    expect(compared).toBeGreaterThan(400);
    expect(aliased).toBeGreaterThan(0);
    expect(qOver2).toBeGreaterThan(60);
    expect(illPosed).toBeLessThan(compared / 4);
  });

  it('a cluster alone in its stratum (I - H_gg singular, power 0 as clubSandwich) and clusters of 40-60 rows', () => {
    const rng = seededRandom(3);
    const cluster: string[] = [], base: number[] = [], st: number[] = [], y: number[] = [], arm: number[] = [];
    [1, 3, 2, 48, 55, 3, 40, 61, 2, 3].forEach((n, g) => {
      for (let k = 0; k < n; k++) { cluster.push(`g${g}`); base.push(rng.normal()); st.push(g === 0 ? 2 : g % 2); y.push(rng.normal() + g * 0.1); arm.push(g % 3 === 0 ? 1 : 0); }
    });
    const fixed = [{ name: '1', values: y.map(() => 1) }, { name: 'base', values: base }, { name: 's1', values: st.map((s) => (s === 1 ? 1 : 0)) }, { name: 's2', values: st.map((s) => (s === 2 ? 1 : 0)) }];
    const full = weightedLeastSquares([...fixed, { name: 'arm', values: arm }], y);
    for (const se of ['cr1', 'cr2'] as const) {
      const got = new ArmRefit(fixed, y, undefined, cluster).statistic(arm, se);
      const v = se === 'cr1' ? cr1Variance(full, cluster) : cr2Variance(full, cluster);
      expectClose(got.se, Math.sqrt(v.vcov[4][4]), 1e-10, `${se} se`);
      expectClose(got.t, full.coefficients[4] / Math.sqrt(v.vcov[4][4]), 1e-10, `${se} t`);
    }
  });

  it('refuses an arm that varies within a cluster', () => {
    const fixed = [{ name: '1', values: [1, 1, 1, 1] }];
    expect(() => new ArmRefit(fixed, [1, 2, 3, 5], undefined, ['a', 'a', 'b', 'b']).statistic([0, 1, 1, 1], 'cr1')).toThrow(/varies within cluster "a"/);
  });
});

/** The permutation p as the loop it replaces computes it: the reference allocator, then the full weighted least squares and cr1Variance / cr2Variance, per draw. */
function referenceP(rows: DataRow[], opts: IttOptions, method: 'stratified' | 'niesr-fsm-median', draws: number, seed: number): { p: number; extreme: number } {
  const tObs = ittAnalysis(rows, opts).t;
  const ids = [...new Set(rows.map((r) => String(r[opts.cluster])))];
  const cmp = canonicalIdCompare(ids);
  const first = new Map(rows.map((r) => [String(r[opts.cluster]), r]));
  const units = ids.sort(cmp).map((id) => ({ id, stratum: String(first.get(id)!.stratum), fsm: Number(first.get(id)!.fsm) }));
  const strata = [...new Set(rows.map((r) => String(r.stratum)))].sort().slice(1);
  const fixed: DesignColumn[] = [{ name: '1', values: rows.map(() => 1) }, { name: 'base', values: rows.map((r) => Number(r.base)) },
    ...(opts.strata?.length ? strata.map((s) => ({ name: s, values: rows.map((r) => (r.stratum === s ? 1 : 0)) })) : [])];
  const y = rows.map((r) => Number(r.y)), cl = rows.map((r) => String(r[opts.cluster]));
  let extreme = 0;
  for (let b = 1; b <= draws; b++) {
    const alloc = method === 'stratified' ? allocateStratified(units, seed + b) : allocateFsmMedian(units, seed + b).allocations;
    const armOf = new Map(alloc.map((a) => [a.id, a.arm === 'intervention' ? 1 : 0]));
    const fit = weightedLeastSquares([...fixed, { name: 'arm', values: cl.map((c) => armOf.get(c)!) }], y);
    const i = fit.names.indexOf('arm');
    const v = opts.se === 'cr1' ? cr1Variance(fit, cl) : cr2Variance(fit, cl);
    if (Math.abs(fit.coefficients[i] / Math.sqrt(v.vcov[i][i])) >= Math.abs(tObs) * (1 - 1e-9)) extreme++;
  }
  return { p: (1 + extreme) / (1 + draws), extreme };
}

describe('the permutation p of the fast path is the p of the full loop', () => {
  // 48 schools (numeric URNs) x 1-4 DSLs in 3 strata, a modest effect, so p is far from 0 and 1
  const rng = seededRandom(2026);
  const rows: DataRow[] = [];
  for (let s = 0; s < 48; s++) {
    const urn = String(100000 + s * 37), stratum = `st${s % 3}`, arm = Math.floor(s / 3) % 2, eff = rng.normal(), fsm = Math.round(rng.uniform() * 40);
    for (let k = 0, n = 1 + Math.floor(rng.uniform() * 4); k < n; k++) {
      const base = 40 + 8 * rng.normal();
      rows.push({ urn, stratum, arm, fsm, base, y: 10 + 0.6 * base + 1.5 * arm + 2 * eff + 4 * rng.normal() });
    }
  }
  for (const [method, se] of [['stratified', 'cr2'], ['stratified', 'cr1'], ['niesr-fsm-median', 'cr2']] as const) {
    it(`${method}, ${se.toUpperCase()}: 300 draws with set.seed(40 + b), the same extreme count and p`, () => {
      const opts: IttOptions = { outcome: 'y', arm: 'arm', cluster: 'urn', baseline: 'base', strata: method === 'stratified' ? ['stratum'] : [], se };
      const got = permutationTest(rows, opts, (u) => rerandomisationDesign(u, method), { draws: 300, seed: 40, exactUnits: 0, fsm: method === 'stratified' ? undefined : 'fsm' });
      const ref = referenceP(rows, opts, method, 300, 40);
      expect(ref.extreme).toBeGreaterThan(15);
      expect(ref.extreme).toBeLessThan(285);
      expect(got.permutation.extreme).toBe(ref.extreme);
      expect(got.permutation.p).toBe(ref.p);
    });
  }
});
