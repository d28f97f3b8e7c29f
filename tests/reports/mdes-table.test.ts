// The arm-comparison report's MDES table (issue 16): protocol, randomisation and analysis columns as the Bolton/EEF template, sample sizes by arm, and LAs as the clusters when LAs were randomised, checked against R.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildArmComparison } from '../../reports/view-models/arm-comparison';
import { mdesOf, mdesTable } from '../../reports/view-models/mdes-table';
import { expectClose, fixtureDir } from '../analysis/r-fixtures';
import { reportDataFromCsv } from './csv-report-data';

// Expected values: tests/fixtures/r/mdes-fixtures.json, written by tests/fixtures/r/make-mdes-fixtures.R (R 4.2.2, qt() and anova(lm())).
const R = JSON.parse(fs.readFileSync(path.join(fixtureDir, 'mdes-fixtures.json'), 'utf8'));
const clock = () => new Date('2026-11-20T12:00:00Z');
const cell = (view: ReturnType<typeof mdesTable>, group: string | null, label: string) => view.groups.find((g) => g.group === group)!.rows.find((r) => r.label.startsWith(label))!;

describe('MDES table when local authorities were randomised (308 schools in 10 LAs)', () => {
  const { data } = reportDataFromCsv('mdes-la10.csv', { unit: 'local_authority' });
  const view = buildArmComparison(data, clock()).mdes;

  it('treats the 10 LAs as the clusters: J, ICC, R² and cluster size at LA level, as R', () => {
    expect(view.clusterLevel).toBe('local authority');
    const mdesRow = cell(view, null, 'MDES');
    // R: make-mdes-fixtures.R la10.mdes_analysis 0.0324 (the 308-school version gave 0.0206: la10_as_schools)
    expect(mdesRow.analysis).toBe(R.la10.mdes_analysis.toFixed(2));
    expect(mdesRow.analysis).not.toBe(R.la10_as_schools.mdes_analysis.toFixed(2));
    // R: la10.mdes_randomisation 0.32 (protocol assumptions ICC 0.05, R² 0.5 with 10 LAs of 9,850 pupils)
    expect(mdesRow.randomisation).toBe(R.la10.mdes_randomisation.toFixed(2));
    expect(mdesRow.protocol).toBe(R.la10.mdes_randomisation.toFixed(2));
    expect(cell(view, null, 'Intracluster correlation (LA level)').analysis).toBe(R.la10.icc.toFixed(2));
    expect(cell(view, null, 'Baseline/endline R² (LA level)').analysis).toBe(R.la10.r2_cluster.toFixed(2));
    expect(cell(view, null, 'Level of intervention clustering').analysis).toBe('Local authority');
    expect(cell(view, null, 'Average cluster size (pupils per LA)').analysis).toBe(Math.round(R.la10.cluster_size).toLocaleString('en-GB'));
    expect(cell(view, null, 'Design effect').analysis).toBe(R.la10.design_effect.toFixed(1));
    expect(view.note).toContain('J = 10 LAs (not the 308 schools)');
  });

  it('unrounded: the analysis MDES equals R to 1e-9', () => {
    const exact = mdesOf({ icc: R.la10.icc, r2Cluster: R.la10.r2_cluster, r2Individual: 0, clusterSize: R.la10.cluster_size, alpha: 0.05, power: 0.8, clusters: 10, pTreated: 0.5 });
    expectClose(exact!, R.la10.mdes_analysis, 1e-9, 'CRA2_2 MDES');
  });

  it('has the children-by-arm, schools-by-arm and LAs-by-arm rows, children from the schools\' pupil numbers', () => {
    const fmt = (n: number) => n.toLocaleString('en-GB');
    const pupils = view.groups.find((g) => g.group?.startsWith('Sample size (children'))!.rows;
    expect(pupils.map((r) => r.randomisation)).toEqual([fmt(R.la10.pupils.intervention), fmt(R.la10.pupils.control), fmt(R.la10.pupils.intervention + R.la10.pupils.control)]);
    expect(pupils.map((r) => r.analysis)).toEqual(pupils.map((r) => r.randomisation)); // every school has its outcome
    const schools = view.groups.find((g) => g.group === 'Sample size (schools)')!.rows;
    expect(schools.map((r) => r.randomisation)).toEqual([String(R.la10.schools.intervention), String(R.la10.schools.control), '308']);
    const las = view.groups.find((g) => g.group === 'Sample size (local authorities)')!.rows;
    expect(las.map((r) => r.analysis)).toEqual(['5', '5', '10']);
  });
});

describe('MDES table when schools were randomised', () => {
  it('the same data randomised by school: 308 clusters, as R\'s school-level version', () => {
    const { data } = reportDataFromCsv('mdes-la10.csv', { unit: 'school' });
    const view = buildArmComparison(data, clock()).mdes;
    expect(view.clusterLevel).toBe('school');
    expect(cell(view, null, 'MDES').analysis).toBe(R.la10_as_schools.mdes_analysis.toFixed(2));
    expect(cell(view, null, 'Intracluster correlation (school level)').analysis).toBe(R.la10_as_schools.icc.toFixed(2));
    expect(view.groups.some((g) => g.group === 'Sample size (local authorities)')).toBe(false);
  });

  it('reproduces the Bolton report\'s MDES table: 0.10 at protocol and randomisation, 0.06 at analysis', () => {
    // Bolton report, "Sample size / MDES calculations": J = 94 (47:47), 325 pupils per school at randomisation, ICC 0.05 and R² 0.5 assumed; 291 pupils, ICC 0.01, R² 0.2 at analysis
    const base = { r2Individual: 0, alpha: 0.05, power: 0.8, clusters: 94, pTreated: 0.5 };
    expect(mdesOf({ ...base, icc: 0.05, r2Cluster: 0.5, clusterSize: 325 })!.toFixed(2)).toBe('0.10');
    expect(mdesOf({ ...base, icc: 0.01, r2Cluster: 0.2, clusterSize: 291 })!.toFixed(2)).toBe('0.06');
  });
});
