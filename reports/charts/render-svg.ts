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

/** Most chart shapes kept compiled; a report uses about ten, so this covers several trials' reports at once. */
export const MAX_CACHED_SHAPES = 100;
const runtimes = new Map<string, vega.Runtime>();

/**
 * The parsed Vega runtime for a chart's shape: the spec without its description (the one part that carries the
 * data's numbers; it is set on the View instead, which gives the same SVG). Compiling with vega-lite and parsing
 * with vega cost 10-25 ms a chart; the same charts of another trial, or of the same trial again, reuse them.
 * Data rows are attached per View, so nothing of one render reaches another.
 */
export function runtimeFor(spec: TopLevelSpec): vega.Runtime {
  const { description: _description, ...shape } = spec as TopLevelSpec & { description?: unknown };
  const key = JSON.stringify(shape);
  let runtime = runtimes.get(key);
  if (runtime) {
    runtimes.delete(key); // most recently used last, so the oldest goes first
  } else {
    runtime = vega.parse(vegaLite.compile(shape as TopLevelSpec).spec);
    if (runtimes.size >= MAX_CACHED_SHAPES) runtimes.delete(runtimes.keys().next().value!);
  }
  runtimes.set(key, runtime);
  return runtime;
}

/** How many chart shapes are compiled and kept (for tests). */
export function cachedShapeCount(): number {
  return runtimes.size;
}

/**
 * Compiles the spec with vega-lite (once per shape, see runtimeFor), attaches `data` to the named source 'rows' (when given), renders with
 * vega's headless View.toSVG(), and adds <title>/<desc> (from the spec's title and description) with
 * role="img" and aria-labelledby so screen readers announce the text alternative.
 */
export async function renderChartSvg(spec: TopLevelSpec, data?: object[], options: RenderSvgOptions = {}): Promise<string> {
  const view = new vega.View(runtimeFor(spec), { renderer: 'none' });
  if (typeof spec.description === 'string') view.description(spec.description);
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
