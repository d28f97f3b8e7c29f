// Every report chart spec validates against the Vega-Lite JSON schema and renders to an accessible SVG server-side.
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import {
  outcomeHistogram, outcomeHistogramPanel, binOutcome, forestPlot, consortFlow, dosageChart, responseRatesChart, balanceChart, renderChart, renderChartSvg, type Chart,
} from '../../reports/charts';

const schema = JSON.parse(fs.readFileSync(path.resolve('node_modules/vega-lite/build/vega-lite-schema.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
const validate = ajv.compile(schema);

// Small inputs shaped like the Bolton report's figures and tables (values illustrative except where noted).
const charts: Chart<object>[] = [
  outcomeHistogram({ id: 'h1', outcomeLabel: 'Contacts leading to NFA as proportion of pupils', kind: 'proportion', values: [
    { arm: 'Intervention', value: 0.011 }, { arm: 'Intervention', value: 0.02 }, { arm: 'Control', value: 0.013 }, { arm: 'Control', value: 0.004 }] }),
  outcomeHistogram({ id: 'h2', outcomeLabel: 'PSS-10 total', kind: 'score', binStep: 2, values: [{ arm: 'Intervention', value: 14 }, { arm: 'Control', value: 19 }] }),
  outcomeHistogramPanel({ id: 'hp', title: 'Secondary outcomes', kind: 'proportion', outcomes: [
    { label: 'Contacts', values: [{ arm: 'Intervention', value: 0.03 }, { arm: 'Control', value: 0.035 }] },
    { label: 'New CIN plans', values: [{ arm: 'Intervention', value: 0.01 }, { arm: 'Control', value: 0.015 }] }] }),
  // Bolton report Table 3 / Table 4 Glass's delta and CIs.
  forestPlot({ id: 'f1', effectSizeLabel: "Glass's delta", rows: [
    { outcome: 'Contacts leading to NFA', role: 'Primary', estimate: -0.013, lower: -0.047, upper: 0.022 },
    { outcome: 'New Child in Need plans', role: 'Secondary', estimate: -0.036, lower: -0.077, upper: 0.004 }] }),
  // Bolton report Table 1: 94 schools randomised, 47 per arm, all analysed (DSL counts illustrative).
  consortFlow({ id: 'c1', rows: [
    { stage: 'Assessed for eligibility', arm: 'All', schools: 101, dsls: 101 },
    { stage: 'Randomised', arm: 'All', schools: 94, dsls: 94 },
    { stage: 'Allocated', arm: 'Intervention', schools: 47, dsls: 47 }, { stage: 'Allocated', arm: 'Control', schools: 47, dsls: 47 },
    { stage: 'Analysed', arm: 'Intervention', schools: 47, dsls: 47 }, { stage: 'Analysed', arm: 'Control', schools: 47, dsls: 47 }] }),
  // Bolton report Table 5.
  dosageChart({ id: 'd1', rows: [
    { category: 'Introductory meeting only', schools: 13 }, { category: 'Introduction plus one supervision session', schools: 6 },
    { category: 'Introduction plus two supervision sessions', schools: 8 }, { category: 'Introduction plus three supervision sessions', schools: 18 },
    { category: 'Declined to participate/missing information on attendance', schools: 2 }] }),
  responseRatesChart({ id: 'r1', rows: [
    { wave: 'baseline', arm: 'Intervention', invited: 50, completed: 45 }, { wave: 'baseline', arm: 'Control', invited: 50, completed: 40 }] }),
  balanceChart({ id: 'b1', rows: [{ characteristic: '% FSM', standardisedDifference: -0.12 }, { characteristic: 'Pupils on roll', standardisedDifference: 0.06 }] }),
];

describe('chart specs', () => {
  for (const chart of charts) {
    it(`${chart.id} (${chart.title}) is a valid Vega-Lite spec`, () => {
      const ok = validate(chart.spec);
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    });
  }

  it('the schema check rejects a broken spec (the test can fail)', () => {
    expect(validate({ ...charts[0].spec, mark: 'not-a-mark' })).toBe(false);
  });

  it('every chart has a title and a one-sentence summary', () => {
    for (const c of charts) {
      expect(c.title.length).toBeGreaterThan(5);
      expect(c.summary).toMatch(/\.$/);
      expect(c.spec.description).toBe(c.summary);
    }
  });

  it('the forest plot summary counts intervals that exclude zero', () => {
    const f = forestPlot({ id: 'f', effectSizeLabel: 'g', rows: [
      { outcome: 'a', role: 'Primary', estimate: 0.3, lower: 0.1, upper: 0.5 },
      { outcome: 'b', role: 'Secondary', estimate: 0, lower: -0.1, upper: 0.1 }] });
    expect(f.summary).toContain('1 interval excludes zero');
  });
});

describe('binOutcome', () => {
  it('counts values per arm in equal-width bins; the maximum falls in the last bin', () => {
    const rows = binOutcome('x', [{ arm: 'Intervention', value: 0 }, { arm: 'Intervention', value: 10 }, { arm: 'Control', value: 5 }], 2);
    expect(rows).toEqual([
      { outcome: 'x', arm: 'Intervention', binStart: 0, binEnd: 5, count: 1 }, { outcome: 'x', arm: 'Intervention', binStart: 5, binEnd: 10, count: 1 },
      { outcome: 'x', arm: 'Control', binStart: 0, binEnd: 5, count: 0 }, { outcome: 'x', arm: 'Control', binStart: 5, binEnd: 10, count: 1 },
    ]);
  });
});

describe('renderChartSvg', () => {
  it('renders each chart to an SVG with <title> and <desc> and no script', async () => {
    for (const chart of charts) {
      const svg = await renderChart(chart);
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toContain(`<title id="${chart.id}-title">`);
      expect(svg).toContain(`aria-labelledby="${chart.id}-title ${chart.id}-desc"`);
      expect(svg).not.toMatch(/<script/i);
    }
  });

  it('is deterministic', async () => {
    const a = await renderChart(charts[5]);
    const b = await renderChart(charts[5]);
    expect(a).toBe(b);
  });

  it('escapes the text alternative', async () => {
    const svg = await renderChartSvg({ ...charts[5].spec, title: 'A <b> & "c"' }, charts[5].rows, { id: 'x' });
    expect(svg).toContain('<title id="x-title">A &lt;b&gt; &amp; &quot;c&quot;</title>');
  });

  it('draws the data attached at render time (13 schools bar label from Table 5)', async () => {
    const svg = await renderChart(charts[5]);
    expect(svg).toContain('>13<');
    expect(svg).toContain('>18<');
  });
});
