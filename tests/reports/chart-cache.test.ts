// Charts are compiled once per shape (spec without its description) and the parsed runtime reused: the SVG must be byte-for-byte what a fresh compile gives, for other data and another description.
import { describe, it, expect } from 'vitest';
import * as vegaLite from 'vega-lite';
import * as vega from 'vega';
import { forestPlot, outcomeHistogram, renderChart } from '../../reports/charts';
import { cachedShapeCount } from '../../reports/charts/render-svg';
import type { Chart } from '../../reports/charts/chart';

/** The SVG as rendered before the cache existed: compile and parse this very spec, description included. */
async function freshSvg(chart: Chart<object>): Promise<string> {
  const view = new vega.View(vega.parse(vegaLite.compile(chart.spec).spec), { renderer: 'none' });
  view.data('rows', chart.rows.map((d) => ({ ...d })));
  try { return await view.toSVG(); } finally { view.finalize(); }
}

/** renderChart's output without the <title>/<desc> it adds after the root element. */
const body = (svg: string) => svg.replace(/ role="img" aria-labelledby="[^"]*"><title [^>]*>.*?<\/title><desc [^>]*>.*?<\/desc>/s, '>');

// Illustrative values; what matters is that two charts share a shape but not their rows or summary sentence.
const histA = outcomeHistogram({ id: 'ha', outcomeLabel: 'PSS-10 total', kind: 'score', binStep: 2, values: [
  { arm: 'Intervention', value: 14 }, { arm: 'Intervention', value: 15 }, { arm: 'Control', value: 19 }] });
const histB = outcomeHistogram({ id: 'ha', outcomeLabel: 'PSS-10 total', kind: 'score', binStep: 2, values: [
  { arm: 'Intervention', value: 22 }, { arm: 'Control', value: 9 }, { arm: 'Control', value: 10 }, { arm: 'Control', value: 11 }] });
const forestA = forestPlot({ id: 'fa', effectSizeLabel: "Glass's delta", rows: [{ outcome: 'Contacts leading to NFA', role: 'Primary', estimate: -0.013, lower: -0.047, upper: 0.022 }] });
const forestB = forestPlot({ id: 'fa', effectSizeLabel: "Glass's delta", rows: [{ outcome: 'Contacts leading to NFA', role: 'Primary', estimate: 0.2, lower: 0.1, upper: 0.3 }] });

describe('chart shape cache', () => {
  it('the two histograms differ only in rows and description, so they share one compiled shape', async () => {
    expect(histA.spec.description).not.toBe(histB.spec.description);
    const before = cachedShapeCount();
    await renderChart(histA);
    const afterFirst = cachedShapeCount();
    await renderChart(histB);
    expect(cachedShapeCount()).toBe(afterFirst); // no new shape for histB
    expect(afterFirst).toBeGreaterThanOrEqual(Math.min(before + 1, 100));
  });

  it('renders from the cache exactly what a fresh compile renders, in either order and repeatedly', async () => {
    for (const chart of [histA, histB, forestA, forestB, histA, forestB] as Chart<object>[]) {
      expect(body(await renderChart(chart))).toBe(await freshSvg(chart));
    }
  });

  it('keeps the data of one render out of the next (rows attached per view)', async () => {
    const a = await renderChart(histA);
    const b = await renderChart(histB);
    expect(a).not.toBe(b);
    expect(await renderChart(histA)).toBe(a);
  });
});
