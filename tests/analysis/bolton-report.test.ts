// The Bolton trial report's own arithmetic (Table 3, Appendix Tables 1-2, MDES table) reproduced by reports/stats.
import { describe, it, expect } from 'vitest';
import { glassDelta, mdes, proportionSd, requiredClusters } from '../../reports/stats';

describe('Table 3 / Appendix Table 1: contacts leading to NFA', () => {
  // Bolton report Table 3: adjusted difference -0.00140 (CI -0.522 to 0.243 percentage points), control mean 0.0123, 13,533 control pupils
  const sd = proportionSd(0.0123, 13533);
  it('control variance p(1-p)N/(N-1) is within rounding of the reported 0.0122', () => {
    // Appendix Table 1: variance 0.0122. From the rounded mean 0.0123 it is 0.01215; the report used the unrounded mean
    expect(Math.abs(sd * sd - 0.0122)).toBeLessThan(1e-4);
  });
  it("Glass's delta -0.013 with CI (-0.047, 0.022)", () => {
    // Table 3: Glass's delta -0.013 (-0.047, 0.022)
    const g = glassDelta(-0.00140, [-0.00522, 0.00243], sd);
    expect(g.value.toFixed(3)).toBe('-0.013');
    expect(g.ci.map((x) => x.toFixed(3))).toEqual(['-0.047', '0.022']);
  });
  it("New Child in Need plans: -0.00435 with control variance 0.0144 gives -0.036", () => {
    // Appendix Table 2: adjusted difference -0.00435, control variance 0.0144, effect size -0.036
    expect(glassDelta(-0.00435, [-0.01, 0.001], Math.sqrt(0.0144)).value.toFixed(3)).toBe('-0.036');
  });
});

describe('MDES table (J = 94 schools, P = 0.5, alpha 0.05 two-sided, power 0.8)', () => {
  it('protocol: rho 0.05, R2 0.5, n 325 -> 0.10', () => {
    // Bolton report, "Sample size / MDES calculations", protocol and randomisation columns: 0.10
    expect(mdes({ clusters: 94, clusterSize: 325, icc: 0.05, r2Cluster: 0.5 }).mdes.toFixed(2)).toBe('0.10');
    expect(mdes({ clusters: 94, clusterSize: 325, icc: 0.05, r2Cluster: 0.5, covariates: 1 }).mdes.toFixed(2)).toBe('0.10');
  });
  it('analysis: rho 0.01, R2 0.2, n 291 -> 0.06', () => {
    // Bolton report MDES table, analysis column: 0.06
    expect(mdes({ clusters: 94, clusterSize: 291, icc: 0.01, r2Cluster: 0.2 }).mdes.toFixed(2)).toBe('0.06');
  });
  it('uses df = J - g - 2 and M = t(0.975, df) + t(0.8, df)', () => {
    // R 4.2.2: qt(0.975, 92) = 1.986086317, qt(0.8, 92) = 0.845545666
    const r = mdes({ clusters: 94, clusterSize: 325, icc: 0.05, r2Cluster: 0.5 });
    expect(r.df).toBe(92);
    expect(r.multiplier).toBeCloseTo(1.986086317 + 0.845545666, 8);
  });
  it('required clusters is the smallest J reaching the target', () => {
    // consistency: J - 1 clusters must miss the target
    const r = requiredClusters({ target: 0.1, clusterSize: 325, icc: 0.05, r2Cluster: 0.5 });
    expect(r.mdes).toBeLessThanOrEqual(0.1);
    expect(mdes({ clusters: r.clusters - 1, clusterSize: 325, icc: 0.05, r2Cluster: 0.5 }).mdes).toBeGreaterThan(0.1);
    expect(() => requiredClusters({ target: 0.01, clusterSize: 1, icc: 1 - 1e-9, r2Cluster: 0 })).not.toThrow();
  });
});
