// Loads the R reference results and seeded data sets from tests/fixtures/r (made by make-fixtures.R) for the stats and analysis tests.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { parseCsv } from '../../server/domain/csv';

export interface RModel {
  name: string; call: string; terms: string[]; estimate: number[]; se: number[]; df: number[]; t: number[]; p: number[];
  ci_low: number[]; ci_high: number[]; nobs: number; aliased: string[];
  control?: { mean: number; ci_low: number; ci_high: number }; intervention?: { mean: number; ci_low: number; ci_high: number };
  control_sd?: number; treatment_sd?: number; missing_control?: number; missing_intervention?: number; pupils_control?: number;
}
export interface RFixtures {
  r_version: string;
  models: Record<string, RModel>;
  icc: { msb: number; msw: number; n0: number; icc: number };
  t_distribution: { cdf: { t: number[]; df: number[]; value: number[] }; quantile: { p: number[]; df: number[]; value: number[] } };
  rubin: { q: number[]; u: number[]; dfcom: number; estimate: number; se: number; df_classic: number; df_barnard_rubin: number; b: number; ubar: number };
}

export const fixtureDir = path.resolve(__dirname, '..', 'fixtures', 'r');
export const fixtures: RFixtures = JSON.parse(fs.readFileSync(path.join(fixtureDir, 'fixtures.json'), 'utf8'));

/** Rows of one seeded data set, as ittAnalysis receives them from the CLI (strings). */
export function dataRows(file: string): Array<Record<string, string>> {
  const t = parseCsv(fs.readFileSync(path.join(fixtureDir, 'data', file), 'utf8'), file);
  return t.rows.map((r) => r.values);
}

/** |a - b| <= tol * max(|b|, tiny): relative agreement. */
export function expectClose(actual: number, expected: number, tol = 1e-8, what = ''): void {
  const scale = Math.max(Math.abs(expected), 1e-300);
  const rel = Math.abs(actual - expected) / scale;
  expect(rel, `${what}: got ${actual}, R ${expected} (relative error ${rel})`).toBeLessThanOrEqual(tol);
}

/** Index of an R term in the model (R reports aliased terms as NA rows or omits them). */
export function termIndex(m: RModel, term: string): number {
  const i = m.terms.indexOf(term);
  if (i < 0) throw new Error(`${m.name}: no term ${term}`);
  return i;
}
