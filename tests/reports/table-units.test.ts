// Proportions and percentage points are not mixed in one table (issue 16): Tables 3 and 4 show proportions of pupils as percentages beside percentage-point differences, survey scores in a table of their own, the unit named in the headers.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp';
import { openDatabase, type Db } from '../../server/storage/db';
import { seedDemo, DEMO_TRIAL_ID } from '../../server/domain/demo/seed-demo';
import { loadReportData } from '../../server/storage/report-data-repo';
import { buildArmComparison } from '../../reports/view-models/arm-comparison';
import { renderReportHtml } from '../../reports/render';
import { ittAnalysis } from '../../reports/analysis';
import { adminDatasets, FORM_IDS } from '../../reports/view-models/outcomes';
import { getRegistry } from '../../instruments/registry';
import type { ReportData } from '../../reports/view-models/report-data';

/** The demo's report data with endline scores on every scale of the endline's first outcome instrument for each active DSL (the demo's endline is still open, with no responses). */
function withEndlineScores(data: ReportData): ReportData {
  const endline = data.waves.find((w) => w.name === 'endline')!;
  const key = endline.instruments.find((k) => !FORM_IDS.has(k.split('@')[0]))!;
  const scales = getRegistry().get(key).scales;
  const active = data.dsls.filter((d) => d.status === 'active');
  return {
    ...data,
    waveResponses: [...data.waveResponses, ...active.map((d, i) => ({ id: 900000 + i, waveId: endline.id, dslId: d.id, status: 'complete' as const, submittedAt: '2026-11-15T10:00:00Z' }))],
    scores: [...data.scores, ...active.flatMap((d, i) => scales.map((scale) => ({ waveId: endline.id, dslId: d.id, instrument: key, scale, value: 10 + ((i * 7) % 13) })))],
  };
}

// After the demo's endline closed (server/domain/demo/seed-demo.ts demoTimeline), so survey and LA outcomes are both analysed.
const clock = () => new Date('2026-11-20T12:00:00Z');
let dir: ReturnType<typeof tempDir>;
let db: Db;
beforeAll(() => { dir = tempDir(); db = openDatabase(path.join(dir.dir, 'u.db')); seedDemo(db, { clock, secret: Buffer.alloc(32, 7) }); });
afterAll(() => { db.close(); dir.cleanup(); });

/** Each <table> of the page: its caption, header cells and body rows' cells, as text. */
function tables(html: string): Array<{ caption: string; headers: string[]; rows: string[][] }> {
  const text = (s: string) => s.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
  return [...html.matchAll(/<table[\s\S]*?<\/table>/g)].map(([t]) => ({
    caption: text(/<caption>([\s\S]*?)<\/caption>/.exec(t)?.[1] ?? ''),
    headers: [...(/<thead>([\s\S]*?)<\/thead>/.exec(t)?.[1] ?? '').matchAll(/<th[^>]*>([\s\S]*?)<\/th>/g)].map((m) => text(m[1])),
    rows: [...(/<tbody>([\s\S]*?)<\/tbody>/.exec(t)?.[1] ?? '').matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => [...m[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => text(c[1]))),
  }));
}

describe('one unit per table', () => {
  it('every table with percentage-point differences shows its means as % of pupils, and no table mixes units', async () => {
    const data = withEndlineScores(loadReportData(db, DEMO_TRIAL_ID));
    const html = await renderReportHtml(data, 'arm-comparison', { clock });
    const all = tables(html);
    const withPp = all.filter((t) => t.headers.some((h) => /percentage points/.test(h)));
    expect(withPp.map((t) => t.caption)).toEqual(expect.arrayContaining(['Table 3. Primary analysis', 'Table 4. Secondary analysis: administrative outcomes (% of pupils)']));
    for (const t of withPp) {
      const means = t.headers.filter((h) => /mean/i.test(h));
      if (/^Table [34]/.test(t.caption)) expect(means.length, t.caption).toBeGreaterThan(0);
      for (const h of means) expect(h, t.caption).toMatch(/% of pupils/);
      expect(t.headers.some((h) => /scale points/.test(h)), t.caption).toBe(false);
    }
    // the survey outcomes are in a table of their own, in scale points
    const survey = all.find((t) => t.caption === 'Table 4 (continued). Secondary analysis: survey outcomes (scale points)')!;
    expect(survey.headers.filter((h) => /mean|difference/i.test(h)).every((h) => /scale points/.test(h))).toBe(true);
    expect(survey.rows.length).toBeGreaterThan(0);
  });

  it('Table 3 prints the primary outcome\'s means as 100 × the proportion, beside the difference in percentage points', () => {
    const data = loadReportData(db, DEMO_TRIAL_ID);
    const view = buildArmComparison(data, clock());
    const nfa = adminDatasets(data).find((d) => d.key === 'admin:contacts_nfa')!;
    // the report's model (outcomes.ts / arm-comparison.ts analyse): weighted by pupils, CR1 with 94 schools, baseline and FSM strata
    const r = ittAnalysis(nfa.rows, { outcome: 'y', arm: 'arm', cluster: 'urn', baseline: 'baseline', strata: ['stratum'], weight: 'pupils', proportion: true, se: 'cr1' });
    const row = view.primary!.rows[0];
    expect(row.interventionMean.split(' ')[0]).toBe((r.treatment_mean * 100).toFixed(2));
    expect(row.controlMean.split(' ')[0]).toBe((r.control_mean * 100).toFixed(2));
    expect(row.difference.split(' ')[0].replace('\u2212', '-')).toBe((r.estimate * 100).toFixed(3));
    expect(view.primary!.meanHeading).toBe('Unadjusted mean, % of pupils (95% CI)');
  });
});
