// The arm-comparison report's analysis notes say each thing once: a note shared by several outcomes is one bullet naming them (or "all outcomes").
import { describe, it, expect } from 'vitest';
import { tempDb } from '../helpers/temp';
import { renderReport } from '../../server/reports/render-trial-report';
import { fixtureClock, seedReportFixture } from './fixture';

describe('analysis notes', () => {
  it('no note is repeated, and a note every analysed outcome shares appears once for all of them', async () => {
    const t = tempDb();
    try {
      const { trialId } = seedReportFixture(t.db);
      const html = await renderReport(t.db, { trialId, kind: 'arm-comparison', clock: fixtureClock });
      const section = html.slice(html.indexOf('<h3>Analysis notes</h3>'));
      const items = [...section.slice(0, section.indexOf('</ul>')).matchAll(/<li class="note">([\s\S]*?)<\/li>/g)].map((m) => m[1]);
      expect(items.length).toBeGreaterThan(0);
      expect(new Set(items).size).toBe(items.length);
      // Each of the notes the nine outcomes share today is one bullet, not nine.
      for (const start of ['Standard errors:', 'Effect size:', 'Outcome is a proportion']) {
        expect(items.filter((i) => i.includes(start)), start).toHaveLength(1);
      }
      expect(items.some((i) => i.startsWith('All outcomes: Standard errors:'))).toBe(true);
      expect(items.length).toBeLessThan(12);
    } finally { t.cleanup(); }
  });
});
