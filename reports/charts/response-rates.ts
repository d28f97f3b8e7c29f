// Survey response rates by wave and arm: the share of invited DSLs who completed the wave.
import { ARM_COLOURS, specHeader, type ArmLabel, type Chart } from './chart';

export interface ResponseRateRow { wave: string; arm: ArmLabel; invited: number; completed: number; rate: number }

export interface ResponseRateInput { id: string; rows: Omit<ResponseRateRow, 'rate'>[] }

export function responseRatesChart(input: ResponseRateInput): Chart<ResponseRateRow> {
  const rows = input.rows.map((r) => ({ ...r, rate: r.invited > 0 ? r.completed / r.invited : 0 }));
  const waves = [...new Set(rows.map((r) => r.wave))];
  const summary = waves.length === 0 ? 'No survey waves have been invited yet.'
    : `Percentage of invited DSLs who completed each survey wave, by arm: ` + waves.map((w) => {
      const parts = rows.filter((r) => r.wave === w).map((r) => `${r.arm.toLowerCase()} ${Math.round(r.rate * 100)}% (${r.completed} of ${r.invited})`);
      return `${w} ${parts.join(', ')}`;
    }).join('; ') + '.';
  const title = 'Survey response rates by wave and arm';
  return {
    id: input.id,
    title,
    summary,
    rows,
    spec: {
      ...specHeader(title, summary),
      width: { step: 48 },
      height: 180,
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'wave', type: 'nominal', sort: waves, title: 'Wave', axis: { labelAngle: 0 } },
        xOffset: { field: 'arm', type: 'nominal', sort: ['Intervention', 'Control'] },
        y: { field: 'rate', type: 'quantitative', title: 'Completed (% of invited)', scale: { domain: [0, 1] }, axis: { format: '.0%' } },
        color: { field: 'arm', type: 'nominal', title: 'Arm', scale: { domain: Object.keys(ARM_COLOURS), range: Object.values(ARM_COLOURS) } },
      },
    },
  };
}
