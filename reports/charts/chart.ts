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

/** The widest a chart may be: A4 less the report's 14 mm side margins is 182 mm (688 CSS px), so a chart this wide prints at its set text size (11 px = 8.25 pt). */
export const PRINT_WIDTH = 680;

/** Splits a label into lines of at most `max` characters, breaking at spaces (a word longer than `max` stays whole). */
export function wrapText(text: string, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > max) { lines.push(line); line = word; } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.length ? lines : [text];
}

/**
 * An axis labelExpr that shows each of `labels` wrapped onto lines of at most `max` characters (vega draws an array
 * as lines). The lookup is a literal object in the expression, so the data and their sort order keep the full label.
 */
export function wrappedLabelExpr(labels: string[], max: number): string {
  const table: Record<string, string[]> = {};
  for (const l of labels) table[l] = wrapText(l, max);
  return `${JSON.stringify(table)}[datum.value] || datum.label`;
}
