// Each report rendered from the seeded fixture trial equals its committed golden HTML (regenerate with UPDATE_GOLDEN=1); free text is escaped; an unknown trial is a 404.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { tempDb } from '../helpers/temp';
import type { ReportKind } from '../../reports/render';
import { renderReport } from '../../server/reports/render-trial-report';
import { fixtureClock, seedReportFixture, HOSTILE_ANSWER } from './fixture';
import { NotFoundError } from '../../shared/errors';

const goldenDir = path.resolve('tests/golden');
let t: ReturnType<typeof tempDb>;
let trialId: string;
const html: Partial<Record<ReportKind, string>> = {};

beforeAll(async () => {
  t = tempDb();
  trialId = seedReportFixture(t.db).trialId;
  for (const kind of ['arm-comparison', 'ipe'] as const) html[kind] = await renderReport(t.db, { trialId, kind, clock: fixtureClock });
});
afterAll(() => t.cleanup());

describe('golden reports', () => {
  for (const kind of ['arm-comparison', 'ipe'] as const) {
    it(`${kind} matches tests/golden/${kind}.html`, () => {
      const file = path.join(goldenDir, `${kind}.html`);
      if (process.env.UPDATE_GOLDEN === '1') fs.writeFileSync(file, html[kind]!);
      expect(fs.existsSync(file), `missing ${file}: run UPDATE_GOLDEN=1 npx vitest run tests/reports/report-golden.test.ts`).toBe(true);
      const golden = fs.readFileSync(file, 'utf8');
      // Compare line by line so a failure names the first differing line instead of printing the whole page.
      const got = html[kind]!.split('\n');
      const want = golden.split('\n');
      const first = got.findIndex((line, i) => line !== want[i]);
      expect(first === -1 && got.length === want.length ? 'same' : `line ${first + 1}: ${(got[first] ?? '').slice(0, 300)} | golden: ${(want[first] ?? '').slice(0, 300)}`).toBe('same');
    });
  }

  it('renders the same HTML twice (deterministic)', async () => {
    expect(await renderReport(t.db, { trialId, kind: 'ipe', clock: fixtureClock })).toBe(html.ipe);
  });
});

describe('report content', () => {
  it('is self-contained: inline CSS and SVG, no JavaScript, no external resources', () => {
    for (const h of Object.values(html)) {
      expect(h.includes('<style>')).toBe(true);
      expect(/<script/i.test(h)).toBe(false);
      expect(/<link[^>]+stylesheet/i.test(h)).toBe(false);
      expect(/(src|href)="https?:/i.test(h)).toBe(false);
      expect(/\bNaN\b|undefined/.exec(h)?.[0] ?? null).toBe(null);
    }
    expect(html['arm-comparison']!.includes('<svg')).toBe(true);
  });

  it('escapes free text from evaluation forms', () => {
    const ipe = html.ipe!;
    expect(ipe.includes('<blockquote>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; it was &quot;great&quot;</blockquote>')).toBe(true);
    expect(ipe.includes(HOSTILE_ANSWER)).toBe(false);
  });

  it('shows only the quotes the evaluator selected', () => {
    expect(html.ipe!.includes('Supportive and practical (1).')).toBe(true);
    expect(html.ipe!.includes('Supportive and practical (2).')).toBe(false);
  });

  it('states the effect size and standard errors beside the tables', () => {
    const a = html['arm-comparison']!;
    expect(a).toContain("Effect size: Glass&#x27;s delta");
    // Handlebars escapes "=" as &#x3D;; 94 schools randomised -> G - 1 = 93.
    expect(/CR1 cluster-robust [^<]*clustered by school \(94 schools\); t tests and CIs with G − 1 &#x3D; 93 degrees of freedom/.test(a)).toBe(true);
  });

  it('says plainly that the open endline has no responses, instead of empty numbers', () => {
    const a = html['arm-comparison']!;
    expect(/secondary outcomes? ha(s|ve) no data yet/.test(a)).toBe(true);
    expect(a.includes('The endline survey has no completed responses yet')).toBe(true);
  });

  it('costs per school and per DSL from the entered costs', () => {
    // £1,500 per setting x engaged settings + £2,400 shared: per-setting cost = £1,500 + £2,400 / settings.
    expect(html.ipe!.includes('£1,500')).toBe(true);
    expect(/Cost per setting \(\d+ settings receiving the programme\)/.test(html.ipe!)).toBe(true);
  });

  it('an unknown trial is NotFound', async () => {
    await expect(renderReport(t.db, { trialId: 'nope', kind: 'ipe', clock: fixtureClock })).rejects.toBeInstanceOf(NotFoundError);
  });
});
