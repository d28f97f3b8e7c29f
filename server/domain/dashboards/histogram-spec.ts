// Vega-Lite spec for a distribution whose bars were already binned and disclosure-controlled (hidden bars drawn as a "c" label, never as a height).
import type { TopLevelSpec } from 'vega-lite';
import { specHeader, ARM_COLOURS } from '../../../reports/charts/chart';
import { SUPPRESSED_MARK } from '../disclosure';
import type { HistogramBar } from './types';

/** Bars of protected counts per bin, one panel per wave (columns) and group (rows). Reads data source 'rows'. */
export function protectedHistogramSpec(title: string, summary: string, bars: HistogramBar[], axisTitle: string): TopLevelSpec {
  const binOrder = [...new Map(bars.map((b) => [b.binOrder, b.bin])).entries()].sort((a, b) => a[0] - b[0]).map(([, l]) => l);
  const waves = [...new Set(bars.map((b) => b.wave))];
  const groups = [...new Set(bars.map((b) => b.group))];
  const colours = groups.map((g) => (ARM_COLOURS as Record<string, string>)[g] ?? '#505a5f');
  return {
    ...specHeader(title, summary),
    facet: {
      row: { field: 'group', type: 'nominal', title: null, sort: groups, header: { labelAngle: 0, labelAlign: 'left', labelFontSize: 12 } },
      column: { field: 'wave', type: 'nominal', title: null, sort: waves, header: { labelFontSize: 12 } },
    },
    spec: {
      width: 260,
      height: 110,
      layer: [
        {
          transform: [{ filter: 'datum.count != null' }],
          mark: { type: 'bar' },
          encoding: {
            x: { field: 'bin', type: 'ordinal', sort: binOrder, title: axisTitle, axis: { labelAngle: -30 } },
            y: { field: 'count', type: 'quantitative', title: 'Number of DSLs' },
            color: { field: 'group', type: 'nominal', legend: null, scale: { domain: groups, range: colours } },
          },
        },
        {
          transform: [{ filter: 'datum.count == null' }],
          mark: { type: 'text', baseline: 'bottom', dy: -2, fontSize: 11, color: '#0b0c0c' },
          encoding: {
            x: { field: 'bin', type: 'ordinal', sort: binOrder, title: axisTitle },
            y: { datum: 0, type: 'quantitative' },
            text: { value: SUPPRESSED_MARK },
          },
        },
      ],
    },
    resolve: { scale: { x: 'shared', y: 'shared' } },
  } as TopLevelSpec;
}
