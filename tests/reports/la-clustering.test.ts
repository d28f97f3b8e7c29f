// When local authorities were randomised the report's models cluster by LA (the unit of randomisation), not by school, and say so truly; R's clubSandwich and estimatr on the same 300 schools in 10 LAs (LAs randomised within regions) give the numbers (tests/fixtures/r/make-la-clustering-fixtures.R).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildArmComparison, reportEstimates } from '../../reports/view-models/arm-comparison';
import { reportDataFromCsv } from './csv-report-data';

const R = JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/r/la-clustering-fixtures.json'), 'utf8'));
const now = new Date('2026-11-20T12:00:00Z');

function close(got: number, want: number, what: string, tol = 1e-8): void {
  expect(Math.abs(got - want), `${what}: dslkit ${got}, R ${want}`).toBeLessThanOrEqual(1e-12 + tol * Math.abs(want));
}

describe('a trial that randomised local authorities', () => {
  const { data } = reportDataFromCsv('la10-counts.csv', { unit: 'local_authority' });

  it('fits the primary outcome with CR2 clustered by the 10 LAs, equal to clubSandwich (se auto)', () => {
    const primary = reportEstimates(data).primary!;
    expect(primary.model.cluster).toBe('la');
    expect(primary.model.se_type).toBe('cr2');
    expect(primary.clusters).toBe(R.clusters);
    // R: coef_test(lm(y ~ base + treat, weights = pupils), vcov = "CR2", cluster = la, test = "Satterthwaite", inverse_var = TRUE)
    close(primary.estimate, R.cr2_by_la.estimate, 'estimate');
    close(primary.se, R.cr2_by_la.se, 'SE');
    close(primary.df, R.cr2_by_la.df, 'Satterthwaite df');
    close(primary.p, R.cr2_by_la.p, 'p');
    // clustering by school would be wrong here, and R shows it is a different SE
    expect(Math.abs(primary.se - R.cr2_by_school.se)).toBeGreaterThan(1e-4);
  });

  it('with CR1 chosen in the settings: estimatr lm_robust(se_type = "stata", clusters = la), df = 10 - 1', () => {
    const primary = reportEstimates({ ...data, settings: { ...data.settings, seType: 'cr1' } }).primary!;
    expect(primary.model).toMatchObject({ cluster: 'la', se_type: 'cr1' });
    close(primary.se, R.cr1_by_la.se, 'SE');
    expect(primary.df).toBe(R.cr1_by_la.df);
    close(primary.p, R.cr1_by_la.p, 'p');
  });

  it('the method note names the LAs as clusters, and the schools analysed are still counted as schools', () => {
    const view = buildArmComparison(data, now);
    expect(view.primary!.methodNote).toContain('clustered by local authority (10 local authorities)');
    const analysed = view.attrition.rows.find((r) => r.level === 'Schools' && r.stage === 'Analysed')!;
    expect(Number(analysed.intervention) + Number(analysed.control)).toBe(R.schools);
  });

  it('an allocation made by cluster (dslkit randomise --cluster) counts as LA-randomised for the models, the method note and the MDES alike', () => {
    const { data: bySchool } = reportDataFromCsv('la10-counts.csv', { unit: 'school' });
    const clustered = { ...bySchool, randomisation: { method: 'stratified', algorithmVersion: 'dslkit-randomise/1', seed: 5, inputSha256: '0'.repeat(64), strata: ['stratum'], cluster: 'LA (code)', createdAt: '2024-12-01T00:00:00Z', imported: false, previews: 0 } };
    const primary = reportEstimates(clustered).primary!;
    expect([primary.model.cluster, primary.clusters]).toEqual(['la', R.clusters]);
    close(primary.se, R.cr2_by_la.se, 'SE');
    const view = buildArmComparison(clustered, now);
    expect(view.primary!.methodNote).toContain('clustered by local authority (10 local authorities)');
    expect(view.mdes.clusterLevel).toBe('local authority');
  });

  it('a school-randomised trial keeps clustering by school', () => {
    const { data: bySchool } = reportDataFromCsv('la10-counts.csv', { unit: 'school' });
    const primary = reportEstimates(bySchool).primary!;
    expect(primary.model.cluster).toBe('urn');
    expect(primary.clusters).toBe(R.schools);
    const view = buildArmComparison(bySchool, now);
    expect(view.primary!.methodNote).toContain('clustered by school (300 schools)');
    expect(view.mdes.clusterLevel).toBe('school');
  });
});
