// Baseline balance: standardised difference (intervention minus control, in pooled SDs) for each baseline characteristic.
import { plain, specHeader, wrappedLabelExpr, type Chart } from './chart';

export interface BalanceRow { characteristic: string; standardisedDifference: number }

export interface BalanceInput { id: string; rows: BalanceRow[]; /** Reference lines, default 0.1 (a common rule of thumb). */ threshold?: number }

export function balanceChart(input: BalanceInput): Chart<BalanceRow> {
  const threshold = input.threshold ?? 0.1;
  const over = input.rows.filter((r) => Math.abs(r.standardisedDifference) > threshold);
  const summary = `Standardised differences between arms at baseline for ${input.rows.length} characteristic${input.rows.length === 1 ? '' : 's'}; `
    + (over.length === 0 ? `none exceeds ${plain(threshold, 2)} in absolute value.`
      : `${over.length} exceed${over.length === 1 ? 's' : ''} ${plain(threshold, 2)} in absolute value (${over.map((r) => `${r.characteristic} ${plain(r.standardisedDifference, 2)}`).join(', ')}).`);
  const title = 'Baseline balance (standardised differences)';
  const y = { field: 'characteristic', type: 'nominal' as const, sort: input.rows.map((r) => r.characteristic), title: null, axis: { labelLimit: 0, labelExpr: wrappedLabelExpr(input.rows.map((r) => r.characteristic), 30) } };
  return {
    id: input.id,
    title,
    summary,
    rows: input.rows.map((r) => ({ ...r })),
    spec: {
      ...specHeader(title, summary),
      width: 320,
      height: { step: 30 },
      layer: [
        { mark: { type: 'rule', color: '#888' }, encoding: { x: { datum: 0, type: 'quantitative' }, description: { value: 'Reference line at zero: no difference between arms' } } },
        { mark: { type: 'rule', color: '#bbb', strokeDash: [4, 3] }, encoding: { x: { datum: -threshold, type: 'quantitative' }, description: { value: `Reference line at -${plain(threshold, 2)}` } } },
        { mark: { type: 'rule', color: '#bbb', strokeDash: [4, 3] }, encoding: { x: { datum: threshold, type: 'quantitative' }, description: { value: `Reference line at ${plain(threshold, 2)}` } } },
        { mark: { type: 'point', filled: true, size: 50, color: '#1b6ca8' }, encoding: { y, x: { field: 'standardisedDifference', type: 'quantitative', title: 'Standardised difference (intervention − control)' } } },
      ],
    },
  };
}
