// Vega-Lite spec for a distribution whose bars were already binned and disclosure-controlled (hidden bars drawn as a "c" label, never as a height).
import type { TopLevelSpec } from 'vega-lite';
import { specHeader, ARM_COLOURS } from '../../../reports/charts/chart';
import { SUPPRESSED_MARK } from '../disclosure';
import type { HistogramBar } from './types';

/** Bars of protected counts per bin, one panel per wave (columns) and group (rows). Reads data source 'rows'. */
export function protectedHistogramSpec(title: string, summary: string, bars: HistogramBar[], axisTitle: string): TopLevelSpec {
  const binOrder = [...new Map(bars.map((b) => [b.binOrder, b.bin])).entries()].sort((a, b) => a[0] - b[0]).map(([, l]) => l);
  const groups = [...new Set(bars.map((b) => b.group))];
  const panels = [...new Set(bars.map((b) => `${b.wave}: ${b.group}`))];
  const colours = groups.map((g) => (ARM_COLOURS as Record<string, string>)[g] ?? '#505a5f');
  const header = specHeader(title, summary);
  return {
    ...header,
    // The SVG as a whole is role="img" with a title, description and a data table beside it, so marks carry no ARIA of their own.
    config: { ...header.config, aria: false },
    transform: [{ calculate: "datum.wave + ': ' + datum.group", as: 'panel' }],
    facet: { field: 'panel', type: 'nominal', title: null, sort: panels, header: { labelFontSize: 12 } },
    columns: Math.min(2, panels.length),
    spec: {
      width: 260,
      height: 110,
      layer: [
        {
          transform: [{ filter: 'datum.count != null' }],
          mark: { type: 'bar', aria: false },
          encoding: {
            x: { field: 'bin', type: 'ordinal', sort: binOrder, title: axisTitle, axis: { labelAngle: -30 } },
            y: { field: 'count', type: 'quantitative', title: 'Number of DSLs' },
            color: { field: 'group', type: 'nominal', legend: null, scale: { domain: groups, range: colours } },
          },
        },
        {
          transform: [{ filter: 'datum.count == null' }],
          mark: { type: 'text', aria: false, baseline: 'bottom', dy: -2, fontSize: 11, color: '#0b0c0c' },
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
