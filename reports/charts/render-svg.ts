// Server-side rendering of a Vega-Lite spec to a standalone, accessible SVG string (vega's own SVG renderer; no canvas, no JavaScript in the output).
import * as vegaLite from 'vega-lite';
import * as vega from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { CHART_DATA_NAME, type Chart } from './chart';

export interface RenderSvgOptions {
  /** Prefix for the ids of the SVG's <title> and <desc>; defaults to a slug of the title. Must be unique within one HTML page. */
  id?: string;
}

/** Escapes text for XML character data and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function textOf(title: TopLevelSpec['title']): string {
  if (title === undefined || title === null) return '';
  if (typeof title === 'string') return title;
  if (Array.isArray(title)) return title.join(' ');
  const t = (title as { text?: unknown }).text;
  return Array.isArray(t) ? t.join(' ') : typeof t === 'string' ? t : '';
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'chart';
}

/**
 * Compiles the spec with vega-lite, attaches `data` to the named source 'rows' (when given), renders with
 * vega's headless View.toSVG(), and adds <title>/<desc> (from the spec's title and description) with
 * role="img" and aria-labelledby so screen readers announce the text alternative.
 */
export async function renderChartSvg(spec: TopLevelSpec, data?: object[], options: RenderSvgOptions = {}): Promise<string> {
  const compiled = vegaLite.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  if (data) view.data(CHART_DATA_NAME, data.map((d) => ({ ...d })));
  let svg: string;
  try {
    svg = await view.toSVG();
  } finally {
    view.finalize();
  }
  const title = textOf(spec.title);
  const desc = typeof spec.description === 'string' ? spec.description : '';
  const id = options.id ?? slug(title);
  const open = svg.indexOf('>', svg.indexOf('<svg')) + 1;
  const head = svg.slice(0, open - 1)
    + ` role="img" aria-labelledby="${escapeXml(id)}-title ${escapeXml(id)}-desc">`
    + `<title id="${escapeXml(id)}-title">${escapeXml(title)}</title><desc id="${escapeXml(id)}-desc">${escapeXml(desc)}</desc>`;
  return head + svg.slice(open);
}

/** Renders a chart built by one of the typed functions in reports/charts/. */
export function renderChart(chart: Chart<object>): Promise<string> {
  return renderChartSvg(chart.spec, chart.rows, { id: chart.id });
}
