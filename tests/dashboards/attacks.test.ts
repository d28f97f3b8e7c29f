// The four attacks of issue #10 on an LA of 8 small schools, each an attacker's script that reads only published HTML
// (the public page, the static copy from `dslkit publish`, and for the third the officer's preview): each must find nothing.
import { describe, it, expect, afterEach } from 'vitest';
import { parseTables, type ParsedTable } from './html-tables';
import { pageEquations, recoverableFromPage } from './page-equations';
import { smallLa, TRIAL, pss10Answers, ons4Answers, type SmallLa } from './small-la-fixture';
import { insertCompleteResponse } from '../../server/storage/response-repo';

// ---------------------------------------------------------------------------------------------------------------
// The attacker's scripts: HTML in, recovered facts out. They know what any reader knows (how the page is laid out).

const num = (text: string): number | null => (text === 'c' ? null : Number(text.replace(/,/g, '')));
const headOf = (t: ParsedTable) => t.rows[0].map((c) => c.text);

/** Attack 1: a hidden Completed / Not completed count recovered from the histogram of the same wave and group. */
export function linkedTablesAttack(html: string): Array<{ wave: string; group: string; completed: number; notCompleted: number }> {
  const tables = parseTables(html);
  const found: Array<{ wave: string; group: string; completed: number; notCompleted: number }> = [];
  for (const part of tables.filter((t) => / survey: DSLs invited and responding$/.test(t.caption))) {
    const wave = part.caption.replace(/ survey: .*$/, '');
    const h = headOf(part);
    for (const row of part.rows.slice(1)) {
      const group = row[0].text;
      const invited = num(row[h.indexOf('DSLs invited')].text);
      const completed = num(row[h.indexOf('Completed')].text);
      if (invited === null || completed !== null) continue;
      // Any distribution of the same wave and group whose every band is published gives Completed by addition.
      for (const dist of tables.filter((t) => / number of DSLs in each band$/.test(t.caption))) {
        const col = headOf(dist).indexOf(`${wave}, ${group}`);
        if (col < 0) continue;
        const bands = dist.rows.slice(1).map((r) => num(r[col].text));
        if (bands.some((b) => b === null)) continue;
        const sum = (bands as number[]).reduce((a, b) => a + b, 0);
        found.push({ wave, group, completed: sum, notCompleted: invited - sum });
        break;
      }
    }
  }
  return found;
}

interface MeanRow { scale: string; wave: string; group: string; n: number; mean: number }
function meanRows(html: string): MeanRow[] {
  const rows: MeanRow[] = [];
  for (const t of parseTables(html).filter((x) => /: mean by wave and group$/.test(x.caption))) {
    const h = headOf(t);
    for (const r of t.rows.slice(1)) {
      const n = num(r[h.indexOf('Completed responses')].text);
      const mean = num(r[h.indexOf('Mean')].text);
      if (n !== null && mean !== null) rows.push({ scale: t.caption.replace(/: mean by wave and group$/, ''), wave: r[0].text, group: r[1].text, n, mean });
    }
  }
  return rows;
}

/** Attacks 2 and 3: two pages where a group's n went up by one; the newcomer's score is n2 × mean2 − n1 × mean1. */
export function differencingAttack(before: string, after: string): Array<{ scale: string; score: number }> {
  const old = meanRows(before);
  return meanRows(after).flatMap((b) => {
    const a = old.find((x) => x.scale === b.scale && x.wave === b.wave && x.group === b.group);
    if (!a || b.n !== a.n + 1) return [];
    return [{ scale: b.scale, score: Math.round(b.n * b.mean - a.n * a.mean) }];
  });
}

/** Attack 4: a mean whose interval has zero width, or a distribution with everyone in one band, says what everyone answered. */
export function unanimityAttack(html: string): string[] {
  const found: string[] = [];
  for (const t of parseTables(html)) {
    const h = headOf(t);
    if (/: mean by wave and group$/.test(t.caption)) {
      for (const r of t.rows.slice(1)) {
        const ci = /^(-?[\d.,]+) to (-?[\d.,]+)$/.exec(r[h.indexOf('95% confidence interval')].text);
        if (ci && ci[1] === ci[2]) found.push(`${t.caption}, ${r[0].text} ${r[1].text}: everyone answered ${ci[1]}`);
      }
    }
    if (/ number of DSLs in each band$/.test(t.caption)) {
      for (let col = 1; col < h.length; col++) {
        const bands = t.rows.slice(1).map((r) => ({ band: r[0].text, n: num(r[col].text) }));
        const positive = bands.filter((b) => b.n !== 0);
        if (positive.length === 1 && positive[0].n !== null) found.push(`${t.caption}, ${h[col]}: everyone is in ${positive[0].band}`);
      }
    }
  }
  return found;
}

// ---------------------------------------------------------------------------------------------------------------

let la: SmallLa | undefined;
afterEach(async () => { await la?.close(); la = undefined; });

const AFTER_CLOSE = new Date('2025-03-05T09:00:00Z');
/** The part of a page a differencing attacker compares: every wellbeing table. */
const wellbeingTables = (html: string) => parseTables(html).filter((t) => /: mean by wave and group$| number of DSLs in each band$/.test(t.caption));

describe('attack 1: linked tables (participation hidden, histogram of the same wave and group complete)', () => {
  it('recovers neither Completed nor Not completed from the published page', async () => {
    la = await smallLa();
    // 18 of 21 DSLs answer: 6 with PSS-10 12 (life 6), 12 with PSS-10 17 (life 8). Not completed: 3.
    for (let i = 0; i < 18; i++) await la.answer(i, i < 6 ? 12 : 17, i < 6 ? 6 : 8);
    la.now.t = AFTER_CLOSE;
    const html = await la.publish();
    for (const page of [html, await la.publicPage()]) {
      const part = parseTables(page).find((t) => t.caption === 'Baseline survey: DSLs invited and responding')!;
      const [invited, completed, notCompleted] = part.rows[1].map((c) => c.text).slice(1, 4);
      expect(notCompleted).toBe('c'); // 3
      expect([invited, completed]).toContain('c'); // and one of the two it would follow from
      expect(page).toContain('Perceived stress (PSS-10): number of DSLs in each band'); // the distribution is published
      expect(linkedTablesAttack(page)).toEqual([]);
      // And the general form: every sum the page implies, across all its tables at once, pins down no hidden count.
      expect(recoverableFromPage(pageEquations(page))).toEqual([]);
      // The charts draw a bar (an SVG path whose height is the count) only for a band whose count is printed.
      const figures = [...page.matchAll(/<figure[\s\S]*?<\/figure>[\s\S]*?<table[\s\S]*?<\/table>/g)].map((m) => m[0]);
      expect(figures.length).toBeGreaterThan(0);
      for (const f of figures) {
        const bars = [...f.matchAll(/<g class="mark-rect[^"]*"[^>]*>([\s\S]*?)<\/g>/g)].reduce((a, g) => a + (g[1].match(/<path/g) ?? []).length, 0);
        const data = parseTables(f)[0];
        const shown = data.rows.slice(1).flatMap((r) => r.slice(1)).filter((c) => c.text !== 'c').length;
        expect(bars).toBe(shown);
        expect(f).not.toMatch(/aria-label="[^"]*\d+ DSL/);
      }
    }
  });
});

describe('attack 2: differencing two publications', () => {
  it('one more answer between publications of an open wave gives nothing away', async () => {
    la = await smallLa();
    const first10 = [15, 16, 18, 19, 20, 20, 21, 22, 24, 25]; // mean 20.0
    for (let i = 0; i < 10; i++) await la.answer(i, first10[i]);
    const before = await la.publish();
    await la.answer(10, 40); // mean (200 + 40) / 11 = 21.8
    const after = await la.publish();
    expect(differencingAttack(before, after)).toEqual([]);
    expect(differencingAttack(before, await la.publicPage())).toEqual([]);
  });

  it('a closed wave published once stays as published: late imports and erasures change nothing on later publications', async () => {
    la = await smallLa();
    const answers = [15, 16, 18, 19, 20, 20, 21, 22, 24, 25, 31, 33];
    for (let i = 0; i < answers.length; i++) await la.answer(i, answers[i]);
    la.now.t = AFTER_CLOSE;
    const first = await la.publish();
    expect(meanRows(first).some((r) => r.scale === 'Perceived stress (PSS-10)' && r.n === 12)).toBe(true); // closed: published
    // A late paper return for DSL 12, imported after the close (the import path the demo and paper returns use).
    const db = la.server.deps.db;
    const inv = db.prepare('SELECT i.id, i.wave_id FROM invitations i WHERE i.dsl_id = ?').get(la.dsls[12].dslId) as { id: number; wave_id: number };
    insertCompleteResponse(db, { invitationId: inv.id, dslId: la.dsls[12].dslId, waveId: inv.wave_id, instruments: ['pss10@1', 'ons4@1'], answers: { ...pss10Answers(39), ...ons4Answers(2) }, at: AFTER_CLOSE.toISOString() });
    const afterImport = await la.publish();
    expect(differencingAttack(first, afterImport)).toEqual([]);
    // The DSL who answered 33 withdraws and is erased (`dslkit erase`): n would drop by one.
    await la.cli('erase', '--trial', TRIAL, '--dsl', la.dsls[11].dslId);
    const afterErasure = await la.publish();
    expect(differencingAttack(afterErasure, first)).toEqual([]);
    expect(wellbeingTables(afterImport)).toEqual(wellbeingTables(first));
    expect(wellbeingTables(afterErasure)).toEqual(wellbeingTables(first));
    expect(wellbeingTables(await la.publicPage())).toEqual(wellbeingTables(first));
  });
});

describe('late returns for a closed wave that has shown no score yet', () => {
  it('are published when they first make a score showable, and then the wave is frozen', async () => {
    la = await smallLa();
    for (let i = 0; i < 3; i++) await la.answer(i, 20 + i); // three online answers before the close
    la.now.t = AFTER_CLOSE;
    const early = await la.preview();
    expect(meanRows(early)).toEqual([]); // 3 respondents: no score shown, so nothing is frozen yet
    const db = la.server.deps.db;
    expect((db.prepare('SELECT count(*) AS n FROM frozen_wave_figures').get() as { n: number }).n).toBe(0);
    // Nine paper returns entered after the close.
    for (let i = 3; i < 12; i++) {
      const inv = db.prepare('SELECT id, wave_id FROM invitations WHERE dsl_id = ?').get(la.dsls[i].dslId) as { id: number; wave_id: number };
      insertCompleteResponse(db, { invitationId: inv.id, dslId: la.dsls[i].dslId, waveId: inv.wave_id, instruments: ['pss10@1', 'ons4@1'], answers: { ...pss10Answers(12 + 2 * i), ...ons4Answers(i % 10) }, at: AFTER_CLOSE.toISOString() });
    }
    const first = await la.publish();
    expect(meanRows(first).some((r) => r.scale === 'Perceived stress (PSS-10)' && r.n === 12)).toBe(true);
    expect((db.prepare('SELECT count(*) AS n FROM frozen_wave_figures').get() as { n: number }).n).toBe(1);
    await la.cli('erase', '--trial', TRIAL, '--dsl', la.dsls[0].dslId);
    expect(wellbeingTables(await la.publish())).toEqual(wellbeingTables(first));
  });
});

describe('attack 3: differencing the officer\'s live preview', () => {
  it('the preview of an open wave shows no wellbeing figures to difference', async () => {
    la = await smallLa();
    const first10 = [15, 16, 18, 19, 20, 20, 21, 22, 24, 25];
    for (let i = 0; i < 10; i++) await la.answer(i, first10[i]);
    const before = await la.preview();
    await la.answer(10, 18); // mean (200 + 18) / 11 = 19.8
    const after = await la.preview();
    expect(after).toContain('This is a preview of live data');
    expect(differencingAttack(before, after)).toEqual([]);
  });

  it('the preview of a closed wave shows what the public page shows, and does not move after an erasure', async () => {
    la = await smallLa();
    const answers = [15, 16, 18, 19, 20, 20, 21, 22, 24, 25, 18];
    for (let i = 0; i < answers.length; i++) await la.answer(i, answers[i]);
    la.now.t = AFTER_CLOSE;
    const before = await la.preview();
    expect(meanRows(before).length).toBeGreaterThan(0);
    await la.cli('erase', '--trial', TRIAL, '--dsl', la.dsls[10].dslId);
    const after = await la.preview();
    expect(differencingAttack(after, before)).toEqual([]);
    expect(wellbeingTables(after)).toEqual(wellbeingTables(before));
    await la.publish();
    expect(wellbeingTables(await la.publicPage())).toEqual(wellbeingTables(before));
  });
});

describe('attack 4: unanimity (group disclosure)', () => {
  it('no mean with an interval of zero width, no distribution with everyone in one band', async () => {
    la = await smallLa();
    // 12 DSLs: every one answers life satisfaction 9; every PSS-10 total is in the band 20 to under 25.
    for (let i = 0; i < 12; i++) await la.answer(i, 20 + (i % 5), 9);
    la.now.t = AFTER_CLOSE;
    const html = await la.publish();
    expect(unanimityAttack(html)).toEqual([]);
    expect(unanimityAttack(await la.publicPage())).toEqual([]);
    expect(html).not.toMatch(/9\.0 to 9\.0/);
  });
});

describe('the attacker scripts do find what they look for (so the tests above can fail)', () => {
  const page = (tables: string) => `<main>${tables}</main>`;
  const t = (caption: string, head: string[], rows: string[][]) => `<table><caption>${caption}</caption><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr>${rows.map((r) => `<tr>${r.map((c, i) => (i ? `<td>${c}</td>` : `<th>${c}</th>`)).join('')}</tr>`).join('')}</table>`;
  it('linked tables, differencing, unanimity', () => {
    const html = page(t('Baseline survey: DSLs invited and responding', ['Group', 'DSLs invited', 'Completed', 'Not completed', 'Response rate'], [['All', '21', 'c', 'c', 'c']])
      + t('Perceived stress (PSS-10): number of DSLs in each band', ['Band', 'Baseline, All'], [['10 to under 15', '6'], ['15 to under 20', '12']]));
    expect(linkedTablesAttack(html)).toEqual([{ wave: 'Baseline', group: 'All', completed: 18, notCompleted: 3 }]);
    expect(recoverableFromPage(pageEquations(html)).sort()).toEqual(['Baseline|All|Completed', 'Baseline|All|Not completed']);
    const means = (n: string, m: string, ci: string) => page(t('Perceived stress (PSS-10): mean by wave and group', ['Wave', 'Group', 'Completed responses', 'Mean', '95% confidence interval'], [['Baseline', 'All', n, m, ci]]));
    expect(differencingAttack(means('10', '20.0', '18.0 to 22.0'), means('11', '21.8', '18.0 to 25.6'))).toEqual([{ scale: 'Perceived stress (PSS-10)', score: 40 }]);
    expect(unanimityAttack(means('12', '9.0', '9.0 to 9.0'))).toHaveLength(1);
  });
});
