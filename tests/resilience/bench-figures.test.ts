// The bench table: each engineer's bench result shape becomes rows, and a target stated in a label is checked against the figure.
import { describe, expect, it } from 'vitest';
import { markdownTable, normaliseFigures } from '../../bench/helpers/figures';

describe('normaliseFigures', () => {
  it('reads {label, ms} rows and checks a "(target < 1 s)" stated in the label', () => {
    const rows = normaliseFigures('reports', [
      { label: 'arm-comparison report, 300 schools (target < 1 s), median of 3', ms: 274 },
      { label: 'ipe report, 300 schools (target < 1 s)', ms: 1200 },
      { label: 'R estimatr, same data', ms: 85, rRuns: 3 },
    ]);
    expect(rows).toEqual([
      { area: 'reports', measure: 'arm-comparison report, 300 schools, median of 3', value: '274 ms', target: '< 1 s', ok: true },
      { area: 'reports', measure: 'ipe report, 300 schools', value: '1,200 ms', target: '< 1 s', ok: false },
      { area: 'reports', measure: 'R estimatr, same data (rRuns 3)', value: '85 ms', target: '', ok: undefined },
    ]);
  });

  it('reads {name, value, unit, target, ok} rows and plain objects', () => {
    expect(normaliseFigures('client', { name: 'JavaScript, gzipped', value: 421.4, unit: 'kB', target: '< 450 kB', ok: true }))
      .toEqual([{ area: 'client', measure: 'JavaScript, gzipped', value: '421 kB', target: '< 450 kB', ok: true }]);
    expect(normaliseFigures('x', { runs: 3, timing: { p50: 1.5 } }))
      .toEqual([{ area: 'x', measure: 'runs', value: '3', target: '' }, { area: 'x', measure: 'timing p50', value: '1.50', target: '' }]);
  });

  it('renders Markdown with escaped pipes and a MISSED mark', () => {
    const md = markdownTable([{ area: 'a|b', measure: 'm', value: '1', target: '< 2', ok: false }]);
    expect(md.split('\n')[2]).toBe('| a\\|b | m | 1 | < 2 | MISSED |');
  });
});
