// Every chart of the rendered reports draws what its data say: bar lengths read from the SVG are proportional to the counts and start at the zero line; point charts draw one point per row.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { tempDb } from '../helpers/temp';
import { renderReport } from '../../server/reports/render-trial-report';
import { outcomeHistogramPanel, renderChart } from '../../reports/charts';
import { fixtureClock, seedReportFixture } from './fixture';

interface Bar { x: number; y: number; w: number; h: number; label: string }

/** The bars of each mark group (one group per facet cell), read from vega's SVG paths "M x,y h w v h h -w Z". */
export function barGroups(svg: string): Bar[][] {
  const groups: Bar[][] = [];
  for (const g of svg.split('<g class="mark-rect').slice(1)) {
    const body = g.slice(0, g.indexOf('</g>'));
    const bars: Bar[] = [];
    for (const m of body.matchAll(/<path aria-label="([^"]*)"[^>]*aria-roledescription="bar" d="M([-\d.e]+),([-\d.e]+)h([-\d.e]+)v([-\d.e]+)h[-\d.e]+Z"/g)) {
      bars.push({ label: m[1], x: Number(m[2]), y: Number(m[3]), w: Number(m[4]), h: Number(m[5]) });
    }
    if (bars.length) groups.push(bars);
  }
  return groups;
}

/** The value named `key` in a bar's aria-label ("Number of schools: 12; ..."), percentages as fractions. */
function valueOf(bar: Bar, key: string): number {
  const part = bar.label.split('; ').find((p) => p.startsWith(`${key}: `));
  if (!part) throw new Error(`no "${key}" in ${bar.label}`);
  const text = part.slice(key.length + 2).replace(/,/g, '');
  return text.endsWith('%') ? Number(text.slice(0, -1)) / 100 : Number(text);
}

/** Asserts each group's bars are proportional to their values and share one baseline (the zero line). */
function expectBarsFromZero(svg: string, key: string, direction: 'vertical' | 'horizontal'): number {
  const groups = barGroups(svg);
  expect(groups.length).toBeGreaterThan(0);
  let drawn = 0;
  for (const bars of groups) {
    const length = (b: Bar) => (direction === 'vertical' ? b.h : b.w);
    const base = (b: Bar) => (direction === 'vertical' ? b.y + b.h : b.x);
    const values = bars.map((b) => valueOf(b, key));
    const max = Math.max(...values);
    expect(max).toBeGreaterThan(0);
    const scale = length(bars[values.indexOf(max)]) / max;
    expect(scale).toBeGreaterThan(0);
    for (let i = 0; i < bars.length; i++) {
      // Labels round values (e.g. 70%), so allow 1% of the longest bar plus half a pixel.
      expect(Math.abs(length(bars[i]) - values[i] * scale), bars[i].label).toBeLessThanOrEqual(0.5 + 0.01 * max * scale);
      expect(base(bars[i]), bars[i].label).toBeCloseTo(base(bars[0]), 1);
      if (values[i] > 0) drawn++;
    }
    // A chart whose tallest bar is a few pixels draws nothing useful.
    expect(max * scale).toBeGreaterThan(40);
  }
  return drawn;
}

/** What each figure of the reports draws, by figure id: bars with the value in their aria-label, or points. */
const EXPECT: Record<string, { bars?: { key: string; direction: 'vertical' | 'horizontal' }; points?: true; boxes?: true }> = {
  'figure-consort': { boxes: true },
  'figure-balance': { points: true },
  'figure-forest': { points: true },
  'figure-hist-admin-contacts-nfa': { bars: { key: 'Number of schools', direction: 'vertical' } },
  'figure-response-rates': { bars: { key: 'Completed (% of invited)', direction: 'vertical' } },
  'figure-ipe-dosage': { bars: { key: 'Number of schools', direction: 'horizontal' } },
  'figure-dosage': { bars: { key: 'Number of schools', direction: 'horizontal' } },
  'figure-hist-secondary-proportion': { bars: { key: 'Number of schools', direction: 'vertical' } },
  'figure-hist-secondary-score': { bars: { key: 'Number of DSLs', direction: 'vertical' } },
};

let t: ReturnType<typeof tempDb>;
let seededTrialId = '';
const figures: { id: string; svg: string }[] = [];

beforeAll(async () => {
  t = tempDb();
  const { trialId } = seedReportFixture(t.db);
  seededTrialId = trialId;
  for (const kind of ['arm-comparison', 'ipe'] as const) {
    const html = await renderReport(t.db, { trialId, kind, clock: fixtureClock });
    for (const m of html.matchAll(/<figure id="([^"]+)"[\s\S]*?(<svg[\s\S]*?<\/svg>)/g)) figures.push({ id: m[1], svg: m[2] });
  }
});
afterAll(() => t.cleanup());

describe('report charts draw their data', () => {
  it('the reports have the figures this test knows about', () => {
    expect(figures.length).toBeGreaterThanOrEqual(8);
    for (const f of figures) expect(Object.keys(EXPECT), f.id).toContain(f.id);
  });

  it('bar charts: bar lengths proportional to the values, starting at the zero line', () => {
    for (const f of figures) {
      const e = EXPECT[f.id];
      if (!e?.bars) continue;
      expect(expectBarsFromZero(f.svg, e.bars.key, e.bars.direction), f.id).toBeGreaterThan(0);
    }
  });

  it('point charts draw points, box charts draw boxes with text', () => {
    for (const f of figures) {
      const e = EXPECT[f.id];
      if (e?.points) expect((f.svg.match(/aria-roledescription="point"/g) ?? []).length, f.id).toBeGreaterThanOrEqual(2);
      if (e?.boxes) {
        expect(f.svg, f.id).toContain('class="mark-rect');
        expect((f.svg.match(/<text/g) ?? []).length, f.id).toBeGreaterThan(8);
      }
    }
  });

  it('the Appendix E panel of survey scores also draws bars from zero', async () => {
    const svg = await renderChart(outcomeHistogramPanel({ id: 'hist-secondary-score', title: 'Scores', kind: 'score', outcomes: [
      { label: 'PSS-10', values: [14, 15, 15, 16, 19, 22, 22, 22].map((value, i) => ({ arm: i % 2 ? 'Control' : 'Intervention', value })) },
      { label: 'WEMWBS', values: [40, 44, 44, 50, 51, 51, 51, 60].map((value, i) => ({ arm: i % 2 ? 'Control' : 'Intervention', value })) }] }));
    expect(expectBarsFromZero(svg, 'Number of DSLs', 'vertical')).toBeGreaterThan(4);
  });

  it('the check fails on floating dashes (bars of one fixed height)', () => {
    const dashes = '<g class="mark-rect role-mark"><path aria-label="Number of schools: 1" aria-roledescription="bar" d="M0,85.5h19v5h-19Z"/>'
      + '<path aria-label="Number of schools: 5" aria-roledescription="bar" d="M19,41.5h19v5h-19Z"/></g>';
    expect(() => expectBarsFromZero(dashes, 'Number of schools', 'vertical')).toThrow();
  });
});

describe('figure numbers', () => {
  it('run 1, 2, 3 ... in the order the figures appear, appendix figures E.1, E.2 ...', async () => {
    const html = await renderReport(t.db, { trialId: seededTrialId, kind: 'arm-comparison', clock: fixtureClock });
    const numbers = [...html.matchAll(/<strong>Figure ([^.]+(?:\.\d+)?)\. /g)].map((m) => m[1]);
    const main = numbers.filter((n) => !n.startsWith('E'));
    expect(main).toEqual(main.map((_, i) => String(i + 1)));
    const appendix = numbers.filter((n) => n.startsWith('E'));
    expect(appendix).toEqual(appendix.map((_, i) => `E.${i + 1}`));
    expect(numbers.indexOf(appendix[0] ?? 'none')).toBeGreaterThan(numbers.indexOf(main[main.length - 1]));
  });
});

describe('figures fit the printed page', () => {
  // A4 less the 14 mm side margins of the report's @page is 182 mm = 688 CSS px; a wider SVG is scaled down to fit.
  it('every figure is at most 680 px wide, so no text is scaled below its set size, and no text is set below 8 pt (10.67 px)', () => {
    for (const f of figures) {
      const width = Number(/<svg[^>]*? width="([\d.]+)"/.exec(f.svg)![1]);
      expect(width, f.id).toBeLessThanOrEqual(680);
      const sizes = [...f.svg.matchAll(/font-size="([\d.]+)px"/g)].map((m) => Number(m[1]));
      expect(Math.min(...sizes), f.id).toBeGreaterThanOrEqual(10.67);
    }
  });
});
