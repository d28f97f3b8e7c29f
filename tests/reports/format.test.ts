// View-model formatting: Bolton report Table 3 / Appendix Table 1 numbers re-formatted from the underlying statistics, plus edge cases.
import { describe, it, expect } from 'vitest';
import {
  fmtNumber, fmtCi, fmtP, fmtInt, fmtCountPercent, fmtNOfN, fmtMeanSd, fmtTotalSplit, fmtPercentagePoints, fmtCiPercentagePoints,
  fmtPounds, fmtMaybeSuppressed, fmtDate, fmtMonth, fmtNMissing, MINUS,
} from '../../reports/view-models/format';

describe('Bolton Table 3 row formatted from the statistics', () => {
  // Bolton report Appendix Table 1: adjusted difference −0.00140, control variance 0.0122 (so SD = sqrt(0.0122)).
  const adjusted = -0.00140;
  const controlSd = Math.sqrt(0.0122);
  // Bolton report Table 3: % point change −0.140 (−0.522, 0.243), i.e. the CI of the difference in proportions.
  const ci: [number, number] = [-0.00522, 0.00243];

  it('difference in percentage points with its CI', () => {
    expect(fmtPercentagePoints(adjusted)).toBe(`${MINUS}0.140`);
    expect(fmtCiPercentagePoints(ci)).toBe(`(${MINUS}0.522, 0.243)`);
  });

  it("Glass's delta and its CI (Table 3: −0.013 (−0.047, 0.022))", () => {
    expect(fmtNumber(adjusted / controlSd, 3)).toBe(`${MINUS}0.013`);
    expect(fmtCi([ci[0] / controlSd, ci[1] / controlSd], 3)).toBe(`(${MINUS}0.047, 0.022)`);
  });

  it('New Child in Need plans (Appendix Table 2: −0.00435, control variance 0.0144 -> −0.036)', () => {
    expect(fmtNumber(-0.00435 / Math.sqrt(0.0144), 3)).toBe(`${MINUS}0.036`);
  });

  it('n and totals (Table 3: 27,352 (13,819; 13,533), Schools 47 (0))', () => {
    expect(fmtTotalSplit(13819, 13533)).toBe('27,352 (13,819; 13,533)');
    expect(fmtNMissing(47, 0)).toBe('47 (0)');
  });

  it('p-value (Table 3: 0.470)', () => {
    expect(fmtP(0.47)).toBe('0.470');
    expect(fmtP(0.0004)).toBe('<0.001');
    expect(fmtP(Number.NaN)).toBe('n/a');
  });

  it('means with CI (Table 3: 0.0118 (0.011, 0.014))', () => {
    expect(`${fmtNumber(0.01178, 4)} ${fmtCi([0.01112, 0.01431], 3)}`).toBe('0.0118 (0.011, 0.014)');
  });
});

describe('Bolton Table 2 cells', () => {
  it('Count (%) and n/N (missing)', () => {
    // Table 2: Outstanding, intervention 12 of 47 -> "12 (26%)", "12/47 (0)"; control Requires improvement 7 of 47 -> "7 (15%)".
    expect(fmtCountPercent(12, 47)).toBe('12 (26%)');
    expect(fmtCountPercent(7, 47)).toBe('7 (15%)');
    expect(fmtNOfN(12, 47, 0)).toBe('12/47 (0)');
    // Table 2: KS2 expected standard, control 44/47 (3), mean 67.2 (SD 12.2).
    expect(fmtNOfN(44, 47, 3)).toBe('44/47 (3)');
    expect(fmtMeanSd(67.2, 12.2, 1)).toBe('67.2 (12.2)');
  });
});

describe('edge cases', () => {
  it('never prints a negative zero', () => {
    expect(fmtNumber(-0.0001, 3)).toBe('0.000');
    expect(fmtNumber(-0, 2)).toBe('0.00');
  });
  it('non-finite numbers print n/a, never NaN', () => {
    expect(fmtNumber(Number.NaN, 2)).toBe('n/a');
    expect(fmtInt(undefined)).toBe('n/a');
    expect(fmtCi(null, 2)).toBe('n/a');
  });
  it('money (£1,500 per setting; pence kept)', () => {
    expect(fmtPounds(150000)).toBe('£1,500');
    expect(fmtPounds(12345)).toBe('£123.45');
    expect(fmtPounds(6900000)).toBe('£69,000');
  });
  it('suppressed cells print "c"', () => {
    expect(fmtMaybeSuppressed(null)).toBe('c');
    expect(fmtMaybeSuppressed(1234)).toBe('1,234');
  });
  it('dates', () => {
    expect(fmtDate('2019-10-01')).toBe('1 October 2019');
    expect(fmtMonth('2020-03')).toBe('March 2020');
    expect(fmtDate(null)).toBe('not set');
  });
});
