// Vega-Lite spec for a distribution whose bars were already binned and disclosure-controlled (hidden bars drawn as a "c" label, never as a height).
import type { TopLevelSpec } from 'vega-lite';
import { specHeader, ARM_COLOURS } from '../../../reports/charts/chart';
import { SUPPRESSED_MARK } from '../disclosure';
import type { HistogramBar } from './types';

/**
 * Bars of protected counts per bin, one panel per wave and group, one panel under another: at 240 px a panel
 * fits a 375 px phone screen at full size, and axis titles of neighbouring panels cannot run into each other.
 * Reads data source 'rows'.
 */
export function protectedHistogramSpec(title: string, summary: string, bars: HistogramBar[], axisTitle: string): TopLevelSpec {
  const binOrder = [...new Map(bars.map((b) => [b.binOrder, b.bin])).entries()].sort((a, b) => a[0] - b[0]).map(([, l]) => l);
  const groups = [...new Set(bars.map((b) => b.group))];
  const panels = [...new Set(bars.map((b) => `${b.wave}: ${b.group}`))];
  const colours = groups.map((g) => (ARM_COLOURS as Record<string, string>)[g] ?? '#505a5f');
  const header = specHeader(title, summary);
  // The axis runs to the largest published count (at least 6, so a chart of zeros and hidden bands still has a scale).
  const yMax = Math.max(6, ...bars.map((b) => b.count ?? 0));
  return {
    ...header,
    // A long title on one line would make the SVG wider than a phone: break it into lines of at most 34 characters.
    title: wrapWords(title, 34),
    // The SVG as a whole is role="img" with a title, description and a data table beside it, so marks carry no ARIA of their own.
    config: { ...header.config, aria: false },
    transform: [{ calculate: "datum.wave + ': ' + datum.group", as: 'panel' }],
    facet: { field: 'panel', type: 'nominal', title: null, sort: panels, header: { labelFontSize: 12 } },
    columns: 1,
    spec: {
      width: 240,
      height: 110,
      layer: [
        {
          transform: [{ filter: 'datum.count != null' }],
          mark: { type: 'bar', aria: false },
          encoding: {
            x: { field: 'bin', type: 'ordinal', sort: binOrder, title: wrapWords(axisTitle, 34), axis: { labelAngle: -45, labelLimit: 130 } },
            y: { field: 'count', type: 'quantitative', title: 'Number of DSLs', scale: { domain: [0, yMax] }, axis: { format: 'd', tickMinStep: 1 } },
            color: { field: 'group', type: 'nominal', legend: null, scale: { domain: groups, range: colours } },
          },
        },
        {
          transform: [{ filter: 'datum.count == null' }],
          mark: { type: 'text', aria: false, baseline: 'bottom', dy: -2, fontSize: 11, color: '#0b0c0c' },
          encoding: {
            x: { field: 'bin', type: 'ordinal', sort: binOrder, title: wrapWords(axisTitle, 34) },
            y: { datum: 0, type: 'quantitative' },
            text: { value: SUPPRESSED_MARK },
          },
        },
      ],
    },
    resolve: { scale: { x: 'shared', y: 'shared' } },
  } as TopLevelSpec;
}

/** Breaks text into lines of at most `width` characters at spaces (a longer word keeps its own line). */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines[lines.length - 1];
    if (last !== undefined && `${last} ${word}`.length <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}
