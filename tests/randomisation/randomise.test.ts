// Tests the R-compatible generator and both allocation methods against allocations re-derived in R, plus the invariants every allocation must keep.
import fs from 'node:fs';
import path from 'node:path';
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { RMersenneTwister, rRunif } from '../../server/domain/randomisation/mersenne-twister';
import { randomiseTable, sha256Hex, type RandomiseOptions } from '../../server/domain/randomisation/randomise';
import { allocationCsv, verifyAllocation, parseAllocationCsv } from '../../server/domain/randomisation/allocation-csv';
import { parseCsv, type CsvTable } from '../../server/domain/csv';
import { ValidationError } from '../../shared/errors';

const fixtures = path.join(__dirname, '../fixtures/randomisation');
const schoolsBytes = fs.readFileSync(path.join(fixtures, 'schools-gias-sample.csv'));
const schools = parseCsv(schoolsBytes.toString('utf8'), 'schools.csv');
// Made by R 4.2.2 running tests/fixtures/randomisation/expected-allocations.R (base R set.seed/runif).
const expected = JSON.parse(fs.readFileSync(path.join(fixtures, 'expected-allocations.json'), 'utf8')) as {
  runif: Array<{ seed: number; first: number[]; at625: number[] }>;
  cases: Array<{ name: string; method: RandomiseOptions['method']; seed: number; strata: string[]; cluster: string | null; median?: number; allocation: Array<{ id: string; stratum: string; draw: number; arm: string }> }>;
};

function run(table: CsvTable, opts: RandomiseOptions) { return randomiseTable(table, opts, { sha256: 'x', source: 'schools.csv' }); }

function syntheticTable(rows: Array<Record<string, string>>): CsvTable {
  const header = Object.keys(rows[0]);
  return { header, rows: rows.map((values, i) => ({ line: i + 2, values })) };
}

describe('R Mersenne Twister', () => {
  it('matches set.seed(n); runif() in R, including across the 624-word state refill', () => {
    expect(expected.runif.length).toBe(4);
    for (const c of expected.runif) {
      const u = rRunif(c.seed, 630);
      expect(u.slice(0, 5)).toEqual(c.first); // R 4.2.2 runif(630)[1:5]
      expect(u.slice(624, 630)).toEqual(c.at625); // R 4.2.2 runif(630)[625:630]
    }
  });
  it('refuses seeds R cannot take as an integer', () => {
    expect(() => new RMersenneTwister(2 ** 31)).toThrow(RangeError);
    expect(() => new RMersenneTwister(1.5)).toThrow(RangeError);
  });
});

describe('allocations re-derived in R', () => {
  for (const c of expected.cases) {
    it(c.name, () => {
      const r = run(schools, { seed: c.seed, method: c.method, strata: c.strata, cluster: c.cluster ?? undefined });
      const got = [...r.schools].sort((a, b) => Number(a.id) - Number(b.id)).map((s) => ({ id: s.id, stratum: s.stratum, draw: s.draw, arm: s.arm }));
      // stratum labels: R joins strata with " / " and uses "all" without strata, as dslkit does.
      expect(got).toEqual(c.allocation);
      if (c.median !== undefined) expect(r.fsmMedian).toBe(c.median);
    });
  }
});

describe('allocation invariants', () => {
  it('the same seed gives the same allocation; another seed a different one', () => {
    const opts: RandomiseOptions = { seed: 99, method: 'stratified', strata: ['PhaseOfEducation (name)'] };
    expect(run(schools, opts)).toEqual(run(schools, opts));
    expect(run(schools, { ...opts, seed: 100 }).schools.map((s) => s.arm)).not.toEqual(run(schools, opts).schools.map((s) => s.arm));
  });

  it('property: every unit exactly once, arms within one in every stratum, clusters never split', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ la: fc.constantFrom('301', '302', '303', '304', '305', '306', '307'), phase: fc.constantFrom('Primary', 'Secondary', ''), fsm: fc.integer({ min: 0, max: 60 }) }), { minLength: 8, maxLength: 80 }),
      fc.integer({ min: -2147483647, max: 2147483647 }),
      fc.constantFrom('stratified', 'niesr-fsm-median', 'cluster'),
      (rows, seed, mode) => {
        const table = syntheticTable(rows.map((r, i) => ({ URN: String(500000 + i * 7), 'LA (code)': r.la, 'PhaseOfEducation (name)': r.phase, PercentageFSM: String(r.fsm) })));
        if (mode === 'cluster' && new Set(rows.map((r) => r.la)).size < 2) return;
        const res = mode === 'cluster' ? run(table, { seed, method: 'stratified', cluster: 'LA (code)' })
          : mode === 'niesr-fsm-median' ? run(table, { seed, method: 'niesr-fsm-median' })
          : run(table, { seed, method: 'stratified', strata: ['PhaseOfEducation (name)'] });
        expect(res.schools.map((s) => s.id).sort()).toEqual(table.rows.map((r) => r.values.URN).sort());
        for (const c of res.unitCounts) expect(Math.abs(c.control - c.intervention)).toBeLessThanOrEqual(1);
        const totalC = res.unitCounts.reduce((s, c) => s + c.control, 0);
        const totalI = res.unitCounts.reduce((s, c) => s + c.intervention, 0);
        expect(Math.abs(totalC - totalI)).toBeLessThanOrEqual(1);
        if (mode === 'cluster') {
          const armOfLa = new Map<string, string>();
          for (const s of res.schools) {
            if (armOfLa.has(s.cluster!)) expect(s.arm).toBe(armOfLa.get(s.cluster!));
            armOfLa.set(s.cluster!, s.arm);
          }
          expect(totalC + totalI).toBe(armOfLa.size);
        }
      },
    ), { numRuns: 150 });
  });

  it('niesr-fsm-median: schools at the median are split by URN order so the blocks are equal', () => {
    // 6 schools, four tied at the median 20: Stata's < / > rule would leave all four in no block.
    const table = syntheticTable([['6', 20], ['5', 20], ['4', 20], ['3', 20], ['2', 10], ['1', 30]].map(([urn, fsm]) => ({ URN: String(urn), PercentageFSM: String(fsm) })));
    const r = run(table, { seed: 7, method: 'niesr-fsm-median' });
    const block = Object.fromEntries(r.schools.map((s) => [s.id, s.stratum]));
    expect(r.fsmMedian).toBe(20);
    expect(block).toEqual({ '2': 'fsm-low', '3': 'fsm-low', '4': 'fsm-low', '5': 'fsm-high', '6': 'fsm-high', '1': 'fsm-high' });
  });

  it('a stratified odd stratum extra alternates across strata (overall arms within one)', () => {
    const rows = ['A', 'B', 'C', 'D'].flatMap((s, k) => [0, 1, 2].map((j) => ({ URN: String(100 + k * 10 + j), S: s })));
    const r = run(syntheticTable(rows), { seed: 3, method: 'stratified', strata: ['S'] });
    const extras = r.unitCounts.map((c) => (c.intervention > c.control ? 'intervention' : 'control'));
    expect(extras[0]).not.toBe(extras[1]);
    expect(extras[1]).not.toBe(extras[2]);
    expect(extras[2]).not.toBe(extras[3]);
  });

  it('bad rows are reported one line each, and nothing is allocated', () => {
    const table = syntheticTable([{ URN: '1', PercentageFSM: '5' }, { URN: '1', PercentageFSM: 'n/a' }, { URN: '', PercentageFSM: '' }]);
    try { run(table, { seed: 1, method: 'niesr-fsm-median' }); expect.unreachable(); } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as Error).message.split('\n')).toEqual([
        'schools.csv: line 3: URN "1" also appears on line 2',
        'schools.csv: line 3: PercentageFSM "n/a" is not a number',
        'schools.csv: line 4: URN is blank',
        'schools.csv: line 4: PercentageFSM is blank (niesr-fsm-median needs every school\'s % FSM)',
      ]);
    }
  });

  it('cluster mode refuses strata that differ within one cluster', () => {
    const table = syntheticTable([{ URN: '1', LA: 'x', P: 'Primary' }, { URN: '2', LA: 'x', P: 'Secondary' }, { URN: '3', LA: 'y', P: 'Primary' }]);
    expect(() => run(table, { seed: 1, method: 'stratified', strata: ['P'], cluster: 'LA' })).toThrow(/line 3: P "Secondary" differs from "Primary" on line 2/);
  });

  it('randomises 3,000 schools with every school allocated once', () => {
    const rows = Array.from({ length: 3000 }, (_, i) => ({ URN: String(100000 + i), 'LA (code)': String(300 + (i % 150)), PercentageFSM: String((i * 37) % 61), 'PhaseOfEducation (name)': i % 5 ? 'Primary' : 'Secondary' }));
    const r = run(syntheticTable(rows), { seed: 5, method: 'stratified', strata: ['PhaseOfEducation (name)'] });
    expect(new Set(r.schools.map((s) => s.id)).size).toBe(3000);
  });
});

describe('allocation file and --verify', () => {
  const sha = sha256Hex(schoolsBytes);
  const result = randomiseTable(schools, { seed: 42, method: 'stratified', strata: ['PhaseOfEducation (name)'] }, { sha256: sha, source: 'schools.csv' });
  const text = allocationCsv(result);

  it('writes a header line with everything needed to re-derive it', () => {
    const parsed = parseAllocationCsv(text);
    expect(parsed.header).toMatchObject({ algorithm: 'dslkit-randomise/1', method: 'stratified', seed: 42, idColumn: 'URN', strata: ['PhaseOfEducation (name)'], cluster: null, inputSha256: sha, units: 200 });
    expect(text.split('\n')[1]).toBe('URN,stratum,draw,arm');
    expect(parsed.rows[0].line).toBe(3);
  });

  it('verifies an untouched allocation', () => {
    const v = verifyAllocation(text, schoolsBytes, { allocation: 'a.csv', schools: 'schools.csv' });
    expect(v.differences).toEqual([]);
    expect(v.ok).toBe(true);
  });

  it('reports a changed arm with its line', () => {
    const lines = text.split('\n');
    lines[2] = lines[2].endsWith('control') ? lines[2].replace(/control$/, 'intervention') : lines[2].replace(/intervention$/, 'control');
    const v = verifyAllocation(lines.join('\n'), schoolsBytes, { allocation: 'a.csv', schools: 'schools.csv' });
    expect(v.ok).toBe(false);
    expect(v.differences).toHaveLength(1);
    expect(v.differences[0]).toMatch(/^a\.csv: line 3: URN 100000: arm/);
  });

  it('reports a different schools file', () => {
    const edited = Buffer.from(schoolsBytes.toString('utf8').replace('Test School 0,', 'Test School Zero,'));
    const v = verifyAllocation(text, edited, { allocation: 'a.csv', schools: 'schools.csv' });
    expect(v.inputMatches).toBe(false);
    expect(v.ok).toBe(false);
  });
});

describe('balance table', () => {
  it('summarises pupils and % FSM by arm at school level', async () => {
    const { randomisationBalance } = await import('../../server/domain/randomisation/balance');
    const table = syntheticTable([
      { URN: '1', NumberOfPupils: '100', PercentageFSM: '10' }, { URN: '2', NumberOfPupils: '200', PercentageFSM: '' },
      { URN: '3', NumberOfPupils: '300', PercentageFSM: '30' }, { URN: '4', NumberOfPupils: 'SUPP', PercentageFSM: '50' }]);
    const r = run(table, { seed: 1, method: 'stratified' });
    const rows = randomisationBalance(table, r);
    const arm = (urn: string) => r.schools.find((s) => s.id === urn)!.arm;
    const pupils = rows[0];
    const pupilsOf = (a: string) => [['1', 100], ['2', 200], ['3', 300]].filter(([u]) => arm(u as string) === a).map(([, v]) => v as number);
    // means by hand from the rows above; 'SUPP' counts as missing
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(pupils.variable).toBe('NumberOfPupils');
    expect(pupils.control.mean).toBeCloseTo(mean(pupilsOf('control')), 12);
    expect(pupils.intervention.mean).toBeCloseTo(mean(pupilsOf('intervention')), 12);
    expect(pupils.control.missing + pupils.intervention.missing).toBe(1);
    expect(rows[1].control.missing + rows[1].intervention.missing).toBe(1);
  });
});
