// Forest plot: the effect size and its 95% CI for each outcome, primary first, with a line at zero (no effect).
import { plain, specHeader, wrappedLabelExpr, type Chart } from './chart';

export interface ForestRow {
  outcome: string;
  role: 'Primary' | 'Secondary';
  estimate: number;
  lower: number;
  upper: number;
}

export interface ForestInput {
  id: string;
  /** e.g. "Glass's delta (control SD)". */
  effectSizeLabel: string;
  rows: ForestRow[];
}

export function forestPlot(input: ForestInput): Chart<ForestRow> {
  const excl = input.rows.filter((r) => r.lower > 0 || r.upper < 0).length;
  const primary = input.rows.find((r) => r.role === 'Primary');
  const summary = `${input.effectSizeLabel} with 95% confidence intervals for ${input.rows.length} outcome${input.rows.length === 1 ? '' : 's'}`
    + (primary ? `; primary outcome ${primary.outcome}: ${plain(primary.estimate, 3)} (${plain(primary.lower, 3)} to ${plain(primary.upper, 3)})` : '')
    + `; ${excl} interval${excl === 1 ? '' : 's'} exclude${excl === 1 ? 's' : ''} zero.`;
  const title = 'Effect sizes with 95% confidence intervals';
  const order = input.rows.map((r) => r.outcome);
  const y = { field: 'outcome', type: 'nominal' as const, sort: order, title: null, axis: { labelLimit: 0, labelExpr: wrappedLabelExpr(order, 30) } };
  return {
    id: input.id,
    title,
    summary,
    rows: input.rows.map((r) => ({ ...r })),
    spec: {
      ...specHeader(title, summary),
      width: 300,
      height: { step: 34 },
      layer: [
        { mark: { type: 'rule', color: '#888', strokeDash: [4, 3] }, encoding: { x: { datum: 0, type: 'quantitative' }, description: { value: 'Reference line at zero: no effect' } } },
        {
          mark: { type: 'rule', strokeWidth: 1.5 },
          encoding: {
            y,
            x: { field: 'lower', type: 'quantitative', title: input.effectSizeLabel },
            x2: { field: 'upper' },
            color: { field: 'role', type: 'nominal', title: 'Outcome', scale: { domain: ['Primary', 'Secondary'], range: ['#1b6ca8', '#555555'] }, legend: { orient: 'bottom' } },
          },
        },
        {
          mark: { type: 'point', filled: true, size: 60 },
          encoding: {
            y,
            x: { field: 'estimate', type: 'quantitative' },
            shape: { field: 'role', type: 'nominal', title: 'Outcome', scale: { domain: ['Primary', 'Secondary'], range: ['diamond', 'circle'] }, legend: { orient: 'bottom' } },
            color: { field: 'role', type: 'nominal', title: 'Outcome', scale: { domain: ['Primary', 'Secondary'], range: ['#1b6ca8', '#555555'] }, legend: { orient: 'bottom' } },
          },
        },
      ],
    },
  };
}
