// Test helper, an attacker independent of the code under test: reads a published dashboard's tables into unknowns
// and the sums any reader knows hold between them, and lists every hidden ("c") count those sums pin down exactly.
import { parseTables, type ParsedTable } from './html-tables';
import { rank } from './matrix-rank';

const num = (text: string): number | null => (text === 'c' ? null : Number(text.replace(/,/g, '')));

export interface PageEquations { values: Map<string, number | null>; sums: Array<{ total: string; parts: string[] }> }

/** Every count on the page as a named variable, and the sums between them a reader can see or assume. */
export function pageEquations(html: string): PageEquations {
  const values = new Map<string, number | null>();
  const sums: Array<{ total: string; parts: string[] }> = [];
  const put = (key: string, text: string) => {
    const v = num(text);
    const old = values.get(key);
    if (old !== undefined && old !== v && old !== null && v !== null) throw new Error(`${key} printed as ${old} and ${v}`);
    if (old === undefined || old === null) values.set(key, v);
    return key;
  };
  const headOf = (t: ParsedTable) => t.rows[0].map((c) => c.text);
  for (const t of parseTables(html)) {
    const h = headOf(t);
    const body = t.rows.slice(1);
    const part = / survey: DSLs invited and responding$/.exec(t.caption);
    if (part) {
      const wave = t.caption.replace(/ survey: .*$/, '');
      const cols = ['DSLs invited', 'Completed', 'Not completed'];
      for (const r of body) {
        const [inv, done, not] = cols.map((c) => put(`${wave}|${r[0].text}|${c}`, r[h.indexOf(c)].text));
        sums.push({ total: inv, parts: [done, not] });
      }
      const groups = body.map((r) => r[0].text).filter((g) => g !== 'Total');
      if (body.some((r) => r[0].text === 'Total')) for (const c of cols) sums.push({ total: `${wave}|Total|${c}`, parts: groups.map((g) => `${wave}|${g}|${c}`) });
    } else if (/: mean by wave and group$/.test(t.caption)) {
      for (const r of body) put(`${r[0].text}|${r[1].text}|Completed`, r[h.indexOf('Completed responses')].text);
    } else if (/ number of DSLs in each band$/.test(t.caption)) {
      // Everyone who completed has a score in these fixtures, so the bands of a column add up to its Completed.
      for (let col = 1; col < h.length; col++) {
        const [wave, group] = h[col].split(', ');
        const bands = body.map((r) => put(`${t.caption}|${h[col]}|${r[0].text}`, r[col].text));
        sums.push({ total: `${wave}|${group}|Completed`, parts: bands });
      }
    } else if (t.caption === 'Schools taking part') {
      const groups = body.filter((r) => r[0].text !== 'Total').map((r) => put(`schools|${r[0].text}`, r[1].text));
      const total = body.find((r) => r[0].text === 'Total');
      if (total) sums.push({ total: put('schools|Total', total[1].text), parts: groups });
    } else if (t.caption === 'Supervision sessions by kind and mode') {
      const modes = h.slice(1, h.indexOf('All sessions'));
      for (const r of body) {
        const cells = modes.map((m) => put(`sessions|${r[0].text}|${m}`, r[h.indexOf(m)].text));
        sums.push({ total: put(`sessions|${r[0].text}|All`, r[h.indexOf('All sessions')].text), parts: cells });
      }
      const kinds = body.filter((r) => r[0].text !== 'Total').map((r) => r[0].text);
      for (const m of [...modes, 'All']) sums.push({ total: `sessions|Total|${m}`, parts: kinds.map((k) => `sessions|${k}|${m}`) });
    }
  }
  return { values, sums: sums.filter((s) => values.has(s.total) && s.parts.every((p) => values.has(p))) };
}


/** The hidden counts whose value follows exactly from the shown ones by the page's sums: [name, value]. */
export function recoverableFromPage(eq: PageEquations, truth?: Map<string, number>): string[] {
  const unknown = [...eq.values].filter(([, v]) => v === null).map(([k]) => k);
  const idx = new Map(unknown.map((k, i) => [k, i]));
  const rows = eq.sums.map((s) => {
    const row = new Array(unknown.length).fill(0);
    const add = (k: string, c: number) => { const i = idx.get(k); if (i !== undefined) row[i] += c; };
    add(s.total, 1);
    s.parts.forEach((p) => add(p, -1));
    return row;
  }).filter((r) => r.some((x) => x !== 0));
  const base = rank(rows);
  return unknown.filter((k, i) => {
    const unit = new Array(unknown.length).fill(0);
    unit[i] = 1;
    return rank([...rows, unit]) === base;
  }).map((k) => (truth?.has(k) ? `${k} = ${truth.get(k)}` : k));
}
