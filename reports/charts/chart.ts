// The common shape of every report chart: a Vega-Lite spec whose data source is named, plus the rows to attach at render time.
import type { TopLevelSpec } from 'vega-lite';

/** The named data source every chart reads; rows are attached by renderChartSvg (or vega-embed in the site). */
export const CHART_DATA_NAME = 'rows';

/** A fixed font list so server-side SVG output is identical on every machine (vega measures text by estimate, not by font files). */
export const CHART_FONT = 'Helvetica, Arial, "Liberation Sans", sans-serif';

/** Colours by arm, kept the same in every chart (colour-blind safe pair; arm is also named in text, never by colour alone). */
export const ARM_COLOURS = { Intervention: '#1b6ca8', Control: '#d95f02' } as const;

export type ArmLabel = keyof typeof ARM_COLOURS;

export interface Chart<Row extends object> {
  /** Stable id, used for <title>/<desc> ids in the SVG. */
  id: string;
  /** Short title (also the spec's title). */
  title: string;
  /** One sentence describing what the chart shows, for screen readers and the visible caption. */
  summary: string;
  spec: TopLevelSpec;
  rows: Row[];
}

/** Config shared by all charts: fonts, sizes, no chart-level interactivity. */
export function baseConfig(): NonNullable<TopLevelSpec['config']> {
  return {
    font: CHART_FONT,
    view: { stroke: null },
    axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridColor: '#e5e5e5' },
    legend: { labelFontSize: 11, titleFontSize: 12 },
    title: { fontSize: 14, anchor: 'start' },
  };
}

/** The top-level fields every chart spec carries. */
export function specHeader(title: string, summary: string): Pick<TopLevelSpec, '$schema' | 'title' | 'description' | 'config' | 'background'> & { data: { name: string } } {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    description: summary,
    background: 'white',
    config: baseConfig(),
    data: { name: CHART_DATA_NAME },
  };
}

/** Formats a number for summary sentences (no locale surprises). */
export function plain(n: number, digits = 2): string {
  return Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
}
